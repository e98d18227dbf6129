using Commet.Server.Payments;
using Commet.Server.Persistence;
using Commet.Server.Portal;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Commet.Server.Localization;

/// <summary>
/// Sets the language of a portal or hosted-page request before anything runs, so handlers, views, status pages
/// and error pages all read and format in it (see <see cref="Languages.Resolve"/> for the order). The portal's
/// session is resolved here once and kept for the page (<see cref="PortalContexts"/> caches it on the request).
/// </summary>
public sealed class RequestLanguageMiddleware(RequestDelegate next, IOptions<PortalOptions> options, ILogger<RequestLanguageMiddleware> logger)
{
    public const string ItemKey = "commet.language";

    /// <summary>The hosted pages' switcher: <c>?lang=es</c> on a <c>/pay</c> URL.</summary>
    public const string QueryKey = "lang";

    public async Task InvokeAsync(HttpContext http)
    {
        var tag = Languages.English;
        try
        {
            tag = await ResolveAsync(http);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The page resolves its session again and reports a real failure itself; the language falls back to English.
            logger.LogWarning(ex, "Could not work out the language of {Path}", http.Request.Path.Value);
        }
        http.Items[ItemKey] = tag;
        Languages.Use(tag);
        await next(http);
    }

    /// <summary>The request's language tag (after the middleware ran).</summary>
    public static string Of(HttpContext http) => http.Items.TryGetValue(ItemKey, out var t) && t is string tag ? tag : Languages.English;

    private async Task<string> ResolveAsync(HttpContext http)
    {
        var pseudo = options.Value.PseudoLocalization;
        var accept = http.Request.Headers.AcceptLanguage.ToString();
        var services = http.RequestServices;
        var ct = http.RequestAborted;
        if (http.Request.Path.StartsWithSegments("/portal"))
        {
            var db = services.GetRequiredService<CommetDb>();
            var portal = await services.GetRequiredService<PortalContexts>().ResolveAsync(http, db, ct);
            return portal is null
                ? Languages.Resolve(null, null, accept, null, pseudo)
                : Languages.Resolve(portal.Session.Locale, portal.Customer.Locale, accept, portal.Branding.Settings?.DefaultLocale, pseudo);
        }
        // A hosted page: /pay/{token}. The switcher's ?lang= first, then the customer's, the browser's, the organization's.
        var chosen = Languages.Match(http.Request.Query[QueryKey].ToString(), pseudo);
        var segments = http.Request.Path.Value?.Split('/', StringSplitOptions.RemoveEmptyEntries) ?? [];
        string? customerLocale = null, organizationDefault = null;
        if (chosen is null && segments.Length >= 2 && services.GetRequiredService<HostedLinks>().SessionIdOf(segments[1]) is { } sessionId)
        {
            var db = services.GetRequiredService<CommetDb>();
            var found = await db.HostedSessions.IgnoreQueryFilters().AsNoTracking().Where(s => s.Id == sessionId)
                .Select(s => new
                {
                    Customer = db.Customers.IgnoreQueryFilters().Where(c => c.Id == s.CustomerId).Select(c => c.Locale).FirstOrDefault(),
                    Default = db.PortalSettings.IgnoreQueryFilters().Where(p => p.OrganizationId == s.OrganizationId && p.Livemode == s.Livemode)
                        .Select(p => p.DefaultLocale).FirstOrDefault(),
                }).FirstOrDefaultAsync(ct);
            (customerLocale, organizationDefault) = (found?.Customer, found?.Default);
        }
        return Languages.Resolve(chosen, customerLocale, accept, organizationDefault, pseudo);
    }
}
