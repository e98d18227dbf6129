using Commet.Server.Dashboard;
using Commet.Server.Persistence;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Commet.Server.Pages.Dashboard;

/// <summary>
/// An invitation link. A signed-in member with the invited address accepts it; someone without an account makes one
/// (the invited address, a password of their choice) and joins; someone with an account signs in first.
/// </summary>
public sealed class InvitationModel(CommetDb db, AcceptInvitation accept, SignInManager<DashboardUser> signIn, TimeProvider clock,
    IOptions<DashboardOptions> options) : DashboardPublicPageModel
{
    public Invitation? Invitation { get; private set; }

    public string Token { get; private set; } = "";

    public string OrganizationName { get; private set; } = "";

    public string? SignedInEmail { get; private set; }

    public bool HasAccount { get; private set; }

    public int MinLength => options.Value.MinPasswordLength;

    private async Task LoadAsync(string token)
    {
        Token = token;
        Invitation = await InvitationTokens.FindOpenAsync(db, token, clock.GetUtcNow().UtcDateTime, Ct);
        if (Invitation is null)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        OrganizationName = await db.Organizations.Where(o => o.Id == Invitation.OrganizationId).Select(o => o.Name).FirstAsync(Ct);
        SignedInEmail = signIn.IsSignedIn(User) ? (await signIn.UserManager.GetUserAsync(User))?.Email : null;
        HasAccount = await signIn.UserManager.FindByEmailAsync(Invitation.Email) is not null;
    }

    public async Task OnGetAsync(string token) => await LoadAsync(token);

    public async Task<IActionResult> OnPostAcceptAsync(string token)
    {
        await LoadAsync(token);
        var member = signIn.IsSignedIn(User) ? await signIn.UserManager.GetUserAsync(User) : null;
        if (Invitation is null || member is null)
        {
            return Page();
        }
        return await AcceptAsync(token, member);
    }

    public async Task<IActionResult> OnPostCreateAsync(string token, string? password)
    {
        await LoadAsync(token);
        if (Invitation is null || HasAccount)
        {
            return Page();
        }
        var created = await Members.CreateUserAsync(signIn.UserManager, Invitation.Email, password, clock);
        if (!created.IsSuccess)
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            Problem = DashboardText.Describe(created.Error!);
            return Page();
        }
        await signIn.SignInAsync(created.Value, isPersistent: false);
        return await AcceptAsync(token, created.Value);
    }

    private async Task<IActionResult> AcceptAsync(string token, DashboardUser member)
    {
        var result = await accept.HandleAsync(token, member, Ct);
        if (!result.IsSuccess)
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            Problem = DashboardText.Describe(result.Error!);
            return Page();
        }
        return Redirect(DashboardPageModel.PathFor(result.Value.OrganizationId, DashboardPageModel.SandboxSegment));
    }
}
