using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Persistence;

/// <summary>Claims of background work that several nodes may race for.</summary>
public static class Leases
{
    /// <summary>
    /// Claims, with one UPDATE, those of <paramref name="ids"/> that are still due at <paramref name="now"/> and not leased
    /// (a chunk that another run finished since its page was read is not claimed again), and returns the claimed IDs.
    /// </summary>
    public static Task<List<string>> ClaimDueSubscriptionsAsync(CommetDb db, string[] ids, string owner, DateTime leaseUntil, DateTime now,
        DateTime realNow, CancellationToken ct)
    {
        var organizationId = db.TenantOrganizationId;
        var livemode = db.TenantLivemode;
        return db.Database.SqlQuery<string>($"""
            UPDATE subscriptions SET "LeaseOwner" = {owner}, "LeaseUntil" = {leaseUntil}
            WHERE "Id" = ANY({ids}) AND "OrganizationId" = {organizationId} AND "Livemode" = {livemode}
              AND "NextActionAt" <= {now} AND ("LeaseUntil" IS NULL OR "LeaseUntil" < {realNow})
            RETURNING "Id" AS "Value"
            """).ToListAsync(ct);
    }
}
