using System.Collections.Concurrent;
using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Domain.Usage;
using Commet.Server.Billing;
using Commet.Server.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Commet.Server.Usage;

/// <summary>
/// Group commit for single usage events (<c>POST /usage/events</c>). Events of one tenant that arrive while an
/// earlier group of that tenant is being written wait in a queue; when the write finishes, the first waiting request
/// takes up to <see cref="TrackUsage.MaxBatch"/> of them and writes them in one transaction, as the batch endpoint
/// would: every subscription locked once (in Id order), each event checked and applied on its own against the state
/// the events before it left (a refused event changes nothing, so its neighbours see exactly what they would have
/// seen alone). Every request answers only after the transaction of its event has committed. There is no timer:
/// with one request in flight it is written at once (on PostgreSQL through <see cref="TrackUsage.HandleAsync"/>, on
/// SQLite as a group of one); under concurrency the groups form while the previous one is being written. On PostgreSQL
/// a second group of the same tenant (up to <see cref="UsageOptions.GroupCommitConcurrency"/>) is started beside the one
/// being written only when a full group waits: one writer keeps up until then, and a stalled one (a lock held by a
/// batch) holds up at most one group's worth of events before the next writer takes them.
/// </summary>
public sealed class TrackGroupCommit(TrackUsage track, TrackCache cache, IOptions<UsageOptions> options)
{
    private sealed class Pending(BillingScope scope, TrackRequest request, bool clockUnread)
    {
        /// <summary>The request's scope; its billing time is settled by the group's writer when <see cref="ClockUnread"/>.</summary>
        public BillingScope Scope { get; set; } = scope;
        public TrackRequest Request { get; } = request;

        /// <summary>The scope's <c>Now</c> is the real time the request came in: the test clock is read by the group (see <see cref="SettlesClock"/>).</summary>
        public bool ClockUnread { get; set; } = clockUnread;

        /// <summary>The event's answer, set once its transaction has committed (or failed).</summary>
        public TaskCompletionSource<Result<Tracked>> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Set when this waiting request is to write the next group.</summary>
        public TaskCompletionSource Lead { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>The queue of one tenant on one database, and how many groups of it are being written.</summary>
    private sealed class Lane
    {
        public Queue<Pending> Waiting { get; } = new();
        public int Writing { get; set; }
    }

    private readonly ConcurrentDictionary<(string, string, bool), Lane> lanes = new();
    private long groups;
    private long groupedEvents;
    private long cachedGroups;
    private int largestGroup;

    /// <summary>
    /// What the gatherer is doing now (groups being written, requests waiting, over every tenant) and has done:
    /// groups of two or more events written, the events in them, and the largest group.
    /// </summary>
    internal (int Writing, int Waiting, long Groups, long GroupedEvents, int LargestGroup) Load()
    {
        int writing = 0, waiting = 0;
        foreach (var lane in lanes.Values)
        {
            lock (lane)
            {
                writing += lane.Writing;
                waiting += lane.Waiting.Count;
            }
        }
        return (writing, waiting, Interlocked.Read(ref groups), Interlocked.Read(ref groupedEvents), Volatile.Read(ref largestGroup));
    }

    /// <summary>Groups of two or more written from cached resolutions (one read for the whole group, see <see cref="TrackReads.ReadForGroupAsync"/>).</summary>
    internal long CachedGroups => Interlocked.Read(ref cachedGroups);

    /// <summary>
    /// True when this handler settles the billing time of <paramref name="r"/> itself: the caller then passes a scope
    /// whose <c>Now</c> is the real time of the request (no test clock read) and <c>clockUnread: true</c>. The group's
    /// writer reads the test clock once for every such event of the group, just before it writes them; an event without
    /// a test clock keeps the real time its request came in, as before. Only events without a <c>timestamp</c>: the
    /// check that a timestamp is not in the future needs the billing time before anything else.
    /// </summary>
    public bool SettlesClock(TrackRequest r) => options.Value.GroupCommit && r.Timestamp is null;

    /// <summary>Records one usage event, in a group with the tenant's concurrent events when there are any.</summary>
    public async Task<Result<Tracked>> HandleAsync(BillingScope scope, TrackRequest r, CancellationToken ct, bool clockUnread = false)
    {
        if (!options.Value.GroupCommit)
        {
            return await track.HandleAsync(scope, r, ct, clockUnread);
        }
        var check = TrackUsage.Validate(r, "", scope.Now);
        if (check.Failed)
        {
            return check.ToError();
        }
        var db = scope.Db;
        var lane = lanes.GetOrAdd((db.Database.GetConnectionString() ?? "", scope.Tenant.OrganizationId, scope.Tenant.Livemode), _ => new Lane());
        var writers = db.IsPostgres ? Math.Max(1, options.Value.GroupCommitConcurrency) : 1;
        var me = new Pending(scope, r, clockUnread && !scope.Tenant.Livemode);
        bool lead;
        lock (lane)
        {
            // A further group is started beside one being written only when a full group waits (this request and
            // MaxBatch − 1 queued): two part-filled groups written at once cost each event a share of two transactions'
            // fixed work instead of one, and wrote a third more CPU per event on each side (docs/decisions.md).
            lead = lane.Writing == 0 || (lane.Writing < writers && lane.Waiting.Count >= TrackUsage.MaxBatch - 1);
            if (lead)
            {
                lane.Writing++;
            }
            else
            {
                lane.Waiting.Enqueue(me);
            }
        }
        if (!lead && await Task.WhenAny(me.Done.Task, me.Lead.Task) == me.Done.Task)
        {
            return await me.Done.Task;
        }

        // This request writes a group: its own event and whatever waits behind it.
        var group = new List<Pending> { me };
        lock (lane)
        {
            while (group.Count < TrackUsage.MaxBatch && lane.Waiting.TryDequeue(out var next))
            {
                group.Add(next);
            }
        }
        try
        {
            // Cancellation is not passed on: the group writes other requests' events too.
            await WriteAsync(group, CancellationToken.None);
        }
        catch (Exception ex)
        {
            foreach (var p in group)
            {
                p.Done.TrySetException(ex);
            }
        }
        finally
        {
            Pending? successor;
            lock (lane)
            {
                if (!lane.Waiting.TryDequeue(out successor))
                {
                    lane.Writing--;
                }
            }
            successor?.Lead.TrySetResult();
        }
        return await me.Done.Task;
    }

    /// <summary>
    /// Settles the billing time of the group's events that came without it, with one read of the test clock. Used when
    /// the group's customers are not all cached; otherwise the clock comes with the group's one read (<see cref="ReadCachedAsync"/>).
    /// </summary>
    private async Task SettleClockAsync(List<Pending> group, CancellationToken ct)
    {
        if (!group.Exists(p => p.ClockUnread))
        {
            return;
        }
        // Read once the group is complete (the sandbox test clock; the events of one lane share one tenant, so one read
        // serves them all — a quarter of a single event's server CPU on SQLite when it was read per request).
        var first = group[0].Scope;
        var simulated = await BillingClock.SimulatedAsync(first.Db, first.Tenant.OrganizationId, ct);
        track.RememberClock(first.Tenant.OrganizationId, simulated);
        foreach (var p in group.Where(p => p.ClockUnread))
        {
            if (simulated is { } s)
            {
                p.Scope = p.Scope with { Now = BillingClock.Truncate(s) };
            }
            p.ClockUnread = false;
        }
    }

    private async Task WriteAsync(List<Pending> group, CancellationToken ct)
    {
        if (group.Count == 1 && group[0].Scope.Db.IsPostgres)
        {
            // Alone on PostgreSQL: the event's own read takes the test clock along (three round trips, not four).
            var alone = group[0];
            alone.Done.TrySetResult(await track.HandleAsync(alone.Scope, alone.Request, ct, alone.ClockUnread));
            return;
        }
        var first = group[0].Scope;
        var db = first.Db;
        var tenant = first.Tenant;
        // Every event of one lane is of one tenant, so one read of its test clock serves the whole group. On PostgreSQL,
        // with every customer's resolution cached, it is the first statement of the group's one read (ReadCachedAsync: a
        // round trip less). Otherwise it is read now, on its own, before the resolution that needs the billing time; on
        // SQLite always so, outside the single writer's turn (there is no round trip to save there).
        var hits = cache.FindAll(tenant, group.Select(p => p.Request.CustomerId!));
        if (hits is null || !db.IsPostgres)
        {
            await SettleClockAsync(group, ct);
        }
        // On SQLite an event written alone goes the group's way too: its event and ledger rows by the prepared INSERTs
        // and its counters by the prepared UPDATEs, not EF Core's save (4.6 % of the server's samples under load when it
        // went through TrackUsage.HandleAsync). Only groups of two or more are counted as groups.
        if (group.Count > 1)
        {
            Interlocked.Increment(ref groups);
            Interlocked.Add(ref groupedEvents, group.Count);
            for (var largest = Volatile.Read(ref largestGroup); group.Count > largest; largest = Volatile.Read(ref largestGroup))
            {
                Interlocked.CompareExchange(ref largestGroup, group.Count, largest);
            }
        }
        // Each event keeps its own billing time (the time its request was scoped, or the test clock's), on the writer's
        // database context. Known once the clock is settled.
        BillingScope[] Scopes() => group.Select(p => p.Scope == group[0].Scope ? p.Scope : group[0].Scope with { Now = p.Scope.Now }).ToArray();
        var results = new Result<Tracked>[group.Count];
        long catalogVersion = 0;
        TrackSession? applied = null;
        var written = await db.InTransactionAsync<bool>(async () =>
        {
            var keys = group.Select(p => p.Request.IdempotencyKey).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
            var cached = hits is null ? null : await ReadCachedAsync(group, hits, keys, ct);
            var scopes = Scopes();
            var leader = scopes[0];
            // As the batch endpoint: the group's events and spend entries are collected by the session, and its counters,
            // daily rows and accounts held outside the change tracker (UntrackedUsageRows), so EF Core never attaches,
            // snapshots or scans them (its change tracking was the largest share of the server's CPU on this path).
            var session = applied = new TrackSession(leader) { NewEvents = new(group.Count), NewLedger = new(group.Count), Untracked = new() };
            Dictionary<string, UsageEvent> seen;
            if (cached is { } c)
            {
                catalogVersion = c.Rows.CatalogVersion;
                seen = await RecordedAsync(db, c.Rows, ct);
                c.Read.Adopt(session, leader, c.Rows, hits!);
            }
            else
            {
                // A resolution not cached, changed since, or a read that named rows at other times than the test clock
                // now shows (the clock is settled either way): the group is resolved afresh at its events' times.
                hits = null;
                catalogVersion = await db.ReadCatalogVersionAsync(tenant.OrganizationId, tenant.Livemode, ct);
                seen = await db.RecordedEventsAsync(tenant.OrganizationId, tenant.Livemode, keys, ct);
                await TrackPreparation.PrepareAsync(session, group.Select(p => p.Request)
                    .Where(e => e.IdempotencyKey is null || !seen.ContainsKey(e.IdempotencyKey)).ToList(), ct);
            }
            // Two copies of one event in this group (a client retrying while its first request waits): the second is
            // answered as a repeat of the first once the first is applied, exactly as it would be after the commit.
            var appliedKeys = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < group.Count; i++)
            {
                var item = group[i].Request;
                if (item.IdempotencyKey is not null && seen.TryGetValue(item.IdempotencyKey, out var earlier))
                {
                    results[i] = new Tracked(earlier, true);
                    continue;
                }
                if (item.IdempotencyKey is not null && appliedKeys.TryGetValue(item.IdempotencyKey, out var first))
                {
                    results[i] = new Tracked(results[first].Value.Event, true);
                    continue;
                }
                session.Scope = scopes[i];
                results[i] = await track.ApplyAsync(session, item, ct);
                if (item.IdempotencyKey is not null && results[i].IsSuccess)
                {
                    appliedKeys[item.IdempotencyKey] = i;
                }
            }
            session.Scope = leader;
            if (hits is not null && group.Count > 1)
            {
                Interlocked.Increment(ref cachedGroups);
            }
            // The counters, daily rows and accounts the group moved: one UPDATE per table, the new ones and the group's events
            // and spend entries one INSERT per table. On PostgreSQL all of it is one command (UPDATE … FROM unnest,
            // INSERT … SELECT FROM unnest): one round trip for the group's writes, with the locks held. On SQLite: prepared
            // statements run once per row.
            await UsageWrites.WriteAsync(db, session.Untracked!, ct,
                new BulkCopy.Rows().Add(db, session.NewEvents!).Add(db, session.NewLedger!));
            return true;
        }, ct, onConflict: Error.Conflict("duplicate_event", "A concurrent request recorded one of these idempotency keys."));

        if (written.IsSuccess && applied is not null)
        {
            // Resolutions read afresh in this transaction are remembered under the catalog version it read first.
            foreach (var (customerKey, live) in applied.ByCustomer)
            {
                if (live is not null && (hits is null || !hits.ContainsKey(customerKey)))
                {
                    cache.Remember(tenant, customerKey, live, catalogVersion);
                }
            }
        }
        if (!written.IsSuccess)
        {
            // An idempotency key taken by a concurrent transaction: nothing of the group was written; each event is
            // written on its own, deduplicated as a lone request would be.
            // Every event runs on the leader's database context: each starts from an empty change tracker, as a lone
            // request's would, so the rows one event wrote are read afresh (not attached twice) by the next.
            var scopes = Scopes();
            for (var i = 0; i < group.Count; i++)
            {
                db.ChangeTracker.Clear();
                results[i] = await track.HandleAsync(scopes[i], group[i].Request, ct, group[i].ClockUnread);
            }
        }
        for (var i = 0; i < group.Count; i++)
        {
            group[i].Done.TrySetResult(results[i]);
        }
    }

    /// <summary>
    /// Reads, in one round trip (<see cref="TrackReads.ReadForGroupAsync"/>), what the group needs when every customer's
    /// resolution is cached, and settles the billing time of events that came without it: the test clock is the read's
    /// first statement. Their rows are named at the time the clock showed at its last read (the real time when it has
    /// none; a clock stays where it was set until it is moved). The read and its names, or null when it does not confirm
    /// the cache (the catalog version or a subscription's version changed, a subscription no longer live) or the clock
    /// has moved to another window or day than the rows named: the caller then resolves afresh, with the clock settled
    /// (the locks taken stay held by the transaction, which is harmless: the same rows are locked again).
    /// </summary>
    private async Task<(GroupRows Rows, CachedGroupRead Read)?> ReadCachedAsync(List<Pending> group,
        Dictionary<string, (LiveSubscription Live, long CatalogVersion)?> hits, List<string> idempotencyKeys, CancellationToken ct)
    {
        var first = group[0].Scope;
        var organizationId = first.Tenant.OrganizationId;
        var readClock = group.Exists(p => p.ClockUnread);
        var hint = readClock ? track.ClockHint(organizationId) : null;
        var named = group.Select(p => p.ClockUnread && hint is { } at ? p.Scope with { Now = at } : p.Scope).ToArray();
        var read = new CachedGroupRead(new GroupKeys(organizationId, first.Tenant.Livemode) { ReadClock = readClock });
        read.Keys.IdempotencyKeys.AddRange(idempotencyKeys);
        for (var i = 0; i < group.Count; i++)
        {
            var r = group[i].Request;
            read.Add(named[i], r, hits[r.CustomerId!]!.Value.Live);
        }
        var rows = await first.Db.ReadForGroupAsync(read.Keys, ct);
        var namesHold = true;
        if (readClock)
        {
            track.RememberClock(organizationId, rows.Clock);
            for (var i = 0; i < group.Count; i++)
            {
                var p = group[i];
                if (!p.ClockUnread)
                {
                    continue;
                }
                if (rows.Clock is { } clock)
                {
                    p.Scope = p.Scope with { Now = BillingClock.Truncate(clock) };
                }
                p.ClockUnread = false;
                var live = hits[p.Request.CustomerId!]!.Value.Live;
                namesHold &= named[i].Now == p.Scope.Now || TrackUsage.KeysFor(named[i], p.Request, live) == TrackUsage.KeysFor(p.Scope, p.Request, live);
            }
        }
        return namesHold && CachedGroupRead.Confirms(rows, hits.Values) ? (rows, read) : null;
    }

    /// <summary>The events already recorded under the group's idempotency keys that the read found (key → event).</summary>
    private static async Task<Dictionary<string, UsageEvent>> RecordedAsync(CommetDb db, GroupRows rows, CancellationToken ct)
    {
        var seen = new Dictionary<string, UsageEvent>(StringComparer.Ordinal);
        if (rows.RecordedKeys.Count > 0)
        {
            var ids = rows.RecordedKeys.Values.ToList();
            foreach (var earlier in await db.UsageEvents.AsNoTracking().Where(e => ids.Contains(e.Id)).ToListAsync(ct))
            {
                seen[earlier.IdempotencyKey!] = earlier;
            }
        }
        return seen;
    }
}
