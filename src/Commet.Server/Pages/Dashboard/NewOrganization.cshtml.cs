using Commet.Server.Dashboard;
using Commet.Server.Organizations;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Commet.Server.Pages.Dashboard;

/// <summary>
/// A new organization, made by <see cref="CreateOrganization"/> (the bootstrap's code): sandbox and live keys shown once,
/// the creator its owner. Owners and admins of any organization may create one.
/// </summary>
public sealed class NewOrganizationModel(CreateOrganization create, TimeProvider clock) : DashboardAccountPageModel
{
    public string? Name { get; private set; }

    public CreateOrganization.Created? Created { get; private set; }

    public static bool MayCreate(IReadOnlyList<OrganizationChoice> organizations) =>
        organizations.Any(o => o.Role is DashboardRoles.Owner or DashboardRoles.Admin);

    protected override Task<IActionResult?> BeforeHandlerAsync(PageHandlerExecutingContext context) =>
        Task.FromResult<IActionResult?>(MayCreate(Organizations) ? null : StatusCode(StatusCodes.Status403Forbidden));

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(string? name)
    {
        Name = name;
        var result = await create.HandleAsync(Db, name, Member.Id, Ct);
        if (!result.IsSuccess)
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            Problem = DashboardText.Describe(result.Error!);
            return Page();
        }
        Created = result.Value;
        AuditLog.Add(Db, Created.Organization.Id, null, Member, AuditActions.OrganizationCreated, Created.Organization.Name, clock);
        await Db.SaveChangesAsync(Ct);
        return Page();
    }
}
