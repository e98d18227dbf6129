using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Domain.Usage;
using Commet.Server.Billing;
using Commet.Server.Persistence;
using Commet.Server.Subscriptions;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Usage;

public sealed class TrackBatchRequest
{
    public List<TrackRequest>? Events { get; set; }
}

public sealed record BatchItemResult(int Index, bool Success, Tracked? Tracked, Error? Error);

/// <summary>Records up to 100 usage events in one transaction, each applied (or refused) on its own.</summary>
public sealed class TrackUsageBatch(TrackUsage track, TrackCache cache)
{
    /// <summary>
    /// Up to 100 events in one transaction: each is checked and applied on its own (a refused event changes
    /// nothing and does not stop the others), and every subscription involved is locked once.
    /// </summary>
    /// <remarks>
    /// <paramref name="clockUnread"/>: the scope's <c>Now</c> is the real time the request came in (no test clock read,
    /// see <see cref="Http.BillingCall.UnclockedScope"/>); the batch reads the sandbox test clock itself, in the same round
    /// trip as its idempotency keys, before anything uses the billing time. Each request still reads the clock from the
    /// database (nothing cached), so a clock advanced through any node is seen by every node's next batch.
    /// </remarks>
    public async Task<Result<IReadOnlyList<BatchItemResult>>> HandleAsync(BillingScope scope, TrackBatchRequest r, CancellationToken ct, bool clockUnread = false)
    {
        if (r.Events is null || r.Events.Count == 0)
        {
            return Error.Validation("events", "events must be a non-empty array.");
        }
        if (r.Events.Count > TrackUsage.MaxBatch)
        {
            return Error.Validation("events", $"events may hold at most {TrackUsage.MaxBatch} items.");
        }
        var results = new BatchItemResult[r.Events.Count];
        // The keys are looked up before the events are checked: the check of a timestamp needs the billing time, which
        // comes (with an unread clock) from the same read. A key of an event the check then refuses was looked up for
        // nothing; its answer is the refusal all the same.
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in r.Events)
        {
            if (e?.IdempotencyKey is { Length: <= TrackUsage.MaxIdempotencyKeyLength } key)
            {
                keys.Add(key);
            }
        }
        var readClock = clockUnread && !scope.Tenant.Livemode;
        var (seen, simulated) = await scope.Db.RecordedEventsAndClockAsync(scope.Tenant.OrganizationId, scope.Tenant.Livemode, keys, readClock, ct);
        if (readClock && simulated is { } clock)
        {
            scope = scope with { Now = BillingClock.Truncate(clock) };
        }
        // Each event is checked once (the answer of a refused one is kept); only the valid ones are prepared and applied.
        var refused = new Error?[r.Events.Count];
        for (var i = 0; i < r.Events.Count; i++)
        {
            var check = TrackUsage.Validate(r.Events[i] ?? new TrackRequest(), "", scope.Now);
            if (check.Failed)
            {
                refused[i] = check.ToError();
            }
        }

        Dictionary<string, (LiveSubscription Live, long CatalogVersion)?>? hits = null;
        long catalogVersion = 0;
        TrackSession? used = null;
        var applied = await scope.Db.InTransactionAsync<bool>(async () =>
        {
            // The batch's events and spend entries are collected by the session, never tracked by EF Core: they are
            // written below by one binary COPY per table (PostgreSQL) or one prepared INSERT per table (SQLite).
            // Their counters, daily rows and accounts are held outside the change tracker too (UntrackedUsageRows).
            var session = used = new TrackSession(scope) { NewEvents = new(r.Events.Count), NewLedger = new(r.Events.Count), Untracked = new() };
            var fresh = new List<TrackRequest>(r.Events.Count);
            for (var i = 0; i < r.Events.Count; i++)
            {
                if (refused[i] is null && (r.Events[i].IdempotencyKey is not { } key || !seen.ContainsKey(key)))
                {
                    fresh.Add(r.Events[i]);
                }
            }
            // Every customer's resolution cached: one read confirms it (catalog and subscription versions), locks the
            // subscriptions and accounts, and loads the counters and daily rows. Otherwise the full resolution, after the
            // catalog version it will be remembered under.
            hits = cache.FindAll(scope.Tenant, fresh.Select(e => e.CustomerId!));
            if (hits is not null && await AdoptCachedAsync(session, fresh, hits, ct) is { } version)
            {
                catalogVersion = version;
            }
            else if (fresh.Count > 0)
            {
                hits = null;
                catalogVersion = await scope.Db.ReadCatalogVersionAsync(scope.Tenant.OrganizationId, scope.Tenant.Livemode, ct);
                await TrackPreparation.PrepareAsync(session, fresh, ct);
            }
            for (var i = 0; i < r.Events.Count; i++)
            {
                if (refused[i] is { } error)
                {
                    results[i] = new BatchItemResult(i, false, null, error);
                    continue;
                }
                var item = r.Events[i];
                if (item.IdempotencyKey is not null && seen.TryGetValue(item.IdempotencyKey, out var earlier))
                {
                    results[i] = new BatchItemResult(i, true, new Tracked(earlier, true), null);
                    continue;
                }
                var one = await track.ApplyAsync(session, item, ct);
                results[i] = one.IsSuccess ? new BatchItemResult(i, true, one.Value, null) : new BatchItemResult(i, false, null, one.Error);
            }
            // The counters, daily rows and accounts were each loaded once per batch (untracked) and changed in memory: the
            // changed ones are written with one UPDATE per table and the new ones with one INSERT per table, in one command
            // on PostgreSQL.
            await UsageWrites.WriteAsync(scope.Db, session.Untracked!, ct);
            // Neither table references a row the save at commit adds (grants' ledger entries, domain events).
            var rows = new BulkCopy.Rows().Add(scope.Db, session.NewEvents).Add(scope.Db, session.NewLedger);
            if (BulkCopy.IsSupported(scope.Db))
            {
                await BulkCopy.WriteAsync(scope.Db, rows, ct);
            }
            else
            {
                await SqliteInserts.WriteAsync(scope.Db, rows, ct);
            }
            return true;
        }, ct, onConflict: Error.Conflict("duplicate_event", "A concurrent request recorded one of these idempotency keys."));

        if (applied.IsSuccess && used is not null)
        {
            // Resolutions read afresh in this transaction are remembered under the catalog version it read before them.
            foreach (var (customerKey, live) in used.ByCustomer)
            {
                if (live is not null && (hits is null || !hits.ContainsKey(customerKey)))
                {
                    cache.Remember(scope.Tenant, customerKey, live, catalogVersion);
                }
            }
        }
        if (!applied.IsSuccess)
        {
            // A key taken by a concurrent request: apply the events one by one, each deduplicated on its own.
            for (var i = 0; i < r.Events.Count; i++)
            {
                if (results[i] is { Success: false, Error: not null } failed && failed.Error.Code == "validation_error")
                {
                    continue;
                }
                var one = await track.HandleAsync(scope, r.Events[i], ct);
                results[i] = one.IsSuccess ? new BatchItemResult(i, true, one.Value, null) : new BatchItemResult(i, false, null, one.Error);
            }
        }
        return results;
    }
    /// <summary>
    /// Reads, in one round trip (<see cref="TrackReads.ReadForGroupAsync"/>: subscriptions locked in Id order, then accounts
    /// in key order, as <see cref="TrackPreparation.PrepareAsync"/> locks them), what the batch needs when every customer's
    /// resolution is cached, and puts it into the session when the read confirms the cache (the catalog version and every
    /// subscription's version unchanged, every subscription still live). Null when it does not: nothing was put into the
    /// session, and the caller resolves afresh (the locks taken stay held by the transaction; the same rows are locked again).
    /// The idempotency keys were looked up before the transaction, as on the uncached path.
    /// </summary>
    private static async Task<long?> AdoptCachedAsync(TrackSession session, List<TrackRequest> events,
        Dictionary<string, (LiveSubscription Live, long CatalogVersion)?> hits, CancellationToken ct)
    {
        var scope = session.Scope;
        var db = scope.Db;
        var read = new CachedGroupRead(new GroupKeys(scope.Tenant.OrganizationId, scope.Tenant.Livemode));
        foreach (var r in events)
        {
            read.Add(scope, r, hits[r.CustomerId!]!.Value.Live);
        }
        var rows = await db.ReadForGroupAsync(read.Keys, ct);
        if (!CachedGroupRead.Confirms(rows, hits.Values))
        {
            return null;
        }
        read.Adopt(session, scope, rows, hits);
        return rows.CatalogVersion;
    }
}
