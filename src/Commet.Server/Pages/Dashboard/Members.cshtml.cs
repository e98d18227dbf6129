using Commet.Server.Dashboard;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Pages.Dashboard;

/// <summary>The organization's members and invitations (owners and admins): invite by link, revoke an invitation, remove a member.</summary>
[Requires(Capability.Members)]
public sealed class MembersModel(InviteMember invite, TimeProvider clock) : DashboardPageModel
{
    public sealed record Row(string UserId, string Email, string Role, DateTime Since);

    public override string Section => "members";

    public IReadOnlyList<Row> Members { get; private set; } = [];

    public IReadOnlyList<Invitation> Open { get; private set; } = [];

    public string? InvitationLink { get; private set; }

    public DateTime? InvitationExpires { get; private set; }

    private async Task LoadAsync()
    {
        var orgId = Organization.Id;
        Members = await Db.Memberships.AsNoTracking().Where(m => m.OrganizationId == orgId)
            .Join(Db.DashboardUsers, m => m.UserId, u => u.Id, (m, u) => new { u.Id, u.Email, m.Role, m.CreatedAt })
            .OrderBy(r => r.Email)
            .Select(r => new Row(r.Id, r.Email!, r.Role, r.CreatedAt)).ToListAsync(Ct);
        var now = clock.GetUtcNow().UtcDateTime;
        Open = await Db.Invitations.AsNoTracking()
            .Where(i => i.OrganizationId == orgId && i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now)
            .OrderByDescending(i => i.Id).ToListAsync(Ct);
    }

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostInviteAsync(string? email, string? role)
    {
        var result = await invite.HandleAsync(Membership, Member, email, role, Ct);
        if (!result.IsSuccess)
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            Problem = DashboardText.Describe(result.Error!);
        }
        else
        {
            InvitationLink = $"{Request.Scheme}://{Request.Host}{Request.PathBase}/dashboard/invitations/{result.Value.Token}";
            InvitationExpires = result.Value.Invitation.ExpiresAt;
        }
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(string? invitationId)
    {
        var orgId = Organization.Id;
        var invitation = await Db.Invitations.FirstOrDefaultAsync(i => i.Id == invitationId && i.OrganizationId == orgId && i.AcceptedAt == null && i.RevokedAt == null, Ct);
        if (invitation is null)
        {
            return NotFound();
        }
        invitation.RevokedAt = clock.GetUtcNow().UtcDateTime;
        await AuditAsync(Organization.Id, null, AuditActions.InvitationRevoked, invitation.Email);
        return Redirect(Path("members"));
    }

    public async Task<IActionResult> OnPostRemoveAsync(string? userId)
    {
        var orgId = Organization.Id;
        var membership = await Db.Memberships.FirstOrDefaultAsync(m => m.OrganizationId == orgId && m.UserId == userId, Ct);
        if (membership is null)
        {
            return NotFound();
        }
        if (membership.UserId == Member.Id || !DashboardRoles.CanAssign(Membership.Role, membership.Role))
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }
        var email = await Db.DashboardUsers.Where(u => u.Id == membership.UserId).Select(u => u.Email).FirstOrDefaultAsync(Ct);
        Db.Memberships.Remove(membership);
        await AuditAsync(Organization.Id, null, AuditActions.MemberRemoved, email);
        return Redirect(Path("members"));
    }
}
