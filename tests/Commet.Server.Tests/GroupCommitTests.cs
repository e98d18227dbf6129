using System.Net;
using Commet.Domain.Billing;
using Commet.Domain.Usage;
using Commet.Server.Persistence;
using Commet.Server.Tests.Infrastructure;
using Commet.Server.Usage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static Commet.Server.Tests.Infrastructure.BillingApi;

namespace Commet.Server.Tests;

/// <summary>PostgreSQL with one group written at a time per tenant, so that a test can line a whole group up.</summary>
public sealed class OneWriterPostgresServer : PostgresServer
{
    protected override void AdjustSettings(IDictionary<string, string?> settings) => settings["Commet:Usage:GroupCommitConcurrency"] = "1";
}

/// <summary>What the group-commit tests share: a credits plan, and waiting until the gatherer is in a given state.</summary>
internal static class GroupCommitSteps
{
    /// <summary>A monthly credits plan of <paramref name="credits"/> included credits, one credit a unit of <paramref name="feature"/> (which exists).</summary>
    public static async Task CreditsPlan(HttpClient api, string code, long credits, string feature)
    {
        await api.PostJson("/api/v1/plans/manage", new { code, name = code, consumptionModel = "credits" }).Ok();
        await api.PostJson($"/api/v1/plans/{code}/prices", new { billingInterval = "monthly", price = 100, includedCredits = credits }).Ok();
        await api.PostJson($"/api/v1/plans/{code}/features", new { featureId = feature, creditsPerUnit = 1 }).Ok();
    }

    public static async Task WaitForAsync(ServerFixture server, Func<(int Writing, int Waiting, long Groups, long GroupedEvents, int LargestGroup), bool> condition,
        string what)
    {
        var groups = server.Services.GetRequiredService<TrackGroupCommit>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition(groups.Load()))
        {
            Assert.True(DateTime.UtcNow < deadline, $"Never happened: {what} ({groups.Load()})");
            await Task.Delay(10);
        }
    }
}

/// <summary>Group commit of single usage events (<see cref="TrackGroupCommit"/>): each event of a group answers as if alone.</summary>
public abstract class GroupCommitTests<TServer>(TServer server) : IClassFixture<TServer>
    where TServer : ServerFixture
{

    private Task<ApiResponse> Track(TestTenant t, string customer, string feature, string? key = null) =>
        server.Client(t.SandboxKey).PostJson("/api/v1/usage/events", new { customerId = customer, feature, value = 1, idempotencyKey = key });

    /// <summary>
    /// Keeps the database's writer busy until disposed: on PostgreSQL a transaction holding the subscription's row
    /// lock (the usage event that needs it waits), on SQLite the process's write gate (every write transaction waits).
    /// </summary>
    private async Task<IAsyncDisposable> HoldWriterAsync(TestTenant t, string subscriptionId)
    {
        if (server is PostgresServer pg)
        {
            var connection = new NpgsqlConnection(pg.ConnectionString);
            await connection.OpenAsync();
            var tx = await connection.BeginTransactionAsync();
            await using (var command = new NpgsqlCommand("""SELECT 1 FROM subscriptions WHERE "Id" = @id FOR UPDATE""", connection, tx))
            {
                command.Parameters.AddWithValue("id", subscriptionId);
                await command.ExecuteScalarAsync();
            }
            return new Release(async () =>
            {
                await tx.RollbackAsync();
                await connection.DisposeAsync();
            });
        }
        var db = t.Db();
        var gate = await SqliteWriteGate.WaitAsync(db, CancellationToken.None) ?? throw new InvalidOperationException("No SQLite write gate.");
        return new Release(async () =>
        {
            gate.Release();
            await db.DisposeAsync();
        });
    }

    private sealed class Release(Func<Task> release) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await release();
    }

    private Task WaitForAsync(Func<(int Writing, int Waiting, long Groups, long GroupedEvents, int LargestGroup), bool> condition) =>
        GroupCommitSteps.WaitForAsync(server, condition, "the gatherer's state");

    private static async Task<(long Plan, long Purchased)> Account(TestTenant t, string subscriptionId)
    {
        await using var db = t.Db();
        var a = await db.ConsumptionAccounts.AsNoTracking().SingleAsync(x => x.SubscriptionId == subscriptionId && x.Kind == AccountKinds.Credits);
        var ledger = await db.Ledger.AsNoTracking().Where(l => l.SubscriptionId == subscriptionId && l.Kind == AccountKinds.Credits).ToListAsync();
        Assert.Equal(a.PlanAmount, ledger.Where(l => l.Bucket == Buckets.Plan).Sum(l => l.Amount));
        Assert.Equal(a.PurchasedAmount, ledger.Where(l => l.Bucket == Buckets.Purchased).Sum(l => l.Amount));
        return (a.PlanAmount, a.PurchasedAmount);
    }

    [Fact]
    public async Task OneGroup_RefusedEventsDoNotFailTheirNeighbours_EachAnswersAsIfAlone()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.PostJson("/api/v1/features/manage", new { code = "gc", name = "gc", type = "usage" }).Ok();
        await api.PostJson("/api/v1/features/manage", new { code = "gc_other", name = "gc other", type = "usage" }).Ok();
        await GroupCommitSteps.CreditsPlan(api, "gc_poor", 2, "gc");
        await GroupCommitSteps.CreditsPlan(api, "gc_rich", 100, "gc");
        await api.Customer("blk");
        await api.Customer("poor");
        await api.Customer("rich");
        await api.Customer("nosub");
        var blk = (await api.Subscribe("blk", "gc_rich")).Str("id");
        var poor = (await api.Subscribe("poor", "gc_poor")).Str("id");
        var rich = (await api.Subscribe("rich", "gc_rich")).Str("id");
        var before = server.Services.GetRequiredService<TrackGroupCommit>().Load();

        // The first event is written alone and waits on the held writer; the thirteen behind it queue and, once the
        // writer is free, go in as one group.
        Task<ApiResponse> first;
        Task<ApiResponse>[] poorEvents, richEvents, sameKey;
        Task<ApiResponse> notInPlan, noSubscription;
        await using (await HoldWriterAsync(t, blk))
        {
            first = Track(t, "blk", "gc");
            await WaitForAsync(l => l.Writing == 1);
            poorEvents = Enumerable.Range(0, 5).Select(_ => Track(t, "poor", "gc")).ToArray();
            richEvents = Enumerable.Range(0, 4).Select(_ => Track(t, "rich", "gc")).ToArray();
            var key = "gc-" + Guid.NewGuid().ToString("N");
            sameKey = [Track(t, "rich", "gc", key), Track(t, "rich", "gc", key)];
            notInPlan = Track(t, "rich", "gc_other");
            noSubscription = Track(t, "nosub", "gc");
            await WaitForAsync(l => l.Waiting == 13);
        }

        Assert.Equal(HttpStatusCode.Created, (await first).Status);
        var poorAnswers = await Task.WhenAll(poorEvents);
        // poor has 2 credits: two events of 1 credit are taken, the other three are refused, whatever their order.
        Assert.Equal(2, poorAnswers.Count(a => a.Status == HttpStatusCode.Created));
        Assert.Equal(3, poorAnswers.Count(a => a.Status == HttpStatusCode.PaymentRequired && a.ErrorCode == "insufficient_credits"));
        Assert.All(await Task.WhenAll(richEvents), a => Assert.Equal(HttpStatusCode.Created, a.Status));
        var keyed = await Task.WhenAll(sameKey);
        // The same idempotency key twice in one group: recorded once (201), the other answered as its repeat (200).
        Assert.Equal(new[] { HttpStatusCode.OK, HttpStatusCode.Created }, keyed.Select(a => a.Status).Order());
        Assert.Equal(keyed[0].Data.Str("id"), keyed[1].Data.Str("id"));
        Assert.Equal((HttpStatusCode.Forbidden, "feature_not_in_plan"), ((await notInPlan).Status, (await notInPlan).ErrorCode));
        Assert.Equal((HttpStatusCode.NotFound, "no_active_subscription"), ((await noSubscription).Status, (await noSubscription).ErrorCode));

        var after = server.Services.GetRequiredService<TrackGroupCommit>().Load();
        Assert.Equal((1L, 13L, 13), (after.Groups - before.Groups, after.GroupedEvents - before.GroupedEvents, after.LargestGroup));

        // poor: 2 − 2 = 0 left; rich: 100 − 4 − 1 (the keyed pair counts once) = 95; blk: 100 − 1 = 99.
        Assert.Equal((0L, 0L), await Account(t, poor));
        Assert.Equal((95L, 0L), await Account(t, rich));
        Assert.Equal((99L, 0L), await Account(t, blk));
        await using var db = t.Db();
        Assert.Equal(2, await db.UsageEvents.CountAsync(e => e.SubscriptionId == poor));
        Assert.Equal(5, await db.UsageEvents.CountAsync(e => e.SubscriptionId == rich));
        Assert.Equal(2m, (await db.UsageCounters.Where(c => c.SubscriptionId == poor).ToListAsync()).Sum(c => c.Quantity));
        Assert.Equal(5m, (await db.UsageCounters.Where(c => c.SubscriptionId == rich).ToListAsync()).Sum(c => c.Quantity));
    }

    /// <summary>
    /// Lines up one group behind an event of <paramref name="blocker"/> held on the writer: the group is the events
    /// started by <paramref name="queue"/>, in that order.
    /// </summary>
    private async Task<(ApiResponse First, ApiResponse[] Group)> OneGroupAsync(TestTenant t, string blocker, string blockerSubscription, Func<Task<ApiResponse>>[] queue)
    {
        Task<ApiResponse> first;
        Task<ApiResponse>[] group;
        await using (await HoldWriterAsync(t, blockerSubscription))
        {
            first = Track(t, blocker, "gcc");
            await WaitForAsync(l => l.Writing == 1);
            group = queue.Select(start => start()).ToArray();
            await WaitForAsync(l => l.Waiting == queue.Length);
        }
        return (await first, await Task.WhenAll(group));
    }

    [Fact]
    public async Task CachedGroup_IsConfirmedInOneRead_AndResolvedAfreshWhenThePlanOrASubscriptionChanged()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.PostJson("/api/v1/features/manage", new { code = "gcc", name = "gcc", type = "usage" }).Ok();
        await GroupCommitSteps.CreditsPlan(api, "gcc_plan", 100, "gcc");
        var subs = new Dictionary<string, string>();
        foreach (var c in new[] { "blk", "c1", "c2", "c3" })
        {
            await api.Customer(c);
            subs[c] = (await api.Subscribe(c, "gcc_plan")).Str("id");
        }
        // One event each, alone: every customer's resolution is now cached.
        var warmKey = "gcc-" + Guid.NewGuid().ToString("N");
        await Track(t, "c1", "gcc").Ok(HttpStatusCode.Created);
        await Track(t, "c2", "gcc").Ok(HttpStatusCode.Created);
        var warm = await Track(t, "c3", "gcc", warmKey).Ok(HttpStatusCode.Created);
        var gatherer = server.Services.GetRequiredService<TrackGroupCommit>();

        // Group 1, all cached: confirmed and applied from one read. c3's repeat of its warm-up key answers 200 with that event.
        var cachedBefore = gatherer.CachedGroups;
        var (first, answers) = await OneGroupAsync(t, "blk", subs["blk"], [
            () => Track(t, "c1", "gcc"), () => Track(t, "c1", "gcc"), () => Track(t, "c1", "gcc"),
            () => Track(t, "c2", "gcc"), () => Track(t, "c2", "gcc"),
            () => Track(t, "c3", "gcc", warmKey), () => Track(t, "c3", "gcc")]);
        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal(1L, gatherer.CachedGroups - cachedBefore);
        Assert.All(answers.Take(5).Append(answers[6]), a => Assert.Equal(HttpStatusCode.Created, a.Status));
        Assert.Equal(HttpStatusCode.OK, answers[5].Status);
        Assert.Equal(warm.Str("id"), answers[5].Data.Str("id"));
        // 100 included credits, 1 a unit: c1 100 − 1 − 3 = 96, c2 100 − 1 − 2 = 97, c3 100 − 1 − 1 = 98 (the repeat is free).
        Assert.Equal((96L, 0L), await Account(t, subs["c1"]));
        Assert.Equal((97L, 0L), await Account(t, subs["c2"]));
        Assert.Equal((98L, 0L), await Account(t, subs["c3"]));

        // The plan now charges 5 credits a unit: the cached resolutions are stale and the group resolves afresh.
        await api.PutJson("/api/v1/plans/gcc_plan/features/gcc", new { creditsPerUnit = 5 }).Ok();
        cachedBefore = gatherer.CachedGroups;
        (first, answers) = await OneGroupAsync(t, "blk", subs["blk"], [() => Track(t, "c1", "gcc"), () => Track(t, "c1", "gcc"), () => Track(t, "c2", "gcc")]);
        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Created, a.Status));
        Assert.Equal(0L, gatherer.CachedGroups - cachedBefore);
        // c1 96 − 5 − 5 = 86, c2 97 − 5 = 92.
        Assert.Equal((86L, 0L), await Account(t, subs["c1"]));
        Assert.Equal((92L, 0L), await Account(t, subs["c2"]));

        // c2's subscription ends: its cached resolution no longer matches the locked row, the group resolves afresh
        // and c2's event is refused while c1's (cached afresh by the group above) is applied.
        await api.PostJson($"/api/v1/subscriptions/{subs["c2"]}/cancel", new { immediate = true }).Ok();
        cachedBefore = gatherer.CachedGroups;
        (first, answers) = await OneGroupAsync(t, "blk", subs["blk"], [() => Track(t, "c1", "gcc"), () => Track(t, "c2", "gcc")]);
        Assert.Equal(HttpStatusCode.Created, answers[0].Status);
        Assert.Equal((HttpStatusCode.NotFound, "no_active_subscription"), (answers[1].Status, answers[1].ErrorCode));
        Assert.Equal(0L, gatherer.CachedGroups - cachedBefore);

        // c1: 86 − 5 = 81.
        Assert.Equal((81L, 0L), await Account(t, subs["c1"]));

        // The group above remembered what it resolved afresh: c1's events are cached again. c1 81 − 5 − 5 = 71.
        cachedBefore = gatherer.CachedGroups;
        (first, answers) = await OneGroupAsync(t, "blk", subs["blk"], [() => Track(t, "c1", "gcc"), () => Track(t, "c1", "gcc")]);
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Created, a.Status));
        Assert.Equal(1L, gatherer.CachedGroups - cachedBefore);
        Assert.Equal((71L, 0L), await Account(t, subs["c1"]));
        await using var db = t.Db();
        // Events recorded: c1 1 + 3 + 2 + 1 + 2 = 9 (one unit each); counters agree.
        Assert.Equal(9, await db.UsageEvents.CountAsync(e => e.SubscriptionId == subs["c1"]));
        Assert.Equal(9m, (await db.UsageCounters.Where(c => c.SubscriptionId == subs["c1"]).ToListAsync()).Sum(c => c.Quantity));
    }

    [Fact]
    public async Task GroupOnATestClock_EveryEventTakesTheClocksTime_ReadOnceForTheGroup()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        var frozen = new DateTime(2027, 3, 10, 12, 30, 0, DateTimeKind.Utc);
        await api.SetClock(frozen);
        await api.PostJson("/api/v1/features/manage", new { code = "gclk", name = "gclk", type = "usage" }).Ok();
        await GroupCommitSteps.CreditsPlan(api, "gclk", 100, "gclk");
        await api.Customer("clk");
        var subscription = (await api.Subscribe("clk", "gclk")).Str("id");

        // One event written alone (held), five queued behind it: they go in as one group, whose writer reads the clock once.
        Task<ApiResponse> first;
        Task<ApiResponse>[] queued;
        await using (await HoldWriterAsync(t, subscription))
        {
            first = Track(t, "clk", "gclk");
            await WaitForAsync(l => l.Writing == 1);
            queued = Enumerable.Range(0, 5).Select(_ => Track(t, "clk", "gclk")).ToArray();
            await WaitForAsync(l => l.Waiting == 5);
        }
        var answers = await Task.WhenAll(queued.Prepend(first));
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Created, a.Status));
        // No timestamp was sent: each event is at the test clock's time, not the real time.
        Assert.All(answers, a => Assert.Equal(frozen, a.Data["ts"]!.GetValue<DateTime>().ToUniversalTime()));

        // The clock moved: the next event takes the new time (nothing of the old one is kept between requests).
        await api.Advance(3);
        var later = await Track(t, "clk", "gclk").Ok(HttpStatusCode.Created);
        Assert.Equal(frozen.AddDays(3), later["ts"]!.GetValue<DateTime>().ToUniversalTime());

        await using var db = t.Db();
        var events = await db.UsageEvents.AsNoTracking().Where(e => e.SubscriptionId == subscription).ToListAsync();
        Assert.Equal(7, events.Count);
        Assert.Equal(6, events.Count(e => e.CreatedAt == frozen && e.Timestamp == frozen));
        // 7 events of 1 credit each: 100 − 7 = 93 left, and the ledger says the same.
        Assert.Equal((93L, 0L), await Account(t, subscription));
    }

    /// <summary>
    /// On PostgreSQL a group whose customers are all cached reads the sandbox's test clock as the first statement of its
    /// one read, its rows named at the time the clock showed at its last read: three round trips (read, write, commit),
    /// not four. When the clock has moved to another day since (here behind the server's back, by SQL), the rows named
    /// are the old day's, so on PostgreSQL the group is resolved afresh at the clock's time. SQLite reads the clock first,
    /// on its own, so its group names the new day's rows from the start and stays cached. On both, the events and daily
    /// rows are the new day's.
    /// </summary>
    [Fact]
    public async Task CachedGroupOnATestClock_ClockReadWithTheGroup_AClockMovedToAnotherDayResolvesAfresh()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        var frozen = new DateTime(2027, 5, 20, 9, 0, 0, DateTimeKind.Utc);
        await api.SetClock(frozen);
        await api.PostJson("/api/v1/features/manage", new { code = "gfold", name = "gfold", type = "usage" }).Ok();
        await GroupCommitSteps.CreditsPlan(api, "gfold", 100, "gfold");
        await api.Customer("blk");
        await api.Customer("fold");
        var blk = (await api.Subscribe("blk", "gfold")).Str("id");
        var fold = (await api.Subscribe("fold", "gfold")).Str("id");
        var meter = server.Services.GetRequiredService<RoundTripMeter>();
        // The holding event carries its own timestamp: it reads the clock outside the group's way, so it leaves the
        // group's hint (the time the clock showed at the last read by an event without one) as it was.
        var stamp = frozen.AddHours(-1).ToString("O");
        Task<ApiResponse> Blocker() => server.Client(t.SandboxKey).PostJson("/api/v1/usage/events", new { customerId = "blk", feature = "gfold", value = 1, timestamp = stamp });
        await Blocker().Ok(HttpStatusCode.Created);
        var before = meter.Count;
        await Blocker().Ok(HttpStatusCode.Created);
        var blockerTrips = meter.Count - before;
        // One event of fold alone: its resolution is cached, and the clock's time is the hint.
        await Track(t, "fold", "gfold").Ok(HttpStatusCode.Created);

        async Task<(ApiResponse[] Answers, long Trips)> GroupAsync()
        {
            var start = meter.Count;
            Task<ApiResponse> first;
            Task<ApiResponse>[] queued;
            await using (await HoldWriterAsync(t, blk))
            {
                first = Blocker();
                await WaitForAsync(l => l.Writing == 1);
                queued = Enumerable.Range(0, 4).Select(_ => Track(t, "fold", "gfold")).ToArray();
                await WaitForAsync(l => l.Waiting == 4);
            }
            Assert.Equal(HttpStatusCode.Created, (await first).Status);
            var answers = await Task.WhenAll(queued);
            Assert.All(answers, a => Assert.Equal(HttpStatusCode.Created, a.Status));
            return (answers, meter.Count - start - blockerTrips);
        }

        var gatherer = server.Services.GetRequiredService<TrackGroupCommit>();
        var cachedBefore = gatherer.CachedGroups;
        var (same, sameTrips) = await GroupAsync();
        Assert.All(same, a => Assert.Equal(frozen, a.Data["ts"]!.GetValue<DateTime>().ToUniversalTime()));
        Assert.Equal(1L, gatherer.CachedGroups - cachedBefore);
        if (server is PostgresServer)
        {
            Assert.True(sameTrips == 3, $"a cached group on a test clock took {sameTrips} round trips, not 3 (read, write, commit)");
        }

        // The clock moves to the next day without the server being told: the group names yesterday's daily row, finds the
        // clock elsewhere, and is resolved afresh at the clock's time.
        var moved = frozen.AddDays(1).AddHours(2);
        await using (var db = t.Db())
        {
            var clock = await db.TestClocks.SingleAsync(c => c.OrganizationId == t.OrganizationId);
            clock.SimulatedTime = moved;
            await db.SaveChangesAsync();
        }
        cachedBefore = gatherer.CachedGroups;
        var (next, _) = await GroupAsync();
        Assert.All(next, a => Assert.Equal(moved, a.Data["ts"]!.GetValue<DateTime>().ToUniversalTime()));
        // SQLite reads the clock before the group's read (outside the single writer's turn), so it names today's rows and
        // stays on the cached path.
        Assert.Equal(server is PostgresServer ? 0L : 1L, gatherer.CachedGroups - cachedBefore);

        await using var check = t.Db();
        var days = await check.UsageDaily.AsNoTracking().Where(d => d.SubscriptionId == fold).ToListAsync();
        Assert.Equal(new[] { (frozen.Date, 5m), (moved.Date, 4m) }, days.OrderBy(d => d.Day).Select(d => (d.Day, d.Quantity)).ToArray());
        // 1 + 4 + 4 events of 1 credit: 100 − 9 = 91 left, and the ledger says the same.
        Assert.Equal((91L, 0L), await Account(t, fold));
    }
}

public sealed class GroupCommitTests_Sqlite(SqliteServer server) : GroupCommitTests<SqliteServer>(server);

public sealed class GroupCommitTests_Postgres(OneWriterPostgresServer server) : GroupCommitTests<OneWriterPostgresServer>(server);

/// <summary>
/// A group that loses an idempotency key to a concurrent transaction is written again event by event on the leader's
/// database context. PostgreSQL only: the test needs an uncommitted row that the group's insert waits on.
/// </summary>
public sealed class GroupCommitFallbackTests(OneWriterPostgresServer server) : IClassFixture<OneWriterPostgresServer>
{
    private Task<ApiResponse> Track(TestTenant t, string customer, string? key = null) =>
        server.Client(t.SandboxKey).PostJson("/api/v1/usage/events", new { customerId = customer, feature = "gf", value = 1, idempotencyKey = key });


    [Fact]
    public async Task GroupLosesAKeyToAnotherTransaction_EachEventIsWrittenAlone_SameCustomerTwiceInARow()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.PostJson("/api/v1/features/manage", new { code = "gf", name = "gf", type = "usage" }).Ok();
        await GroupCommitSteps.CreditsPlan(api, "gf_plan", 100, "gf");
        await api.Customer("blk");
        await api.Customer("rich");
        var blk = (await api.Subscribe("blk", "gf_plan")).Str("id");
        var rich = (await api.Subscribe("rich", "gf_plan")).Str("id");
        // One event first, so that rich's resolution is cached: the events below are applied from the cache, which
        // attaches the rows read for them (the path where a second event of one customer on one context failed).
        Assert.Equal(HttpStatusCode.Created, (await Track(t, "rich")).Status);
        string customerId, featureId;
        await using (var db = t.Db())
        {
            customerId = (await db.Customers.AsNoTracking().SingleAsync(c => c.ExternalId == "rich" || c.Id == "rich")).Id;
            featureId = (await db.Features.AsNoTracking().SingleAsync(f => f.Code == "gf")).Id;
        }
        var groups = server.Services.GetRequiredService<TrackGroupCommit>();
        var before = groups.Load();

        // Another transaction records the key K and does not commit yet.
        var key = "gf-" + Guid.NewGuid().ToString("N");
        await using var other = new NpgsqlConnection(server.ConnectionString);
        await other.OpenAsync();
        await using var otherTx = await other.BeginTransactionAsync();
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO usage_events ("Id", "OrganizationId", "Livemode", "CustomerId", "SubscriptionId", "FeatureId", "FeatureCode", "Value", "Timestamp", "IdempotencyKey", "Kind", "CreatedAt")
            VALUES ('uev_other_transaction', @org, false, @customer, @sub, @feature, 'gf', 1, now(), @key, 'event', now())
            """, other, otherTx))
        {
            insert.Parameters.AddWithValue("org", t.OrganizationId);
            insert.Parameters.AddWithValue("customer", customerId);
            insert.Parameters.AddWithValue("sub", rich);
            insert.Parameters.AddWithValue("feature", featureId);
            insert.Parameters.AddWithValue("key", key);
            await insert.ExecuteNonQueryAsync();
        }

        // The first event waits on blk's row lock, alone; four events of rich (one under K) queue behind it and go
        // in as one group, whose insert of K then waits on the other transaction.
        Task<ApiResponse> first;
        Task<ApiResponse>[] plain;
        Task<ApiResponse> keyed;
        await using (var locker = new NpgsqlConnection(server.ConnectionString))
        {
            await locker.OpenAsync();
            await using var lockTx = await locker.BeginTransactionAsync();
            await using (var command = new NpgsqlCommand("""SELECT 1 FROM subscriptions WHERE "Id" = @id FOR UPDATE""", locker, lockTx))
            {
                command.Parameters.AddWithValue("id", blk);
                await command.ExecuteScalarAsync();
            }
            first = Track(t, "blk");
            await GroupCommitSteps.WaitForAsync(server, l => l.Writing == 1, "the first event is being written");
            plain = [Track(t, "rich"), Track(t, "rich"), Track(t, "rich")];
            keyed = Track(t, "rich", key);
            await GroupCommitSteps.WaitForAsync(server, l => l.Waiting == 4, "four events wait behind it");
            await lockTx.RollbackAsync();
        }
        Assert.Equal(HttpStatusCode.Created, (await first).Status);
        await using (var waiting = new NpgsqlConnection(server.ConnectionString))
        {
            await waiting.OpenAsync();
            var deadline = DateTime.UtcNow.AddSeconds(60);
            await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()", waiting);
            while ((long)(await command.ExecuteScalarAsync())! == 0)
            {
                Assert.True(DateTime.UtcNow < deadline, "The group never waited on the other transaction's key.");
                await Task.Delay(10);
            }
        }
        await otherTx.CommitAsync();

        // The group failed on K and nothing of it stayed; each event was then written alone: K is answered as the
        // other transaction's event (200), the three plain events are recorded (201) one after the other.
        var answers = await Task.WhenAll(plain);
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Created, a.Status));
        var repeat = await keyed;
        Assert.Equal(HttpStatusCode.OK, repeat.Status);
        Assert.Equal("uev_other_transaction", repeat.Data.Str("id"));
        var after = groups.Load();
        Assert.Equal((1L, 4L), (after.Groups - before.Groups, after.GroupedEvents - before.GroupedEvents));

        // rich: 100 included − 1 (the first event) − 3 (the plain events) = 96; the other transaction's row spent nothing.
        await using var check = t.Db();
        var account = await check.ConsumptionAccounts.AsNoTracking().SingleAsync(a => a.SubscriptionId == rich && a.Kind == AccountKinds.Credits);
        Assert.Equal(96L, account.PlanAmount);
        Assert.Equal(4m, (await check.UsageCounters.Where(c => c.SubscriptionId == rich).ToListAsync()).Sum(c => c.Quantity));
        Assert.Equal(5, await check.UsageEvents.CountAsync(e => e.SubscriptionId == rich));
    }
}

/// <summary>
/// PostgreSQL with the default two writers per tenant: a second group is started beside the one being written only when
/// a full group (<see cref="TrackUsage.MaxBatch"/> events) waits, never for a few events.
/// </summary>
public sealed class GroupCommitSecondWriterTests(PostgresServer server) : IClassFixture<PostgresServer>
{
    private Task<ApiResponse> Track(TestTenant t, string customer) =>
        server.Client(t.SandboxKey).PostJson("/api/v1/usage/events", new { customerId = customer, feature = "gw", value = 1 });

    private Task WaitForAsync(Func<(int Writing, int Waiting, long Groups, long GroupedEvents, int LargestGroup), bool> condition, string what) =>
        GroupCommitSteps.WaitForAsync(server, condition, what);

    [Fact]
    public async Task WriterHeldUp_EventsQueueBehindIt_ASecondWriterTakesThemOnlyAsAFullGroup()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.PostJson("/api/v1/features/manage", new { code = "gw", name = "gw", type = "usage" }).Ok();
        await GroupCommitSteps.CreditsPlan(api, "gw_plan", 1000, "gw");
        await api.Customer("blk");
        await api.Customer("many");
        var blk = (await api.Subscribe("blk", "gw_plan")).Str("id");
        var many = (await api.Subscribe("many", "gw_plan")).Str("id");
        var groups = server.Services.GetRequiredService<TrackGroupCommit>();
        var before = groups.Load();

        await using var locker = new NpgsqlConnection(server.ConnectionString);
        await locker.OpenAsync();
        await using var lockTx = await locker.BeginTransactionAsync();
        await using (var command = new NpgsqlCommand("""SELECT 1 FROM subscriptions WHERE "Id" = @id FOR UPDATE""", locker, lockTx))
        {
            command.Parameters.AddWithValue("id", blk);
            await command.ExecuteScalarAsync();
        }
        // The first event's group waits on blk's row lock. 99 events behind it queue: with one group of the tenant being
        // written, none of them starts a second one.
        var first = Track(t, "blk");
        await WaitForAsync(l => l.Writing == 1, "the first event is being written");
        var queued = Enumerable.Range(0, TrackUsage.MaxBatch - 1).Select(_ => Track(t, "many")).ToArray();
        await WaitForAsync(l => l.Waiting == TrackUsage.MaxBatch - 1, "99 events wait");
        Assert.Equal(1, groups.Load().Writing);

        // The 100th makes a full group: a second writer takes all 100 and commits them while the first is still held.
        var last = Track(t, "many");
        var answers = await Task.WhenAll(queued.Append(last));
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Created, a.Status));
        Assert.False(first.IsCompleted);
        var during = groups.Load();
        Assert.Equal((1, 0, 1L, (long)TrackUsage.MaxBatch, TrackUsage.MaxBatch),
            (during.Writing, during.Waiting, during.Groups - before.Groups, during.GroupedEvents - before.GroupedEvents, during.LargestGroup));

        await lockTx.RollbackAsync();
        Assert.Equal(HttpStatusCode.Created, (await first).Status);
        await using var db = t.Db();
        Assert.Equal(TrackUsage.MaxBatch, await db.UsageEvents.CountAsync(e => e.SubscriptionId == many));
        Assert.Equal(1000L - TrackUsage.MaxBatch, (await db.ConsumptionAccounts.AsNoTracking()
            .SingleAsync(a => a.SubscriptionId == many && a.Kind == AccountKinds.Credits)).PlanAmount);
    }
}
