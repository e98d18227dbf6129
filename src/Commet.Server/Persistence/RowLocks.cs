using System.Data.Common;
using Commet.Domain.Billing;
using Commet.Domain.Usage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Commet.Server.Persistence;

/// <summary>
/// Row locks for a change, written the same way on both databases. A query marked <see cref="ForUpdate{T}"/> takes
/// PostgreSQL row locks (<c>FOR UPDATE</c>, in the query's ORDER BY order, so callers that lock several rows must
/// order them by key: two transactions locking overlapping sets in one order wait for each other instead of
/// deadlocking). On SQLite the query runs as it is: a write transaction there already excludes every other writer
/// (see <see cref="UnitOfWork"/>). Business code locks through these methods and never spells the SQL.
/// </summary>
public static class RowLocks
{
    internal const string Tag = "commet:for-update";

    /// <summary>Marks a single-table query as one that locks the rows it reads until the transaction ends.</summary>
    public static IQueryable<T> ForUpdate<T>(this IQueryable<T> query) => query.TagWith(Tag);

    /// <summary>A subscription of the scoped tenant, loaded for change.</summary>
    public static Task<Subscription?> LockSubscriptionAsync(this CommetDb db, string id, CancellationToken ct) =>
        db.Subscriptions.Where(s => s.Id == id).ForUpdate().FirstOrDefaultAsync(ct);

    /// <summary>Several subscriptions loaded for change, locked in ID order. Missing IDs are skipped.</summary>
    public static Task<List<Subscription>> LockSubscriptionsAsync(this CommetDb db, IReadOnlyCollection<string> ids, CancellationToken ct) =>
        db.Subscriptions.Where(s => ids.Contains(s.Id)).OrderBy(s => s.Id).ForUpdate().ToListAsync(ct);

    /// <summary>The live subscriptions of several customers, loaded for change and locked in ID order.</summary>
    public static Task<List<Subscription>> LockLiveSubscriptionsOfAsync(this CommetDb db, IReadOnlyCollection<string> customerIds, CancellationToken ct) =>
        db.Subscriptions.Where(s => customerIds.Contains(s.CustomerId) && SubscriptionStatus.Live.Contains(s.Status))
            .OrderBy(s => s.Id).ForUpdate().ToListAsync(ct);

    /// <summary>An invoice of the scoped tenant, loaded for change.</summary>
    public static Task<Invoice?> LockInvoiceAsync(this CommetDb db, string id, CancellationToken ct) =>
        db.Invoices.Where(i => i.Id == id).ForUpdate().FirstOrDefaultAsync(ct);

    /// <summary>A subscription's credits or balance account, loaded for change (null when it was never opened).</summary>
    public static Task<ConsumptionAccount?> LockAccountAsync(this CommetDb db, string subscriptionId, string kind, CancellationToken ct, bool track = true) =>
        (track ? db.ConsumptionAccounts : db.ConsumptionAccounts.AsNoTracking())
            .Where(a => a.SubscriptionId == subscriptionId && a.Kind == kind).ForUpdate().FirstOrDefaultAsync(ct);

    /// <summary>Several accounts loaded for change, locked in key order (subscription, then kind).</summary>
    public static Task<List<ConsumptionAccount>> LockAccountsAsync(this CommetDb db, IReadOnlyCollection<string> subscriptionIds,
        IReadOnlyCollection<string> kinds, CancellationToken ct, bool track = true) =>
        (track ? db.ConsumptionAccounts : db.ConsumptionAccounts.AsNoTracking())
            .Where(a => subscriptionIds.Contains(a.SubscriptionId) && kinds.Contains(a.Kind))
            .OrderBy(a => a.SubscriptionId).ThenBy(a => a.Kind).ForUpdate().ToListAsync(ct);
}

/// <summary>PostgreSQL: appends <c>FOR UPDATE</c> to the queries tagged by <see cref="RowLocks.ForUpdate{T}"/>.</summary>
internal sealed class ForUpdateInterceptor : DbCommandInterceptor
{
    private const string Marker = "-- " + RowLocks.Tag;

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Append(command);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Append(command);
        return ValueTask.FromResult(result);
    }

    private static void Append(DbCommand command)
    {
        if (command.CommandText.StartsWith(Marker, StringComparison.Ordinal))
        {
            command.CommandText += "\nFOR UPDATE";
        }
    }
}
