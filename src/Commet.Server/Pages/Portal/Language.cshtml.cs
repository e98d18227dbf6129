using Commet.Server.Localization;
using Commet.Server.Persistence;
using Commet.Server.Portal;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Pages.Portal;

/// <summary>
/// The footer's language switcher (a plain form, no script): the choice is kept on the portal session, where the
/// link's <c>locale</c> is, so it wins for the rest of the session; then back to the page it was made on.
/// </summary>
public sealed class LanguageModel(Microsoft.Extensions.Options.IOptions<PortalOptions> options) : PortalPageModel
{
    public override PortalSection Section => PortalSection.Overview;

    public IActionResult OnGet() => Redirect("/portal");

    public async Task<IActionResult> OnPostAsync([FromForm] string? locale, [FromForm] string? back)
    {
        if (Languages.Match(locale, options.Value.PseudoLocalization) is { } tag)
        {
            var id = Portal.Session.Id;
            using (await SqliteWriteGate.EnterAsync(Portal.Db, Ct))
            {
                await Portal.Db.PortalSessions.IgnoreQueryFilters().Where(s => s.Id == id)
                    .ExecuteUpdateAsync(u => u.SetProperty(s => s.Locale, tag), Ct);
            }
        }
        return Redirect(SafeBack(back));
    }

    /// <summary>Only a portal path of this site (no scheme, host or protocol-relative form).</summary>
    public static string SafeBack(string? back) =>
        back is { Length: > 0 and < 2048 } b && b.StartsWith("/portal", StringComparison.Ordinal) && !b.StartsWith("//", StringComparison.Ordinal)
        && !b.Contains('\\', StringComparison.Ordinal) && !b.Contains("://", StringComparison.Ordinal) ? b : "/portal";
}
