using System.Text.Encodings.Web;

namespace Commet.Server.Portal;

/// <summary>
/// A small stand-alone page for problems met outside a portal page (rate limits, a form that expired, a fault):
/// a heading and one sentence, no customer data, no stack trace.
/// </summary>
public static class PortalProblemPage
{
    private static readonly string AccentCss = PortalStyles.AccentCss("#1d4ed8", "#ffffff");
    private static readonly string AccentHash = PortalStyles.Hash(AccentCss);

    public static string Html(string title, string message, string? linkHref = null, string? linkText = null)
    {
        var e = HtmlEncoder.Default;
        var link = linkHref is null ? "" : $"<p><a class=\"btn\" href=\"{e.Encode(linkHref)}\">{e.Encode(linkText ?? Localization.Texts.Shared["Status.Continue"])}</a></p>";
        return "<!DOCTYPE html><html lang=\"" + Localization.Languages.HtmlLang + "\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
            + $"<title>{e.Encode(title)}</title><style>{PortalStyles.Css}</style><style>{AccentCss}</style></head><body>"
            + $"<main><div class=\"card\"><h1>{e.Encode(title)}</h1><p>{e.Encode(message)}</p>{link}</div></main></body></html>";
    }

    public static async Task WriteAsync(HttpContext http, string title, string message, string? linkHref = null, string? linkText = null)
    {
        PortalHeaders.Apply(http.Response, AccentHash);
        http.Response.ContentType = "text/html; charset=utf-8";
        await http.Response.WriteAsync(Html(title, message, linkHref, linkText), http.RequestAborted);
    }
}

/// <summary>Anything thrown while serving a portal page becomes a short apology page (500), never a stack trace or JSON.</summary>
public sealed class PortalErrorMiddleware(RequestDelegate next, ILogger<PortalErrorMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The customer went away.
        }
        catch (Exception ex) when (!context.Response.HasStarted && (Persistence.DbErrors.IsUnavailable(ex) || Persistence.DbErrors.IsConcurrencyAbort(ex)))
        {
            logger.LogWarning("Database unavailable on portal page {Method} {Path}: {Error}", context.Request.Method,
                Http.RequestEnvelopeMiddleware.RedactedPath(context.Request.Path.Value), ex.GetBaseException().Message);
            context.Response.Clear();
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = Http.ApiErrors.DatabaseRetryAfterSeconds;
            var t = Localization.Texts.Shared;
            await PortalProblemPage.WriteAsync(context, t["Status.Error.Title"], t["Status.Error.Body"], "/portal", t["Status.Back"]);
        }
        catch (Exception ex) when (!context.Response.HasStarted)
        {
            logger.LogError(ex, "Portal page failed: {Method} {Path}", context.Request.Method, Http.RequestEnvelopeMiddleware.RedactedPath(context.Request.Path.Value));
            context.Response.Clear();
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            var t = Localization.Texts.Shared;
            await PortalProblemPage.WriteAsync(context, t["Status.Error.Title"], t["Status.Error.Body"], "/portal", t["Status.Back"]);
        }
    }
}
