using Commet.Domain.Billing;
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

    /// <summary>
    /// Locks for change, in ID order, those of <paramref name="ids"/> that are still due at <paramref name="now"/> and not
    /// leased, and loads them. The row lock is the chunk's claim: it holds until the chunk commits, and a rival (another
    /// chunk, another node, a one-by-one step) that reaches a locked row waits for that commit and then re-reads the row,
    /// which by then is no longer due or carries this run's lease. So the chunk writes each row once, not a claim first
    /// and the step's changes after (two non-HOT updates, each a new entry in every index of the table).
    /// </summary>
    public static Task<List<Subscription>> LockDueSubscriptionsAsync(CommetDb db, IReadOnlyCollection<string> ids, DateTime now,
        DateTime realNow, CancellationToken ct) =>
        db.Subscriptions
            .Where(s => ids.Contains(s.Id) && s.NextActionAt != null && s.NextActionAt <= now && (s.LeaseUntil == null || s.LeaseUntil < realNow))
            .OrderBy(s => s.Id).ForUpdate().ToListAsync(ct);
}
