using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akka.Remote.Hosting;
using Akka.Remote.Transport.DotNetty;
using TickStock.Actors.Configuration;

namespace TickStock.Actors.Hosting;

/// <summary>
/// TLS for Akka.Remote (DotNetty): the cluster shares one certificate; each node presents it and accepts a peer only
/// if the peer presents that same certificate (mutual TLS, pinned by thumbprint), so a process without the cluster's
/// certificate and key can neither join nor send the nodes a message. Self-signed is fine: trust is the pin, not a CA.
/// </summary>
public static class RemotingTls
{
    /// <summary>
    /// Loads the certificate named by <paramref name="settings"/> with the password read from its password file (one
    /// line; no file = no password). Fails with an <see cref="InvalidOperationException"/> that names the files, never
    /// the password.
    /// </summary>
    public static X509Certificate2 LoadCertificate(RemotingTlsSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var path = settings.CertificatePath ?? throw new InvalidOperationException("no remoting certificate is configured");
        if (!File.Exists(path)) throw new InvalidOperationException($"TICKSTOCK_AKKA_TLS_CERT: '{path}' does not exist");
        string? password = null;
        if (!string.IsNullOrWhiteSpace(settings.PasswordFile))
        {
            if (!File.Exists(settings.PasswordFile))
            {
                throw new InvalidOperationException($"TICKSTOCK_AKKA_TLS_PASSWORD_FILE: '{settings.PasswordFile}' does not exist");
            }

            password = File.ReadAllText(settings.PasswordFile).TrimEnd('\r', '\n');
        }

        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password);
        }
        catch (CryptographicException ex)
        {
            // The message of the exception says what was wrong with the file (bad password, not PKCS#12); it holds no secret.
            throw new InvalidOperationException($"TICKSTOCK_AKKA_TLS_CERT: '{path}' cannot be read with the password from TICKSTOCK_AKKA_TLS_PASSWORD_FILE ({ex.Message})", ex);
        }

        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new InvalidOperationException($"TICKSTOCK_AKKA_TLS_CERT: '{path}' holds no private key (a PKCS#12 file with the key is needed)");
        }

        return certificate;
    }

    /// <summary>The remoting TLS options for <paramref name="certificate"/>: mutual TLS, only that certificate accepted.</summary>
    public static SslOptions Options(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return new SslOptions
        {
            X509Certificate = certificate,
            // The chain of a self-signed cluster certificate is "untrusted"; the pin below is the check instead.
            SuppressValidation = false,
            RequireMutualAuthentication = true,
            ValidateCertificateHostname = false,
            CustomValidator = CertificateValidation.PinnedCertificate(certificate.Thumbprint),
        };
    }
}
