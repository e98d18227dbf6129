using Commet.Server.Dashboard;
using Microsoft.AspNetCore.Mvc;

namespace Commet.Server.Pages.Dashboard;

/// <summary>The organization picker's target (a GET form, so it works without JavaScript): the same section in the chosen organization.</summary>
public sealed class GoModel : DashboardAccountPageModel
{
    private static readonly string[] Sections = ["", "customers", "developers", "members", "audit", "webhooks", "settings", "transactions"];

    public IActionResult OnGet(string? org, string? mode, string? section)
    {
        if (org is null || !Organizations.Any(o => o.Id == org))
        {
            return NotFound();
        }
        var m = mode == DashboardPageModel.LiveSegment ? DashboardPageModel.LiveSegment : DashboardPageModel.SandboxSegment;
        return Redirect(DashboardPageModel.PathFor(org, m, Sections.Contains(section ?? "") ? section ?? "" : ""));
    }
}
