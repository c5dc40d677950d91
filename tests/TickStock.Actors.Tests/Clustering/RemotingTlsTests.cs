using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Channels;
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using TickStock.Actors.Configuration;
using TickStock.Actors.Hosting;

namespace TickStock.Actors.Tests.Clustering;

/// <summary>
/// Remoting TLS with certificates the test makes: a node presenting another certificate is refused at the TLS
/// handshake and never joins; a node with the cluster's certificate joins.
/// </summary>
public sealed class RemotingTlsTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("remoting-tls").FullName;
    private readonly List<ClusterTestNode> _nodes = [];

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        for (int i = _nodes.Count - 1; i >= 0; i--) await _nodes[i].DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task A_node_with_another_certificate_cannot_join_and_one_with_the_cluster_certificate_can()
    {
        RemotingTlsSettings cluster = WriteCertificate("cluster", "s3cret-cluster");
        RemotingTlsSettings stranger = WriteCertificate("stranger", "s3cret-stranger");

        var first = await StartAsync(seed: null, cluster);
        await ClusterTestNode.EventuallyAsync(() => Task.FromResult(first.UpMembers == 1), "the first node is up");
        var refusals = Channel.CreateUnbounded<string>();
        first.System.EventStream.Subscribe(first.System.ActorOf(Props.Create(() => new RefusalCollector(refusals.Writer))), typeof(LogEvent));

        var outsider = await StartAsync(first, stranger);
        using (var cts = new CancellationTokenSource(ClusterTestNode.Patience))
        {
            string refusal = await refusals.Reader.ReadAsync(cts.Token);
            Assert.Contains("certificate", refusal, StringComparison.OrdinalIgnoreCase);
        }

        Assert.Single(first.Cluster.State.Members);
        Assert.NotEqual(MemberStatus.Up, outsider.Cluster.SelfMember.Status);

        var member = await StartAsync(first, cluster);
        await ClusterTestNode.EventuallyAsync(() => Task.FromResult(first.UpMembers == 2 && member.UpMembers == 2), "the node with the cluster certificate joined");
        Assert.DoesNotContain(first.Cluster.State.Members, m => m.Address == outsider.Cluster.SelfAddress);
    }

    [Fact]
    public void The_certificate_password_comes_from_its_file_and_a_wrong_one_is_named_without_the_password()
    {
        RemotingTlsSettings tls = WriteCertificate("node", "right-password");
        using (var loaded = RemotingTls.LoadCertificate(tls))
        {
            Assert.True(loaded.HasPrivateKey);
        }

        File.WriteAllText(tls.PasswordFile!, "wrong-password\n");
        var ex = Assert.Throws<InvalidOperationException>(() => RemotingTls.LoadCertificate(tls));
        Assert.Contains("TICKSTOCK_AKKA_TLS_CERT", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-password", ex.Message, StringComparison.Ordinal);
    }

    private async Task<ClusterTestNode> StartAsync(ClusterTestNode? seed, RemotingTlsSettings tls)
    {
        var node = await ClusterTestNode.StartAsync(seed, roles: null, (_, _) => { }, settings => settings.Tls = tls);
        _nodes.Add(node);
        return node;
    }

    /// <summary>A self-signed certificate with its key in a PKCS#12 file, and its password in a file next to it.</summary>
    private RemotingTlsSettings WriteCertificate(string name, string password)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN=tickstock-{name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        string path = Path.Combine(_folder, name + ".pfx");
        string passwordFile = Path.Combine(_folder, name + ".password");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12, password));
        File.WriteAllText(passwordFile, password + "\n");
        return new RemotingTlsSettings { CertificatePath = path, PasswordFile = passwordFile };
    }

    /// <summary>Hands the test every warning or error the node logs about a TLS handshake.</summary>
    private sealed class RefusalCollector : ReceiveActor
    {
        public RefusalCollector(ChannelWriter<string> refusals) =>
            Receive<LogEvent>(e =>
            {
                string text = e.ToString() ?? string.Empty;
                if (e.LogLevel() >= LogLevel.WarningLevel && (text.Contains("certificate", StringComparison.OrdinalIgnoreCase) || text.Contains("TLS", StringComparison.Ordinal)))
                {
                    refusals.TryWrite(text);
                }
            });
    }
}
