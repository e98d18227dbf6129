using System.Text.Json.Nodes;
using Commet.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Commet.Server.Tests.Infrastructure.BillingApi;

namespace Commet.Server.Tests;

/// <summary>
/// Batches whose idempotency keys are already recorded (<c>POST /usage/events/batch</c>): a retried batch, a batch that
/// repeats some keys among new events, and the same batch sent several times at once (where the unique key index, not the
/// lookup before the transaction, is what stops the copies). Each recorded key answers its earlier event as a duplicate,
/// the new events are recorded once, and the credits are spent once, however the batches arrive.
/// </summary>
public abstract class BatchReplayTests<TServer>(TServer server) : IClassFixture<TServer>
    where TServer : ServerFixture
{
    /// <summary>A plan of 1,000 included credits, 3 credits per call; one subscribed customer.</summary>
    private static async Task<(HttpClient Api, string SubscriptionId)> ArrangeAsync(TestTenant t, string customer)
    {
        var api = t.Api;
        await api.PostJson("/api/v1/features/manage", new { code = "calls", name = "Calls", type = "usage" }).Ok();
        await api.PostJson("/api/v1/plans/manage", new { code = "cr", name = "Cr", consumptionModel = "credits" }).Ok();
        await api.PostJson("/api/v1/plans/cr/prices", new { billingInterval = "monthly", price = 900, includedCredits = 1000 }).Ok();
        await api.PostJson("/api/v1/plans/cr/features", new { featureId = "calls", creditsPerUnit = 3 }).Ok();
        await api.Customer(customer);
        var id = (await api.Subscribe(customer, "cr")).Str("id");
        return (api, id);
    }

    private static object Event(string customer, int value, string? key) => new { customerId = customer, feature = "calls", value, idempotencyKey = key };

    private static async Task<JsonArray> BatchAsync(HttpClient api, params object[] events) =>
        (await api.PostJson("/api/v1/usage/events/batch", new { events }).Ok())["results"]!.AsArray();

    private static async Task<long> RemainingAsync(HttpClient api, string subscriptionId) =>
        (await api.Subscription(subscriptionId))["credits"]!["remaining"]!.GetValue<long>();

    /// <summary>The subscription's usage events: how many rows, and the sum of their values.</summary>
    private static async Task<(int Rows, decimal Sum)> RecordedAsync(TestTenant t, string subscriptionId)
    {
        await using var db = t.Db();
        var values = await db.UsageEvents.AsNoTracking().Where(e => e.SubscriptionId == subscriptionId).Select(e => e.Value).ToListAsync();
        return (values.Count, values.Sum());
    }

    [Fact]
    public async Task ReplayedBatch_WithNewEventsMixedIn_AnswersTheEarlierEventsAndRecordsOnlyTheNewOnes()
    {
        var t = await server.NewTenantAsync();
        var (api, sub) = await ArrangeAsync(t, "rep");
        var first = await BatchAsync(api, Event("rep", 2, "k1"), Event("rep", 5, "k2"), Event("rep", 7, null));
        Assert.All(first, r => Assert.False(r!["event"]!["duplicate"]!.GetValue<bool>()));
        // 14 calls × 3 credits
        Assert.Equal(1000 - 42, await RemainingAsync(api, sub));

        // k2 and k1 again (in another order, with other values: the recorded event is the answer), one new keyed event,
        // and one without a key, which is always new.
        var second = await BatchAsync(api, Event("rep", 100, "k2"), Event("rep", 4, "k3"), Event("rep", 100, "k1"), Event("rep", 1, null));

        Assert.Equal([true, false, true, false], second.Select(r => r!["event"]!["duplicate"]!.GetValue<bool>()));
        Assert.Equal(first[1]!["event"]!.Str("id"), second[0]!["event"]!.Str("id"));
        Assert.Equal(5m, second[0]!["event"]!["value"]!.GetValue<decimal>());
        Assert.Equal(first[0]!["event"]!.Str("id"), second[2]!["event"]!.Str("id"));
        Assert.Equal(2m, second[2]!["event"]!["value"]!.GetValue<decimal>());
        // 14 + 4 + 1 = 19 calls; 57 credits
        Assert.Equal(1000 - 57, await RemainingAsync(api, sub));
        Assert.Equal((5, 19m), await RecordedAsync(t, sub));

        // The whole second batch once more: now every keyed event is a duplicate, and only the unkeyed one is new.
        var third = await BatchAsync(api, Event("rep", 100, "k2"), Event("rep", 4, "k3"), Event("rep", 100, "k1"), Event("rep", 1, null));
        Assert.Equal([true, true, true, false], third.Select(r => r!["event"]!["duplicate"]!.GetValue<bool>()));
        Assert.Equal(second[1]!["event"]!.Str("id"), third[1]!["event"]!.Str("id"));
        Assert.Equal(1000 - 60, await RemainingAsync(api, sub));
        Assert.Equal((6, 20m), await RecordedAsync(t, sub));
    }

    [Fact]
    public async Task SameBatchSentEightTimesAtOnce_RecordsEachEventOnceAndEveryAnswerNamesTheSameEvents()
    {
        var t = await server.NewTenantAsync();
        var (api, sub) = await ArrangeAsync(t, "con");
        var events = Enumerable.Range(0, 10).Select(i => Event("con", i + 1, $"c{i}")).ToArray();

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => BatchAsync(api, events)));

        // 1 + 2 + … + 10 = 55 calls, 165 credits, however the eight requests interleaved.
        Assert.Equal(1000 - 165, await RemainingAsync(api, sub));
        Assert.Equal((10, 55m), await RecordedAsync(t, sub));
        for (var i = 0; i < 10; i++)
        {
            var ids = answers.Select(a => a[i]!["event"]!.Str("id")).Distinct().ToList();
            Assert.Single(ids);
            Assert.Equal(1, answers.Count(a => !a[i]!["event"]!["duplicate"]!.GetValue<bool>()));
        }
    }
}

public sealed class BatchReplayTests_Sqlite(SqliteServer server) : BatchReplayTests<SqliteServer>(server);

public sealed class BatchReplayTests_Postgres(PostgresServer server) : BatchReplayTests<PostgresServer>(server);
