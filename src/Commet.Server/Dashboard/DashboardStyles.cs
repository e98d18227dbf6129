using System.Text.Encodings.Web;
using Commet.Server.Portal;

namespace Commet.Server.Dashboard;

/// <summary>
/// The dashboard's one inline stylesheet: the portal's base styles, the dashboard's additions (side navigation,
/// the mode switch, charts) and a fixed accent. Allowed by its hash in the Content-Security-Policy, like the portal's.
/// </summary>
public static class DashboardStyles
{
    public const string Extra =
        ":root{--accent:#1e3a8a;--on-accent:#ffffff}"
        + ".shell{max-width:80rem;margin:0 auto;display:grid;gap:0 1.5rem;padding:0 1rem}"
        + ".shell>main{padding:1.25rem 0 2rem;max-width:none;margin:0;min-width:0}"
        + "nav.side ul{list-style:none;margin:0;padding:.75rem 0;display:flex;flex-wrap:wrap;gap:.25rem}"
        + "nav.side a{display:block;padding:.45rem .75rem;border-radius:8px;color:#374151;text-decoration:none}"
        + "nav.side a[aria-current=page]{background:#e0e7ff;color:#111827;font-weight:600}"
        + ".modes{display:inline-flex;border:1px solid #6b7280;border-radius:999px;overflow:hidden;font-size:.875rem}"
        + ".modes a{padding:.25rem .8rem;text-decoration:none;color:#111827}"
        + ".modes a[aria-current=true]{background:#111827;color:#fff;font-weight:600}"
        + ".modes a.live[aria-current=true]{background:#15803d}"
        + "form.pick{display:flex;gap:.4rem;align-items:center;margin:0}form.pick select{width:auto;min-height:0;padding:.3rem .5rem}"
        + "form.pick button{min-height:0;padding:.3rem .7rem}"
        + ".kpis{display:grid;gap:1rem;grid-template-columns:repeat(auto-fit,minmax(12rem,1fr));margin:0 0 1rem}"
        + ".secret{font-family:ui-monospace,Menlo,Consolas,monospace;word-break:break-all;background:#f9fafb;border:1px dashed #6b7280;padding:.6rem;border-radius:8px}"
        + "input[type=checkbox]{display:inline-block;width:auto;min-height:0;margin:0 .5rem 0 0;accent-color:var(--accent)}"
        + "label.check{font-weight:400;display:flex;align-items:center}"
        + ".preview{border:1px solid #d1d5db;border-radius:8px;overflow:hidden;margin:0 0 1rem}"
        + ".preview .bar{display:flex;align-items:center;gap:.6rem;padding:.75rem 1rem;background:#fff;border-bottom:1px solid #d1d5db}"
        + ".preview .body{padding:1rem}"
        + "code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.875rem}"
        + "form.inline{display:inline;margin:0}"
        + ".top .links{min-width:0;max-width:100%}.top .who{overflow-wrap:anywhere;min-width:0}"
        + ".bars rect{fill:var(--accent)}"
        + ".bars rect.neg{fill:#b91c1c}.chart.running rect{fill:#15803d}.chart .zero{stroke:#6b7280;stroke-width:1}"
        + ".chart.ended{height:80px;border-bottom:0;border-top:1px solid #9ca3af}p code{overflow-wrap:anywhere}details.card{overflow-x:auto}"
        + ".ranges{display:inline-flex;border:1px solid #6b7280;border-radius:999px;overflow:hidden;font-size:.875rem;margin:0 0 .5rem}"
        + ".ranges a{padding:.25rem .8rem;text-decoration:none;color:#111827}.ranges a[aria-current=true]{background:#111827;color:#fff;font-weight:600}"
        + ".narrow-main{max-width:28rem;margin:2rem auto;padding:0 1rem}"
        + "@media(min-width:52rem){.shell{grid-template-columns:12rem 1fr}nav.side ul{flex-direction:column}}";

    public const string Css = PortalStyles.Css + Extra;

    public static readonly string CssHash = PortalStyles.Hash(Css);
}

/// <summary>The dashboard's response headers: never cached or framed, only its own inline styles, forms post to itself.</summary>
public static class DashboardHeaders
{
    /// <summary>
    /// Sets the headers; <paramref name="extraStyleHash"/> and <paramref name="scriptHash"/> allow one more inline style
    /// block and one inline script (a page's own, by hash; the Settings page's preview), nothing else.
    /// </summary>
    public static void Apply(HttpResponse response, string? extraStyleHash = null, string? scriptHash = null)
    {
        var h = response.Headers;
        h.CacheControl = "no-cache, no-store";
        h.Pragma = "no-cache";
        h.ContentSecurityPolicy = $"default-src 'none'; style-src {DashboardStyles.CssHash}{(extraStyleHash is null ? "" : " " + extraStyleHash)}; img-src 'self' data:; "
            + (scriptHash is null ? "" : $"script-src {scriptHash}; ")
            + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
        h["Referrer-Policy"] = "same-origin";
        h.XContentTypeOptions = "nosniff";
        h["X-Robots-Tag"] = "noindex, nofollow";
    }
}

/// <summary>Friendly pages for empty error answers under /dashboard (404, 403, 400 from a failed antiforgery check, 405).</summary>
public static class DashboardStatusPages
{
    public static Task WriteAsync(Microsoft.AspNetCore.Diagnostics.StatusCodeContext context)
    {
        var http = context.HttpContext;
        return http.Response.StatusCode switch
        {
            404 => WritePageAsync(http, "Not found", "There is nothing here, or it belongs to an organization you are not a member of."),
            403 => WritePageAsync(http, "Not allowed", "Your role in this organization does not allow this. An owner or admin can change your role."),
            400 => WritePageAsync(http, "This form expired", "The form was open too long or was sent from elsewhere. Go back, reload the page and try again."),
            405 => WritePageAsync(http, "Not available", "This address does not take that kind of request."),
            _ => Task.CompletedTask,
        };
    }

    public static async Task WritePageAsync(HttpContext http, string title, string message)
    {
        var e = HtmlEncoder.Default;
        DashboardHeaders.Apply(http.Response);
        http.Response.ContentType = "text/html; charset=utf-8";
        var html = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
            + $"<title>{e.Encode(title)} · Commet</title><style>{DashboardStyles.Css}</style></head><body>"
            + $"<main class=\"narrow-main\"><div class=\"card\"><h1>{e.Encode(title)}</h1><p>{e.Encode(message)}</p>"
            + "<p><a class=\"btn\" href=\"/dashboard\">Back to the dashboard</a></p></div></main></body></html>";
        await http.Response.WriteAsync(html, http.RequestAborted);
    }
}
