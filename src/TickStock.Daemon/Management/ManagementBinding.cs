using System.Globalization;
using System.Net;
using TickStock.Actors.Configuration;
using TickStock.Daemon.Configuration;

namespace TickStock.Daemon.Management;

/// <summary>
/// Where the management endpoint listens, parsed from TICKSTOCK_HTTP: <c>off</c>, or <c>host:port</c> with an IP
/// literal (<c>[::1]:9110</c> for IPv6), <c>localhost</c> or <c>*</c> (every interface) as the host; port 0 lets the
/// system pick a free one.
/// </summary>
public sealed record ManagementBinding(IPAddress Address, int Port)
{
    public bool IsLoopback => IPAddress.IsLoopback(Address);

    public override string ToString() => new IPEndPoint(Address, Port).ToString();

    /// <summary>The binding of <paramref name="settings"/>, null when disabled; a bad value or a non-loopback binding without a token is an <see cref="OptionsException"/>.</summary>
    public static ManagementBinding? From(ManagementSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var text = (settings.Http ?? string.Empty).Trim();
        if (string.Equals(text, "off", StringComparison.OrdinalIgnoreCase)) return null;

        var binding = Parse(text) ?? throw new OptionsException(
            $"TICKSTOCK_HTTP='{settings.Http}' is not host:port (an IP address, localhost or *, and a port 0-65535) or off");
        if (!binding.IsLoopback && string.IsNullOrEmpty(settings.Token))
        {
            // Anyone who can reach the port could otherwise drive the node; loopback trusts the host's users.
            throw new OptionsException(
                $"TICKSTOCK_HTTP={binding} is not a loopback address: set TICKSTOCK_CTL_TOKEN (the bearer token of management calls) or bind 127.0.0.1");
        }

        return binding;
    }

    private static ManagementBinding? Parse(string text)
    {
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1) return null;
        var host = text[..colon];
        if (!int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > IPEndPoint.MaxPort)
        {
            return null;
        }

        if (host.StartsWith('[') && host.EndsWith(']')) host = host[1..^1];
        IPAddress? address = host switch
        {
            "localhost" => IPAddress.Loopback,
            "*" => IPAddress.Any,
            _ => IPAddress.TryParse(host, out var ip) ? ip : null,
        };
        return address is null ? null : new ManagementBinding(address, port);
    }
}
