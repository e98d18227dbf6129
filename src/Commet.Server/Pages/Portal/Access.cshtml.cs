using System.Globalization;
using Commet.Server.Emails;
using Commet.Server.Persistence;
using Commet.Server.Portal;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace Commet.Server.Pages.Portal;

/// <summary>
/// Opening a portal link: the first visit swaps the link's token for a session cookie and redirects to the
/// clean portal URL (no token in history or Referer); any later visit shows a page that says the link was used
/// or expired, with no customer data on it — and, when the organization offers it, a form where the customer asks for
/// a fresh link by email (<see cref="PortalLinkRequests"/>), which answers the same page whether or not the address is known.
/// </summary>
[EnableRateLimiting(PortalRateLimits.RedeemPolicy)]
public sealed class AccessModel(PortalSessions sessions, PortalBrandings brandings, CommetDb db, PortalLinkRequests linkRequests, EmailTexts texts) : PageModel
{
    public string Merchant { get; private set; } = "";

    public string? ReturnUrl { get; private set; }

    /// <summary>Show the "email me a link" form.</summary>
    public bool EmailForm { get; private set; }

    public string? FormError { get; private set; }

    /// <summary>A request was taken: the page says a link is on its way, whoever the address belongs to.</summary>
    public bool Requested { get; private set; }

    public async Task<IActionResult> OnGetAsync(string token)
    {
        Response.Headers["Referrer-Policy"] = "no-referrer";
        Response.Headers.CacheControl = "no-store";
        var redemption = await sessions.RedeemAsync(token, HttpContext.RequestAborted);
        if (redemption.Succeeded)
        {
            Response.Cookies.Append(PortalSessions.CookieName, redemption.CookieToken!, sessions.CookieOptions(Request));
            return Redirect("/portal");
        }
        if (redemption.OrganizationId is not null)
        {
            var branding = await brandings.GetAsync(db, redemption.OrganizationId, redemption.Livemode, HttpContext.RequestAborted);
            Merchant = branding.DisplayName;
            ReturnUrl = redemption.ReturnUrl;
            EmailForm = EmailComposer.IsOn(Commet.Domain.EmailKinds.PortalLink, branding.Settings);
        }
        var page = Page();
        Response.StatusCode = StatusCodes.Status410Gone;
        return page;
    }

    /// <summary>
    /// "Email me a link": the link in the URL (used or expired) names the organization; the address is looked up among
    /// its customers. The answer is the same page for a known and an unknown address; only a malformed address or the
    /// per-IP limit answers otherwise.
    /// </summary>
    public async Task<IActionResult> OnPostAsync(string token, string? email)
    {
        Response.Headers["Referrer-Policy"] = "no-referrer";
        Response.Headers.CacheControl = "no-store";
        var ct = HttpContext.RequestAborted;
        var tenant = await linkRequests.TenantOfLinkAsync(db, token, ct);
        if (tenant is null || !await linkRequests.OfferedAsync(db, tenant, ct))
        {
            return NotFound();
        }
        var branding = await brandings.GetAsync(db, tenant.OrganizationId, tenant.Livemode, ct);
        Merchant = branding.DisplayName;
        if (!linkRequests.TryAcquire(HttpContext.Connection.RemoteIpAddress, out var retryAfter))
        {
            Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            await PortalProblemPage.WriteAsync(HttpContext, "Too many attempts",
                "This device asked for too many billing links in a short time. Wait a while, then try again.");
            return new EmptyResult();
        }
        if (!PortalLinkRequests.IsEmail(email))
        {
            EmailForm = true;
            FormError = texts["FormInvalid"];
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }
        await linkRequests.RequestAsync(tenant, email!, ct);
        Requested = true;
        return Page();
    }

    /// <summary>Link checkers and previews that only ask for headers must not use up the link.</summary>
    public IActionResult OnHead() => new StatusCodeResult(StatusCodes.Status200OK);
}
