using System.Security.Cryptography;
using System.Text;

namespace Commet.Server.Portal;

/// <summary>
/// The portal's one stylesheet, inline (no extra request, a few KB), allowed by its hash in the
/// Content-Security-Policy. The organization's accent colour comes in a second, tiny style block whose hash is
/// worked out once per branding.
/// </summary>
public static class PortalStyles
{
    public const string Css =
        "*{box-sizing:border-box}"
        + "html{font:16px/1.5 system-ui,-apple-system,\"Segoe UI\",Roboto,\"Helvetica Neue\",Arial,sans-serif;color:#111827;background:#f3f4f6;-webkit-text-size-adjust:100%}"
        + "body{margin:0;min-width:320px}"
        + "a{color:#1e3a8a;text-underline-offset:2px}"
        + ":focus-visible{outline:3px solid #111827;outline-offset:2px;box-shadow:0 0 0 5px #fff}"
        + ".skip{position:absolute;left:-999px;top:0;background:#fff;padding:.5rem 1rem;z-index:9}"
        + ".skip:focus{left:.5rem}"
        + ".vh{position:absolute!important;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}"
        + ".sandbox{background:#fef3c7;color:#713f12;border-bottom:1px solid #d97706;font-size:.875rem;padding:.4rem 1rem;text-align:center}"
        + "header.top{background:#fff;border-bottom:1px solid #d1d5db}"
        + ".bar{max-width:64rem;margin:0 auto;padding:.75rem 1rem;display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1rem}"
        + ".brand{display:flex;align-items:center;gap:.6rem;font-weight:700;font-size:1.125rem;margin-right:auto;min-width:0}"
        + ".brand img{max-height:2rem;max-width:8rem;display:block}"
        + "[hidden]{display:none!important}"
        + ".initials{display:inline-flex;align-items:center;justify-content:center;width:2rem;height:2rem;border-radius:6px;background:var(--accent);color:var(--on-accent);font-size:.875rem}"
        + ".who{color:#4b5563;font-size:.875rem}"
        + ".links{display:flex;flex-wrap:wrap;align-items:center;gap:.25rem .75rem;font-size:.875rem}"
        + ".links a,.linkbtn{white-space:nowrap}"
        + ".linkbtn{background:none;border:0;padding:0;font:inherit;color:#1e3a8a;text-decoration:underline;text-underline-offset:2px;cursor:pointer;min-height:0;width:auto}"
        + "nav.sections{max-width:64rem;margin:0 auto;padding:0 .5rem}"
        + "nav.sections ul{display:flex;flex-wrap:wrap;gap:0 .25rem;list-style:none;margin:0;padding:0}"
        + "nav.sections a{display:block;padding:.6rem .75rem;color:#374151;text-decoration:none;border-bottom:3px solid transparent;white-space:nowrap;font-size:.9375rem}"
        + "nav.sections a:hover{color:#111827;border-bottom-color:#9ca3af}"
        + "nav.sections a[aria-current=page]{color:#111827;font-weight:600;border-bottom-color:var(--accent)}"
        + "main{max-width:64rem;margin:0 auto;padding:1.25rem 1rem 2rem}"
        + "h1{font-size:1.5rem;line-height:1.25;margin:0 0 1rem}"
        + "h2{font-size:1.125rem;margin:0 0 .75rem}"
        + "h3,h4{font-size:1rem;margin:0 0 .5rem}.meters-h{margin-top:1.25rem}"
        + "p{margin:0 0 .75rem}"
        + ".grid{display:grid;gap:1rem}"
        + ".card{background:#fff;border:1px solid #d1d5db;border-radius:12px;padding:1.25rem;min-width:0;margin:0 0 1rem}"
        + ".grid>.card,.plans>.card,.grid>section,.plans>section{margin:0}"
        + ".grid,.plans{margin:0 0 1rem}"
        + ".scroll+p,table+p{margin-top:.75rem}"
        + ".card>:last-child{margin-bottom:0}"
        + ".muted{color:#4b5563;font-size:.875rem}"
        + ".big{font-size:1.5rem;font-weight:700;margin:0}"
        + ".badge{display:inline-block;font-size:.8125rem;font-weight:600;padding:.1rem .6rem;border-radius:999px;border:1px solid;vertical-align:middle}"
        + ".b-active{color:#14532d;background:#f0fdf4;border-color:#15803d}"
        + ".b-trialing{color:#1e3a8a;background:#eff6ff;border-color:#1d4ed8}"
        + ".b-past_due,.b-pending_payment{color:#7f1d1d;background:#fef2f2;border-color:#b91c1c}"
        + ".b-canceled,.b-free{color:#374151;background:#f9fafb;border-color:#6b7280}"
        + ".b-inv-paid{color:#14532d;background:#f0fdf4;border-color:#15803d}.b-inv-outstanding{color:#78350f;background:#fffbeb;border-color:#b45309}"
        + ".b-inv-uncollectible{color:#7f1d1d;background:#fef2f2;border-color:#b91c1c}.b-inv-void,.b-inv-draft{color:#374151;background:#f9fafb;border-color:#6b7280}"
        + ".b-type{color:#1e3a8a;background:#eff6ff;border-color:#1d4ed8}"
        + "form.filters{display:flex;flex-wrap:wrap;gap:.75rem 1rem;align-items:flex-end}form.filters .field{margin:0}"
        + "ul.cards{list-style:none;margin:0;padding:0;display:grid;gap:.75rem}ul.cards p{margin:.25rem 0}"
        + ".row-between{display:flex;justify-content:space-between;gap:.5rem;flex-wrap:wrap;align-items:center}"
        + "ul.cards.narrow{display:none}@media (max-width:40rem){.wide{display:none}ul.cards.narrow{display:grid}}"
        + "table.compare th[scope=row]{font-weight:600}table.compare td,table.compare th{min-width:7rem}table.compare .cur{background:#f9fafb}"
        + "dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.35rem 1rem;margin:0}"
        + "dl.facts dt{color:#4b5563}"
        + "dl.facts dd{margin:0;font-weight:600}"
        + "table{width:100%;border-collapse:collapse;font-size:.9375rem}"
        + "th,td{padding:.55rem .5rem .55rem 0;text-align:left;vertical-align:top;border-bottom:1px solid #e5e7eb}"
        + "thead th{font-size:.8125rem;color:#4b5563;font-weight:600}"
        + ".num{text-align:right;white-space:nowrap}"
        + "tbody th{font-weight:400}"
        + "tfoot th,tfoot td{border-bottom:0;font-weight:700}"
        + ".scroll{overflow-x:auto;position:relative}"
        + ".alert{border:1px solid #6b7280;background:#f9fafb;border-radius:10px;padding:.85rem 1rem;margin:0 0 1rem}"
        + ".alert>:last-child{margin-bottom:0}"
        + ".alert form{display:inline}"
        + ".a-ok{border-color:#15803d;background:#f0fdf4;color:#14532d}"
        + ".a-warn{border-color:#b45309;background:#fffbeb;color:#78350f}"
        + ".a-err{border-color:#b91c1c;background:#fef2f2;color:#7f1d1d}"
        + ".actions{display:flex;flex-wrap:wrap;gap:.6rem;align-items:center;margin-top:1rem}"
        + "button,.btn{display:inline-block;font:inherit;font-weight:600;text-align:center;text-decoration:none;padding:.6rem 1.1rem;border:2px solid var(--accent);border-radius:8px;background:var(--accent);color:var(--on-accent);cursor:pointer;min-height:2.75rem;line-height:1.35}"
        + "button:hover,.btn:hover{filter:brightness(.92)}"
        + ".alt{background:#fff;color:#111827;border-color:#6b7280}"
        + ".danger{background:#b91c1c;border-color:#b91c1c;color:#fff}"
        + ".field{margin:0 0 1rem}"
        + "label,legend{display:block;font-weight:600;font-size:.9375rem;margin-bottom:.3rem}"
        + "fieldset{border:0;margin:0 0 1rem;padding:0}"
        + ".opt{font-weight:400;color:#4b5563}"
        + "input,select,textarea{display:block;width:100%;font:inherit;color:inherit;background:#fff;padding:.6rem .75rem;border:1px solid #6b7280;border-radius:8px;min-height:2.75rem}"
        + "input[type=radio]{display:inline-block;width:auto;min-height:0;margin:0 .5rem 0 0;accent-color:var(--accent)}"
        + ".radio{display:flex;align-items:center;font-weight:400;padding:.35rem 0}"
        + "[aria-invalid=true]{border:2px solid #b91c1c}"
        + ".ferr{color:#b91c1c;font-size:.875rem;margin:.3rem 0 0;font-weight:600}"
        + ".row{display:grid;gap:0 .75rem}"
        + ".meter{margin:0 0 1.1rem}"
        + ".meter>p{display:flex;flex-wrap:wrap;justify-content:space-between;gap:0 1rem;margin:0 0 .3rem}"
        + ".meter svg{display:block;width:100%;height:12px}"
        + ".track{fill:#e5e7eb}.fill{fill:var(--accent)}.over{fill:#b45309}"
        + ".chart{display:block;width:100%;height:160px;border-bottom:1px solid #9ca3af}"
        + ".ticks{display:flex;justify-content:space-between;color:#4b5563;font-size:.8125rem;margin:.25rem 0 .75rem}"
        + "details summary{cursor:pointer;font-weight:600}"
        + ".plans{display:grid;gap:1rem}"
        + ".plan{display:flex;flex-direction:column}"
        + ".plan .actions{margin-top:auto;padding-top:1rem}"
        + ".current{border:2px solid var(--accent)}"
        + ".tabs{display:flex;flex-wrap:wrap;gap:.5rem;margin:0 0 1rem;padding:0;list-style:none}"
        + ".tabs a{display:block;padding:.4rem .9rem;border:1px solid #6b7280;border-radius:999px;text-decoration:none;color:#111827}"
        + ".tabs a[aria-current=true]{background:var(--accent);border-color:var(--accent);color:var(--on-accent)}"
        + "ul.plain{list-style:none;margin:0;padding:0}"
        + "ul.plain li{padding:.35rem 0;border-bottom:1px solid #e5e7eb}"
        + "ul.plain li:last-child{border-bottom:0}"
        + "footer.foot{max-width:64rem;margin:0 auto;padding:1rem 1rem 2rem;color:#4b5563;font-size:.8125rem;display:flex;flex-wrap:wrap;gap:.5rem 1.25rem}"
        + "footer.foot form.lang{display:flex;flex-wrap:wrap;gap:.375rem;align-items:center;margin:0}footer.foot form.lang label{font:inherit;margin:0}footer.foot form.lang select{font:inherit;padding:.125rem .25rem;width:auto;min-height:0}"
        + "@media(min-width:40rem){.row{grid-template-columns:1fr 1fr}.plans{grid-template-columns:repeat(auto-fit,minmax(14rem,1fr))}}"
        + "@media(min-width:52rem){.grid.two{grid-template-columns:1fr 1fr;align-items:start}main{padding-top:2rem}h1{font-size:1.75rem}}";

    public static readonly string CssHash = Hash(Css);

    /// <summary>The per-organization block: the accent colour and the text colour that reads on it.</summary>
    public static string AccentCss(string accent, string onAccent) => $":root{{--accent:{accent};--on-accent:{onAccent}}}";

    public static string Hash(string css) => "'sha256-" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(css))) + "'";
}

public static class PortalHeaders
{
    /// <summary>
    /// Portal pages are never cached or framed, load nothing but their own inline styles and the merchant's logo,
    /// post forms only to themselves, and send no Referer beyond this origin.
    /// </summary>
    public static void Apply(HttpResponse response, string accentCssHash)
    {
        var h = response.Headers;
        // Exactly what antiforgery sets on pages with a form, so it has nothing to override (and to warn about).
        h.CacheControl = "no-cache, no-store";
        h.Pragma = "no-cache";
        h.ContentSecurityPolicy = $"default-src 'none'; style-src {PortalStyles.CssHash} {accentCssHash}; script-src {PortalLogos.FallbackScriptHash}; img-src 'self' https: http: data:; "
            + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
        h["Referrer-Policy"] = "same-origin";
        h.XContentTypeOptions = "nosniff";
        h["X-Robots-Tag"] = "noindex, nofollow";
    }
}
