using Commet.Server.Persistence;
using Commet.Server.Portal;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Commet.Server.Pages.Portal;

/// <summary>Sign out: the session ends on every node at once and the cookie is removed.</summary>
public sealed class LogoutModel(PortalSessions sessions, CommetDb db) : PageModel
{
    public async Task<IActionResult> OnPostAsync()
    {
        var ct = HttpContext.RequestAborted;
        var session = await sessions.ResolveAsync(db, Request.Cookies[PortalSessions.CookieName], ct);
        if (session is not null)
        {
            await sessions.EndAsync(db, session.Session.Id, ct);
        }
        // The cookie stays until the "signed out" page has read where to send the customer back; it is dead now.
        return Redirect("/portal/ended?reason=signed_out");
    }
}
