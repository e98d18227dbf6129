using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Commet.Server.Http;

/// <summary>
/// Proxies whose <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> are believed (<c>Commet:ForwardedHeaders</c>).
/// Without these settings ASP.NET Core's own switch applies: <c>ASPNETCORE_FORWARDEDHEADERS_ENABLED=true</c> believes
/// the headers from any direct peer, which is right only when the server listens on loopback behind a local proxy.
/// With them, only the listed proxies and networks are believed (list 127.0.0.1 too if a local proxy also forwards).
/// </summary>
public sealed class ForwardedHeadersSettings
{
    public const string Section = "Commet:ForwardedHeaders";

    /// <summary>IP addresses of trusted proxies, e.g. <c>10.0.0.5</c>.</summary>
    public string[] KnownProxies { get; set; } = [];

    /// <summary>Trusted networks in CIDR notation, e.g. <c>10.0.0.0/8</c>.</summary>
    public string[] KnownNetworks { get; set; } = [];

    /// <summary>How many proxies in a chain to unwind (X-Forwarded-For entries read from the right).</summary>
    public int ForwardLimit { get; set; } = 1;

    public bool IsConfigured => KnownProxies.Length > 0 || KnownNetworks.Length > 0;
}

public static class Proxy
{
    /// <summary>Reads <c>Commet:ForwardedHeaders</c>; answers whether the server must add the forwarded-headers middleware itself.</summary>
    public static bool AddCommetForwardedHeaders(this WebApplicationBuilder builder)
    {
        var settings = builder.Configuration.GetSection(ForwardedHeadersSettings.Section).Get<ForwardedHeadersSettings>() ?? new ForwardedHeadersSettings();
        if (!settings.IsConfigured)
        {
            return false;
        }
        // Parsed here so that a typo stops the start instead of silently trusting nobody.
        var proxies = settings.KnownProxies.Select(p => IPAddress.TryParse(p.Trim(), out var ip) ? ip
            : throw new InvalidOperationException($"Commet:ForwardedHeaders:KnownProxies: '{p}' is not an IP address.")).ToList();
        var networks = settings.KnownNetworks.Select(n => System.Net.IPNetwork.TryParse(n.Trim(), out var net) ? net
            : throw new InvalidOperationException($"Commet:ForwardedHeaders:KnownNetworks: '{n}' is not a network in CIDR notation.")).ToList();
        builder.Services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.ForwardLimit = Math.Max(1, settings.ForwardLimit);
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var ip in proxies)
            {
                o.KnownProxies.Add(ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip);
            }
            foreach (var net in networks)
            {
                o.KnownIPNetworks.Add(net);
            }
        });
        return true;
    }
}
