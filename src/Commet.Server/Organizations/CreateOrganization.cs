using Commet.Domain;
using Commet.Server.Dashboard;
using Commet.Server.Http;
using Commet.Server.Persistence;

namespace Commet.Server.Organizations;

/// <summary>
/// A new organization, ready to use in both modes: the organization row, a sandbox key and a live key (the only
/// time their secrets exist in clear), and, when made from the dashboard, its creator as owner — in one transaction.
/// The first-start bootstrap makes the default organization with <see cref="NewOrganization"/> too.
/// </summary>
public sealed class CreateOrganization(ApiKeyService keys, TimeProvider clock)
{
    public sealed record Created(Organization Organization, string SandboxKey, string LiveKey);

    public static Organization NewOrganization(string id, string name, TimeProvider clock) =>
        new() { Id = id, Name = name, CreatedAt = clock.GetUtcNow().UtcDateTime };

    public async Task<Result<Created>> HandleAsync(CommetDb db, string? name, string? ownerUserId, CancellationToken ct)
    {
        var check = new Check().Required("name", name, 200);
        if (check.Failed)
        {
            return check.ToError();
        }
        return await db.InTransactionAsync<Created>(async () =>
        {
            var organization = NewOrganization(Ids.New(Ids.Organization, clock), name!.Trim(), clock);
            db.Organizations.Add(organization);
            if (ownerUserId is not null)
            {
                db.Memberships.Add(new Membership { OrganizationId = organization.Id, UserId = ownerUserId, Role = DashboardRoles.Owner, CreatedAt = organization.CreatedAt });
            }
            await db.SaveChangesAsync(ct);
            var (_, sandbox) = await keys.CreateAsync(db, organization.Id, false, "Default sandbox key", null, null, ct);
            var (_, live) = await keys.CreateAsync(db, organization.Id, true, "Default live key", null, null, ct);
            return new Created(organization, sandbox, live);
        }, ct);
    }
}
