using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Commet.Server.Webhooks;

/// <summary>Name resolution for webhook targets; a seam so that tests can make a name change its address.</summary>
public interface IWebhookDns
{
    Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct);
}

public sealed class SystemWebhookDns : IWebhookDns
{
    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct) => Dns.GetHostAddressesAsync(host, ct);
}

/// <summary>Raised when a target resolves to an address the mode may not reach; the attempt fails without a request.</summary>
public sealed class WebhookTargetRefusedException(string message) : Exception(message);

/// <summary>
/// Where webhooks may go. Live endpoints: HTTPS only, and no loopback, private, shared (CGNAT), link-local (cloud
/// metadata), multicast or unspecified address, checked on the URL at create and on every resolved address at connect
/// (a name that later resolves elsewhere is refused then). Sandbox endpoints may use HTTP and loopback or private
/// addresses, for development, but never link-local ones. <c>Commet:Webhooks:AllowPrivateTargets</c> lifts all of it.
/// </summary>
public sealed class WebhookTargets(IOptions<WebhookOptions> options, IWebhookDns dns)
{
    /// <summary>The URL's problem, or null when it may be used (create and update).</summary>
    public async Task<string?> CheckUrlAsync(string? url, bool livemode, CancellationToken ct)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp) || uri.Host.Length == 0)
        {
            return "url must be an absolute http or https URL.";
        }
        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            return "url may not contain a user name or password.";
        }
        if (!string.IsNullOrEmpty(uri.Fragment))
        {
            return "url may not contain a fragment.";
        }
        var open = options.Value.AllowPrivateTargets;
        if (livemode && !open && uri.Scheme != Uri.UriSchemeHttps)
        {
            return "Live webhook endpoints must use https.";
        }
        if (open)
        {
            return null;
        }
        IPAddress[] addresses;
        if (IPAddress.TryParse(uri.IdnHost.Trim('[', ']'), out var literal))
        {
            addresses = [literal];
        }
        else if (livemode && (uri.IdnHost.Equals("localhost", StringComparison.OrdinalIgnoreCase) || uri.IdnHost.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)))
        {
            return "Live webhook endpoints may not point at this server's own machine (localhost).";
        }
        else
        {
            try
            {
                addresses = await dns.ResolveAsync(uri.IdnHost, ct);
            }
            catch (SocketException)
            {
                // A name that does not resolve yet is accepted; every delivery checks again where it connects.
                return null;
            }
        }
        return addresses.Select(a => Refusal(a, livemode)).FirstOrDefault(r => r is not null);
    }

    /// <summary>Why <paramref name="address"/> may not be reached in this mode, or null.</summary>
    public string? Refusal(IPAddress address, bool livemode)
    {
        if (options.Value.AllowPrivateTargets)
        {
            return null;
        }
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        var linkLocal = address.AddressFamily == AddressFamily.InterNetwork ? InRange(address, "169.254.0.0", 16) : address.IsIPv6LinkLocal;
        if (linkLocal)
        {
            return $"{address} is a link-local (cloud metadata) address.";
        }
        if (!livemode)
        {
            return null;
        }
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.Broadcast))
        {
            return $"{address} is a loopback or unspecified address.";
        }
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            if (InRange(address, "10.0.0.0", 8) || InRange(address, "172.16.0.0", 12) || InRange(address, "192.168.0.0", 16)
                || InRange(address, "100.64.0.0", 10) || InRange(address, "0.0.0.0", 8) || InRange(address, "192.0.0.0", 24)
                || InRange(address, "198.18.0.0", 15) || InRange(address, "224.0.0.0", 4) || InRange(address, "240.0.0.0", 4))
            {
                return $"{address} is a private or reserved address.";
            }
            return null;
        }
        var first = address.GetAddressBytes()[0];
        if ((first & 0xFE) == 0xFC || address.IsIPv6Multicast || address.IsIPv6SiteLocal || address.IsIPv6Teredo || (first == 0x20 && address.GetAddressBytes()[1] == 0x01 && address.GetAddressBytes()[2] == 0x0d && address.GetAddressBytes()[3] == 0xb8))
        {
            return $"{address} is a private or reserved address.";
        }
        return null;
    }

    /// <summary>Resolves the name, refuses any address the mode may not reach, and connects (the handler's ConnectCallback).</summary>
    public async ValueTask<Stream> ConnectAsync(DnsEndPoint endPoint, bool livemode, CancellationToken ct)
    {
        var addresses = IPAddress.TryParse(endPoint.Host.Trim('[', ']'), out var literal) ? [literal] : await dns.ResolveAsync(endPoint.Host, ct);
        if (addresses.Length == 0)
        {
            throw new WebhookTargetRefusedException($"{endPoint.Host} did not resolve.");
        }
        foreach (var address in addresses)
        {
            if (Refusal(address, livemode) is { } why)
            {
                throw new WebhookTargetRefusedException($"Refused to connect to {endPoint.Host}: {why}");
            }
        }
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, endPoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static bool InRange(IPAddress address, string network, int bits)
    {
        var a = address.GetAddressBytes();
        var n = IPAddress.Parse(network).GetAddressBytes();
        for (var i = 0; i < 4; i++)
        {
            var take = Math.Clamp(bits - (i * 8), 0, 8);
            var mask = (byte)(0xFF << (8 - take));
            if ((a[i] & mask) != (n[i] & mask))
            {
                return false;
            }
        }
        return true;
    }
}
