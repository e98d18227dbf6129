using Commet.Server.Persistence;
using Commet.Server.Portal;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace Commet.Server.Pages.Portal;

/// <summary>
/// Opening a portal link: the first visit swaps the link's token for a session cookie and redirects to the
/// clean portal URL (no token in history or Referer); any later visit shows a page that says the link was used
/// or expired, with no customer data on it.
/// </summary>
[EnableRateLimiting(PortalRateLimits.RedeemPolicy)]
public sealed class AccessModel(PortalSessions sessions, PortalBrandings brandings, CommetDb db) : PageModel
{
    public string Merchant { get; private set; } = "";

    public string? ReturnUrl { get; private set; }

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
            Merchant = (await brandings.GetAsync(db, redemption.OrganizationId, redemption.Livemode, HttpContext.RequestAborted)).DisplayName;
            ReturnUrl = redemption.ReturnUrl;
        }
        var page = Page();
        Response.StatusCode = StatusCodes.Status410Gone;
        return page;
    }

    /// <summary>Link checkers and previews that only ask for headers must not use up the link.</summary>
    public IActionResult OnHead() => new StatusCodeResult(StatusCodes.Status200OK);
}
