using System.Security.Cryptography;
using System.Text;
using Commet.Domain;
using Commet.Server.Http;
using Commet.Server.Persistence;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Commet.Server.Dashboard;

/// <summary>Team members: making one (email and password through Identity, with its password rules).</summary>
public static class Members
{
    public static async Task<Result<DashboardUser>> CreateUserAsync(UserManager<DashboardUser> users, string? email, string? password, TimeProvider clock)
    {
        var check = new Check().Email("email", email, required: true).Required("password", password, 256);
        if (check.Failed)
        {
            return check.ToError();
        }
        var address = email!.Trim();
        var user = new DashboardUser { UserName = address, Email = address, CreatedAt = clock.GetUtcNow().UtcDateTime };
        var created = await users.CreateAsync(user, password!);
        if (!created.Succeeded)
        {
            return ToError(created);
        }
        return user;
    }

    public static Error ToError(IdentityResult result) =>
        Error.Validation(result.Errors.Select(e => new FieldError(
            e.Code.Contains("Password", StringComparison.Ordinal) ? "password" : "email", e.Description)).ToList());

    /// <summary>Owner of every organization on the server (the operator's first member; a fresh server has only the default one).</summary>
    public static async Task MakeOwnerOfAllAsync(CommetDb db, DashboardUser user, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var orgId in await db.Organizations.AsNoTracking().Select(o => o.Id).ToListAsync(ct))
        {
            db.Memberships.Add(new Membership { OrganizationId = orgId, UserId = user.Id, Role = DashboardRoles.Owner, CreatedAt = now });
            AuditLog.Add(db, orgId, null, user, AuditActions.OwnerCreated, user.Email, clock);
        }
        await db.SaveChangesAsync(ct);
    }
}

/// <summary>
/// First run: on a server with no members, the first visit to <c>/dashboard</c> makes the owner. Refused once any
/// member exists. The check and the insert share one transaction (on SQLite, this process's writers queue, so two
/// first visits cannot both win).
/// </summary>
public sealed class CreateFirstOwner(CommetDb db, UserManager<DashboardUser> users, TimeProvider clock)
{
    public static readonly Error AlreadySetUp = Error.Conflict("dashboard_set_up", "The dashboard already has an owner; sign in instead.");

    public async Task<Result<DashboardUser>> HandleAsync(string? email, string? password, CancellationToken ct) =>
        await db.InTransactionAsync(async () =>
        {
            if (await db.DashboardUsers.AnyAsync(ct))
            {
                return AlreadySetUp;
            }
            var created = await Members.CreateUserAsync(users, email, password, clock);
            if (!created.IsSuccess)
            {
                return created;
            }
            await Members.MakeOwnerOfAllAsync(db, created.Value, clock, ct);
            return created;
        }, ct, AlreadySetUp);

    public async Task<bool> IsNeededAsync(CancellationToken ct) => !await db.DashboardUsers.AnyAsync(ct);
}

/// <summary>
/// <c>COMMET_ADMIN_EMAIL</c> / <c>COMMET_ADMIN_PASSWORD</c>: the owner made at start-up when no member has that
/// email yet (owner of every organization, like the first-run owner). A password Identity refuses stops the start.
/// </summary>
public static class AdminBootstrap
{
    public static async Task RunAsync(IServiceProvider services, CancellationToken ct)
    {
        var o = services.GetRequiredService<IOptions<DashboardOptions>>().Value;
        if (string.IsNullOrWhiteSpace(o.AdminEmail))
        {
            return;
        }
        await using var scope = services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<DashboardUser>>();
        if (await users.FindByEmailAsync(o.AdminEmail.Trim()) is not null)
        {
            return;
        }
        if (string.IsNullOrEmpty(o.AdminPassword))
        {
            throw new InvalidOperationException("COMMET_ADMIN_EMAIL is set without COMMET_ADMIN_PASSWORD.");
        }
        var db = scope.ServiceProvider.GetRequiredService<CommetDb>();
        var clock = scope.ServiceProvider.GetRequiredService<TimeProvider>();
        var created = await db.InTransactionAsync(async () =>
        {
            var user = await Members.CreateUserAsync(users, o.AdminEmail, o.AdminPassword, clock);
            if (user.IsSuccess)
            {
                await Members.MakeOwnerOfAllAsync(db, user.Value, clock, ct);
            }
            return user;
        }, ct);
        if (!created.IsSuccess)
        {
            throw new InvalidOperationException("COMMET_ADMIN_EMAIL / COMMET_ADMIN_PASSWORD were refused: " + created.Error!.Message
                + " " + string.Join(" ", (created.Error.Details as IEnumerable<FieldError> ?? []).Select(f => f.Message)));
        }
        scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("Commet.Dashboard")
            .LogInformation("Created the dashboard owner from COMMET_ADMIN_EMAIL");
    }
}

/// <summary>Invitations by link: single-use, expiring, stored as the SHA-256 hash of the link's token.</summary>
public static class InvitationTokens
{
    public static string NewToken() => Base64UrlEncode(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string Base64UrlEncode(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);

    /// <summary>The invitation a token names, if it can still be accepted.</summary>
    public static Task<Invitation?> FindOpenAsync(CommetDb db, string? token, DateTime now, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 100)
        {
            return Task.FromResult<Invitation?>(null);
        }
        var hash = Hash(token);
        return db.Invitations.AsNoTracking()
            .FirstOrDefaultAsync(i => i.TokenHash == hash && i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now, ct);
    }
}

public sealed class InviteMember(CommetDb db, TimeProvider clock, IOptions<DashboardOptions> options)
{
    public sealed record Invited(Invitation Invitation, string Token);

    public async Task<Result<Invited>> HandleAsync(Membership actor, DashboardUser member, string? email, string? role, CancellationToken ct)
    {
        var check = new Check().Email("email", email, required: true);
        if (!DashboardRoles.IsKnown(role))
        {
            check.Add("role", "Choose owner, admin, developer or support.");
        }
        else if (!DashboardRoles.CanAssign(actor.Role, role!))
        {
            check.Add("role", "Only an owner can invite an owner.");
        }
        if (check.Failed)
        {
            return check.ToError();
        }
        var address = email!.Trim();
        var normalized = address.ToUpperInvariant();
        var already = await db.Memberships.AnyAsync(m => m.OrganizationId == actor.OrganizationId
            && db.DashboardUsers.Any(u => u.Id == m.UserId && u.NormalizedEmail == normalized), ct);
        if (already)
        {
            return Error.Validation("email", "This person is already a member.");
        }
        var token = InvitationTokens.NewToken();
        var now = clock.GetUtcNow().UtcDateTime;
        var invitation = new Invitation
        {
            Id = Ids.New(Invitation.IdPrefix, clock),
            OrganizationId = actor.OrganizationId,
            Email = address,
            Role = role!,
            TokenHash = InvitationTokens.Hash(token),
            ExpiresAt = now.AddDays(options.Value.InvitationDays),
            CreatedByUserId = member.Id,
            CreatedAt = now,
        };
        db.Invitations.Add(invitation);
        AuditLog.Add(db, actor.OrganizationId, null, member, AuditActions.InvitationCreated, $"{address} as {role}", clock);
        await db.SaveChangesAsync(ct);
        return new Invited(invitation, token);
    }
}

/// <summary>
/// Accepts an invitation for a signed-in member whose email is the invited one. The invitation is marked used with a
/// conditional update, so a link works once even when opened twice at the same moment.
/// </summary>
public sealed class AcceptInvitation(CommetDb db, TimeProvider clock)
{
    public static readonly Error Invalid = Error.NotFound("invitation", "This invitation link is not valid: it was used, revoked or has expired.");

    public async Task<Result<Membership>> HandleAsync(string? token, DashboardUser member, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var invitation = await InvitationTokens.FindOpenAsync(db, token, now, ct);
        if (invitation is null)
        {
            return Invalid;
        }
        if (!string.Equals(invitation.Email, member.Email, StringComparison.OrdinalIgnoreCase))
        {
            return Error.Validation("email", $"This invitation is for {invitation.Email}; sign in with that address.");
        }
        return await db.InTransactionAsync<Membership>(async () =>
        {
            var claimed = await db.Invitations
                .Where(i => i.Id == invitation.Id && i.AcceptedAt == null && i.RevokedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(i => i.AcceptedAt, now).SetProperty(i => i.AcceptedByUserId, member.Id), ct);
            if (claimed != 1)
            {
                return Invalid;
            }
            var existing = await db.Memberships.FirstOrDefaultAsync(m => m.OrganizationId == invitation.OrganizationId && m.UserId == member.Id, ct);
            if (existing is not null)
            {
                // Already a member: the invitation is used up and the role stays as it is.
                return existing;
            }
            var membership = new Membership { OrganizationId = invitation.OrganizationId, UserId = member.Id, Role = invitation.Role, CreatedAt = now };
            db.Memberships.Add(membership);
            AuditLog.Add(db, invitation.OrganizationId, null, member, AuditActions.InvitationAccepted, $"{member.Email} as {invitation.Role}", clock);
            return membership;
        }, ct, Invalid);
    }
}
