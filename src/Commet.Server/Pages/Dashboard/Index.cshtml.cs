using Commet.Server.Dashboard;
using Microsoft.AspNetCore.Mvc;

namespace Commet.Server.Pages.Dashboard;

/// <summary><c>/dashboard</c>: the member's first organization in sandbox, or a note when they have none.</summary>
public sealed class IndexModel : DashboardAccountPageModel
{
    public bool CanCreate => NewOrganizationModel.MayCreate(Organizations);

    public IActionResult OnGet() => Organizations.Count > 0
        ? Redirect(DashboardPageModel.PathFor(Organizations[0].Id, DashboardPageModel.SandboxSegment))
        : Page();
}
