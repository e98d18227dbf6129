using Commet.Domain.Usage;
using Commet.Server.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Usage;

/// <summary>Reads of the credits and balance ledger.</summary>
public static class LedgerQueries
{
    /// <summary>
    /// One subscription's newest ledger entries, newest first. The <c>(SubscriptionId, At)</c> index gives them in order,
    /// read backwards from the subscription's end, so the cost is the entries asked for, not every entry the subscription
    /// ever had (one per usage event that spent credits or balance).
    /// </summary>
    public static IQueryable<LedgerEntry> Newest(CommetDb db, string subscriptionId, int take) =>
        db.Ledger.AsNoTracking().Where(l => l.SubscriptionId == subscriptionId)
            .OrderByDescending(l => l.At).ThenByDescending(l => l.Id).Take(take);

    /// <summary>
    /// The newest entries over several subscriptions (a customer's, current and past): the newest <paramref name="take"/>
    /// of each, merged. One indexed read per subscription; a customer has a handful.
    /// </summary>
    public static async Task<List<LedgerEntry>> NewestAsync(CommetDb db, IEnumerable<string> subscriptionIds, int take, CancellationToken ct)
    {
        var entries = new List<LedgerEntry>();
        foreach (var id in subscriptionIds.Distinct())
        {
            entries.AddRange(await Newest(db, id, take).ToListAsync(ct));
        }
        return entries.OrderByDescending(l => l.At).ThenByDescending(l => l.Id, StringComparer.Ordinal).Take(take).ToList();
    }
}
