using Commet.Server.Persistence;
using Commet.Server.Portal;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Commet.Server.Pages.Portal;

/// <summary>Where a request without a live session lands: signed out, idle too long, or past the absolute limit.</summary>
public sealed class EndedModel(PortalSessions sessions, PortalBrandings brandings, CommetDb db) : PageModel
{
    public EndedView View { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(string? reason)
    {
        Response.Headers.CacheControl = "no-store";
        var ct = HttpContext.RequestAborted;
        var merchant = "";
        string? returnUrl = null;
        var ended = await sessions.FindEndedAsync(db, Request.Cookies[PortalSessions.CookieName], ct);
        if (ended is not null)
        {
            merchant = (await brandings.GetAsync(db, ended.OrganizationId, ended.Livemode, ct)).DisplayName;
            returnUrl = ended.ReturnUrl;
            if (ended.IsAlive(sessions.Now))
            {
                return Redirect("/portal");
            }
        }
        View = reason == "signed_out"
            ? new EndedView(L["Ended.SignedOut.Title"], L["Ended.SignedOut.Body"], merchant, returnUrl)
            : new EndedView(L["Ended.Expired.Title"], L["Ended.Expired.Body"], merchant, returnUrl);
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        return Page();
    }

    private static Localization.Texts L => Localization.Texts.Shared;
}
