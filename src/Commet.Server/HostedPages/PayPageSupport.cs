using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Caching.Memory;

namespace Commet.Server.HostedPages;

/// <summary>The pages' one stylesheet, inline (no extra request), allowed by its hash in the Content-Security-Policy.</summary>
public static class PayStyles
{
    public const string Css =
        "*{box-sizing:border-box}"
        + "html{font:16px/1.5 system-ui,-apple-system,\"Segoe UI\",Roboto,\"Helvetica Neue\",Arial,sans-serif;color:#111827;background:#f3f4f6;-webkit-text-size-adjust:100%}"
        + "body{margin:0}"
        + "a{color:#1d4ed8;text-underline-offset:2px}"
        + ":focus-visible{outline:3px solid #1d4ed8;outline-offset:2px}"
        + ".sandbox{background:#fef3c7;color:#713f12;border-bottom:1px solid #d97706;padding:.6rem 0;font-size:.875rem}"
        + ".sandbox>div{max-width:60rem;margin:0 auto;padding:0 1rem}"
        + ".sandbox p{margin:0}"
        + ".sandbox ul{margin:.25rem 0 0;padding-left:1.2rem}"
        + "code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.95em;white-space:nowrap}"
        + "main{max-width:60rem;margin:0 auto;padding:1.25rem 1rem 2rem}"
        + ".merchant{font-weight:600;color:#374151;margin:0 0 .25rem}"
        + "h1{font-size:1.5rem;line-height:1.25;margin:0 0 1.25rem}"
        + "h2{font-size:1.0625rem;margin:0 0 .75rem}"
        + ".grid{display:grid;gap:1.25rem}"
        + ".panel{background:#fff;border:1px solid #d1d5db;border-radius:12px;padding:1.25rem}"
        + ".narrow{max-width:34rem;margin-inline:auto}"
        + ".muted{color:#4b5563;font-size:.875rem;margin:0 0 .75rem}"
        + "p{margin:0 0 .75rem}"
        + "table{width:100%;border-collapse:collapse}"
        + "th,td{padding:.4rem 0;text-align:left;vertical-align:top;font-weight:400}"
        + ".amt{text-align:right;white-space:nowrap;padding-left:1rem}"
        + "tfoot th,tfoot td{border-top:1px solid #d1d5db;padding-top:.6rem;font-weight:700}"
        + ".field{margin-bottom:1rem}"
        + ".row{display:grid;grid-template-columns:1fr 1fr;gap:.75rem}"
        + "label{display:block;font-weight:600;font-size:.9375rem;margin-bottom:.3rem}"
        + ".opt{font-weight:400;color:#4b5563}"
        + "input{display:block;width:100%;font:inherit;color:inherit;background:#fff;padding:.65rem .75rem;border:1px solid #6b7280;border-radius:8px;min-height:2.75rem}"
        + "input[aria-invalid=true]{border:2px solid #b91c1c}"
        + ".ferr{color:#b91c1c;font-size:.875rem;margin:.3rem 0 0}"
        + "button,.button{display:block;width:100%;font:inherit;font-weight:600;text-align:center;text-decoration:none;padding:.8rem 1rem;border:2px solid #1d4ed8;border-radius:8px;background:#1d4ed8;color:#fff;cursor:pointer;min-height:2.75rem}"
        + "button:hover,.button:hover{background:#1e40af;border-color:#1e40af}"
        + ".alt{background:#fff;color:#1d4ed8}"
        + ".alt:hover{background:#eff6ff;color:#1e40af}"
        + ".alert{border:1px solid #b91c1c;background:#fef2f2;color:#7f1d1d;border-radius:8px;padding:.75rem 1rem;margin-bottom:1rem}"
        + ".alert p{margin:0}"
        + ".good{border-color:#15803d;background:#f0fdf4;color:#14532d}"
        + ".info{border-color:#6b7280;background:#f9fafb;color:#111827}"
        + ".or{display:flex;align-items:center;gap:.75rem;color:#4b5563;font-size:.875rem;margin:1.25rem 0}"
        + ".or:before,.or:after{content:\"\";flex:1;border-top:1px solid #d1d5db}"
        + ".secure{color:#4b5563;font-size:.8125rem;margin:.75rem 0 0;text-align:center}"
        + "footer{color:#4b5563;font-size:.8125rem;text-align:center;margin-top:2rem}"
        + "[hidden]{display:none!important}"
        + ".merchant{display:flex;align-items:center;gap:.5rem}"
        + ".merchant img{max-height:2rem;max-width:8rem;display:block}"
        + ".initials{display:inline-flex;align-items:center;justify-content:center;width:2rem;height:2rem;border-radius:6px;background:#1d4ed8;color:#fff;font-size:.875rem}"
        + "@media(min-width:48rem){main{padding-top:2.5rem}.grid{grid-template-columns:1fr 1fr;align-items:start}h1{font-size:1.75rem}}"
        + "@media(prefers-reduced-motion:no-preference){button{transition:background-color .15s}}";

    /// <summary>The stylesheet's hash as a CSP source.</summary>
    public static readonly string CspSource = "'sha256-" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(Css))) + "'";
}

public static class PayHeaders
{
    private static readonly string Csp =
        $"default-src 'none'; style-src {PayStyles.CspSource}; script-src {Portal.PortalLogos.FallbackScriptHash}; img-src 'self' https: data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    /// <summary>
    /// Payment pages are never cached, framed or indexed, and their URL (which carries the link's token) is not
    /// sent as a Referer when the customer follows a link away.
    /// </summary>
    public static void Apply(HttpResponse response)
    {
        var h = response.Headers;
        h.CacheControl = "no-store";
        h.Pragma = "no-cache";
        h.ContentSecurityPolicy = Csp;
        h["Referrer-Policy"] = "no-referrer";
        h.XContentTypeOptions = "nosniff";
        h["X-Robots-Tag"] = "noindex, nofollow";
    }
}

/// <summary>
/// Counts refused card attempts per hosted session, so a leaked link cannot be used to test stolen cards
/// one after another. In memory per node: with N nodes the bound is N × <see cref="Limit"/>, still small.
/// </summary>
public sealed class PayAttempts(IMemoryCache cache)
{
    public const int Limit = 10;
    public static readonly TimeSpan Window = TimeSpan.FromHours(1);

    public bool IsBlocked(string sessionId) => cache.TryGetValue(Key(sessionId), out Counter? c) && c!.Count >= Limit;

    public void Refused(string sessionId)
    {
        var counter = cache.GetOrCreate(Key(sessionId), e =>
        {
            e.AbsoluteExpirationRelativeToNow = Window;
            e.Size = 1;
            return new Counter();
        })!;
        Interlocked.Increment(ref counter.Count);
    }

    private static string Key(string sessionId) => "pay-attempts:" + sessionId;

    private sealed class Counter
    {
        public int Count;
    }
}
