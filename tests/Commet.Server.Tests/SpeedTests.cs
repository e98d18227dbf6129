using System.Net;
using Commet.Server.Persistence;
using Commet.Server.Tests.Infrastructure;
using Commet.Server.Usage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;
using static Commet.Server.Tests.Infrastructure.BillingApi;

namespace Commet.Server.Tests;

/// <summary>
/// What one usage event costs the database, in round trips (commands, commits, rollbacks, savepoints), counted by the server's
/// own <see cref="RoundTripMeter"/>. Figures are printed; the bounds are the ones the hot path is built to.
/// </summary>
public abstract class SpeedTests<TServer>(TServer server, ITestOutputHelper output) : IClassFixture<TServer>
    where TServer : ServerFixture
{
    private RoundTripMeter Meter => server.Services.GetRequiredService<RoundTripMeter>();

    private async Task<(long Trips, ApiResponse Answer)> Measure(Func<Task<ApiResponse>> call)
    {
        var before = Meter.Count;
        var answer = await call();
        return (Meter.Count - before, answer);
    }

    private static Task<ApiResponse> Track(HttpClient api, string customer, string feature, string? key = null, string? header = null) =>
        api.PostJson("/api/v1/usage/events", new { customerId = customer, feature, value = 1, idempotencyKey = key }, header);

    /// <summary>A usage feature and a monthly credits plan of 1,000 included credits, one credit a unit of it.</summary>
    private static async Task CreditsPlan(HttpClient api, string feature, string plan)
    {
        await api.PostJson("/api/v1/features/manage", new { code = feature, name = feature, type = "usage" }).Ok();
        await api.PostJson("/api/v1/plans/manage", new { code = plan, name = plan, consumptionModel = "credits" }).Ok();
        await api.PostJson($"/api/v1/plans/{plan}/prices", new { billingInterval = "monthly", price = 100, includedCredits = 1000 }).Ok();
        await api.PostJson($"/api/v1/plans/{plan}/features", new { featureId = feature, creditsPerUnit = 1 }).Ok();
    }

    [Fact]
    public async Task UsageEvent_RoundTrips()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await CreditsPlan(api, "calls", "cr");
        await api.Customer("rt");
        await api.Subscribe("rt", "cr");

        var cold = await Measure(() => Track(api, "rt", "calls", "k-cold"));
        var warm = await Measure(() => Track(api, "rt", "calls", "k-warm"));
        var noKey = await Measure(() => Track(api, "rt", "calls"));
        var header = await Measure(() => Track(api, "rt", "calls", "k-header", "h-header"));
        var repeat = await Measure(() => Track(api, "rt", "calls", "k-warm"));
        var refused = await Measure(() => Track(api, "rt", "nope"));

        output.WriteLine($"[{server.Name}] round trips per single usage event: first {cold.Trips}, warm {warm.Trips}, warm without key {noKey.Trips}, "
            + $"with Idempotency-Key header {header.Trips}, repeat of a key {repeat.Trips}, unknown feature {refused.Trips}");
        Assert.Equal(HttpStatusCode.Created, cold.Answer.Status);
        Assert.Equal(HttpStatusCode.Created, warm.Answer.Status);
        Assert.Equal(HttpStatusCode.Created, noKey.Answer.Status);
        Assert.Equal(HttpStatusCode.Created, header.Answer.Status);
        Assert.Equal(HttpStatusCode.OK, repeat.Answer.Status);
        Assert.Equal("feature_not_found", refused.Answer.ErrorCode);
        if (server.Name == "postgres")
        {
            // A warm event: one read (the sandbox's test clock, catalog version, key, subscription locked, counter, day,
            // account), one write batch, the commit.
            Assert.True(warm.Trips <= 3, $"warm event took {warm.Trips} round trips");
            // The body's idempotencyKey makes the header's record unnecessary: no extra round trip.
            Assert.True(header.Trips <= warm.Trips, $"with the header {header.Trips}, without {warm.Trips}");
        }
        // 1,000 included credits, 4 events of 1 credit accepted (the repeat counts once): 996 left.
        var sub = (await api.GetJson("/api/v1/subscriptions?customerId=rt").Ok()).AsArray()[0]!;
        Assert.Equal(996, sub["credits"]!["remaining"]!.GetValue<long>());
    }

    /// <summary>
    /// A lone event reads the sandbox's test clock in its one read, its keys named at the time the tenant's clock showed
    /// last. A clock that stayed (or moved within the day) keeps them; a clock moved to another day names another daily
    /// row, and the event is resolved afresh at the clock's time. Either way each event is at the clock's time and counts
    /// in the clock's window and day.
    /// </summary>
    [Fact]
    public async Task LoneEvents_OnATestClock_TakeTheClocksTime_WindowAndDay()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await CreditsPlan(api, "tick", "tk");
        // Far from the real time: another month, another day.
        var frozen = new DateTime(2027, 3, 10, 12, 30, 0, DateTimeKind.Utc);
        await api.SetClock(frozen);
        await api.Customer("tk1");
        var subscription = (await api.Subscribe("tk1", "tk")).Str("id");
        async Task<long> At(DateTime clock)
        {
            var (trips, answer) = await Measure(() => Track(api, "tk1", "tick"));
            Assert.Equal(HttpStatusCode.Created, answer.Status);
            Assert.Equal(clock, answer.Data["ts"]!.GetValue<DateTime>().ToUniversalTime());
            return trips;
        }

        await At(frozen);
        var warm = await At(frozen);
        var moved = frozen.AddSeconds(5);
        await api.SetClock(moved);
        var withinTheDay = await At(moved);
        var nextDay = frozen.AddDays(2);
        await api.SetClock(nextDay);
        var otherDay = await At(nextDay);
        output.WriteLine($"[{server.Name}] round trips of a lone event on a test clock: warm {warm}, clock moved within the day {withinTheDay}, to another day {otherDay}");
        if (server.Name == "postgres")
        {
            Assert.True(warm <= 3, $"warm event on a test clock took {warm} round trips");
        }

        await using var db = t.Db();
        var days = await db.UsageDaily.AsNoTracking().Where(d => d.SubscriptionId == subscription).OrderBy(d => d.Day).ToListAsync();
        Assert.Equal([(frozen.Date, 3m), (nextDay.Date, 1m)], days.Select(d => (d.Day, d.Quantity)));
        var counter = Assert.Single(await db.UsageCounters.AsNoTracking().Where(c => c.SubscriptionId == subscription).ToListAsync());
        Assert.Equal(4m, counter.Quantity);
        Assert.True(counter.WindowStart <= frozen && nextDay < counter.WindowStart.AddMonths(1), $"window {counter.WindowStart:O}");
        Assert.Equal(996, (await api.GetJson($"/api/v1/subscriptions/{subscription}").Ok())["credits"]!["remaining"]!.GetValue<long>());
    }

    [Fact]
    public async Task CachedResolution_FollowsPlanChanges_AndCancellation()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await CreditsPlan(api, "gen", "cc");
        await api.Customer("cc1");
        var id = (await api.Subscribe("cc1", "cc")).Str("id");
        async Task<long> Left() => (await api.GetJson($"/api/v1/subscriptions/{id}").Ok())["credits"]!["remaining"]!.GetValue<long>();

        await Track(api, "cc1", "gen").Ok(HttpStatusCode.Created);
        await Track(api, "cc1", "gen").Ok(HttpStatusCode.Created);
        Assert.Equal(998, await Left()); // 1,000 − 1 − 1

        // The plan now charges 5 credits a unit: the next event (resolution cached) must see it.
        await api.PutJson("/api/v1/plans/cc/features/gen", new { creditsPerUnit = 5 }).Ok();
        await Track(api, "cc1", "gen").Ok(HttpStatusCode.Created);
        Assert.Equal(993, await Left()); // 998 − 5

        await api.PutJson("/api/v1/plans/cc/features/gen", new { enabled = false }).Ok();
        Assert.Equal("feature_disabled", (await Track(api, "cc1", "gen")).ErrorCode);

        await api.PutJson("/api/v1/plans/cc/features/gen", new { enabled = true }).Ok();
        await Track(api, "cc1", "gen").Ok(HttpStatusCode.Created);
        await api.PostJson($"/api/v1/subscriptions/{id}/cancel", new { immediate = true }).Ok();
        Assert.Equal("no_active_subscription", (await Track(api, "cc1", "gen")).ErrorCode);
    }

    [Fact]
    public async Task Batch_WarmResolution_TakesFewerRoundTrips_AndFollowsPlanChangesAndCancellation()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await CreditsPlan(api, "gen", "bc");
        await api.Customer("bc1");
        await api.Customer("bc2");
        var id1 = (await api.Subscribe("bc1", "bc")).Str("id");
        var id2 = (await api.Subscribe("bc2", "bc")).Str("id");
        async Task<long> Left(string id) => (await api.GetJson($"/api/v1/subscriptions/{id}").Ok())["credits"]!["remaining"]!.GetValue<long>();
        var n = 0;
        Task<ApiResponse> Batch(params string[] customers) => api.PostJson("/api/v1/usage/events/batch",
            new { events = customers.Select(c => new { customerId = c, feature = "gen", value = 1, idempotencyKey = $"bk-{++n}" }).ToArray() });
        static bool[] Successes(System.Text.Json.Nodes.JsonNode answer) => answer["results"]!.AsArray().Select(r => r!["success"]!.GetValue<bool>()).ToArray();

        var cold = await Measure(() => Batch("bc1", "bc2", "bc1"));
        var warm = await Measure(() => Batch("bc1", "bc2", "bc1"));
        output.WriteLine($"[{server.Name}] round trips per batch of 3 events: resolved afresh {cold.Trips}, from the track cache {warm.Trips}");
        Assert.Equal(HttpStatusCode.OK, cold.Answer.Status);
        Assert.Equal(HttpStatusCode.OK, warm.Answer.Status);
        Assert.Equal([true, true, true], Successes(cold.Answer.Data));
        Assert.Equal([true, true, true], Successes(warm.Answer.Data));
        // The cached batch reads catalog version, subscriptions, counters, days and accounts in one command instead of
        // customers, subscriptions, plans, counters, days and accounts one query each (plus the catalog version read).
        // On SQLite that read is one command per statement (see TrackReads.ReadForGroupAsync), so it saves fewer: the cold
        // batch's customers, plans and catalog version reads. (Its new counters and daily rows are inserted with one
        // prepared statement per table, UsageWrites.WriteAsync, as the warm batch's changed rows are updated: the two
        // batches' writes cost the same, 3 round trips each; until the batch kept these rows out of EF Core's change
        // tracker, the cold batch's save inserted them one command per row, 2 more, which this bound used to count.)
        var saved = server.Name == "postgres" ? 4 : 2;
        Assert.True(warm.Trips + saved <= cold.Trips, $"warm batch {warm.Trips} round trips, cold {cold.Trips}");
        Assert.Equal(996, await Left(id1)); // 1,000 − 2 batches × 2 events × 1 credit
        Assert.Equal(998, await Left(id2)); // 1,000 − 2 batches × 1 event × 1 credit

        // The plan now charges 5 credits a unit: the cached resolutions are stale, the batch must see the new price.
        await api.PutJson("/api/v1/plans/bc/features/gen", new { creditsPerUnit = 5 }).Ok();
        var repriced = await Batch("bc1", "bc2").Ok();
        Assert.Equal([true, true], Successes(repriced));
        Assert.Equal(991, await Left(id1)); // 996 − 5
        Assert.Equal(993, await Left(id2)); // 998 − 5

        // bc2's subscription ends: its cached resolution no longer matches the locked row; bc2's event is refused, bc1's applied.
        await api.PostJson($"/api/v1/subscriptions/{id2}/cancel", new { immediate = true }).Ok();
        var after = await Batch("bc1", "bc2").Ok();
        Assert.Equal([true, false], Successes(after));
        Assert.Equal("no_active_subscription", after["results"]![1]!["error"]!.Str("code"));
        Assert.Equal(986, await Left(id1)); // 991 − 5
    }

    [Fact]
    public async Task CachedResolution_FollowsCustomerTimeZone()
    {
        // Pago Pago is UTC−11 and Kiritimati UTC+14: 25 hours apart, so at any instant their calendar dates differ and
        // an event counted in the wrong zone lands on another day's bucket.
        const string before = "Pacific/Pago_Pago", after = "Pacific/Kiritimati";
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await CreditsPlan(api, "tz", "tzp");
        await api.Customer("tz1");
        await api.PutJson("/api/v1/customers/tz1", new { timezone = before }).Ok();
        var subscriptionId = (await api.Subscribe("tz1", "tzp")).Str("id");

        // The first event resolves the customer and fills the cache; the second is answered from it.
        await Track(api, "tz1", "tz", "tz-1").Ok(HttpStatusCode.Created);
        await Track(api, "tz1", "tz", "tz-2").Ok(HttpStatusCode.Created);
        await api.PutJson("/api/v1/customers/tz1", new { timezone = after }).Ok();
        // The next event must count on the customer's day in the new zone at once, not when the cache entry ages out.
        await Track(api, "tz1", "tz", "tz-3").Ok(HttpStatusCode.Created);

        await using var db = t.Db();
        var events = await db.UsageEvents.AsNoTracking().Where(e => e.SubscriptionId == subscriptionId).ToDictionaryAsync(e => e.IdempotencyKey!);
        var expected = new Dictionary<DateTime, decimal>();
        foreach (var (key, zone) in new[] { ("tz-1", before), ("tz-2", before), ("tz-3", after) })
        {
            var day = UsageDays.Of(events[key].CreatedAt, zone);
            expected[day] = expected.GetValueOrDefault(day) + 1; // one unit per event
        }
        var last = events["tz-3"].CreatedAt;
        Assert.NotEqual(UsageDays.Of(last, before), UsageDays.Of(last, after));
        var daily = await db.UsageDaily.AsNoTracking().Where(d => d.SubscriptionId == subscriptionId)
            .ToDictionaryAsync(d => DateTime.SpecifyKind(d.Day, DateTimeKind.Utc), d => d.Quantity);
        Assert.Equal(expected.OrderBy(p => p.Key), daily.OrderBy(p => p.Key));
    }
}

public sealed class SpeedTests_Sqlite(SqliteServer server, ITestOutputHelper output) : SpeedTests<SqliteServer>(server, output);

public sealed class SpeedTests_Postgres(PostgresServer server, ITestOutputHelper output) : SpeedTests<PostgresServer>(server, output);
