using System.Collections.Concurrent;
using System.Net;
using Commet.Server.Tests.Infrastructure;
using Xunit.Abstractions;
using static Commet.Server.Tests.Infrastructure.BillingApi;

namespace Commet.Server.Tests;

/// <summary>
/// Two server processes on one PostgreSQL database behind a round-robin reverse proxy, both running the billing engine
/// and webhook dispatch, under concurrent API, usage and portal load. Checked afterwards by SQL: nothing produced twice.
/// </summary>
[Collection(nameof(ReliabilityCollection))]
public sealed class MultiNodeTests(ITestOutputHelper output)
{
    private const string Key = "ck_test_multi_node_0000000000001";

    private static Dictionary<string, string> NodeEnvironment(string connectionString) => new()
    {
        ["COMMET_DATABASE_URL"] = connectionString,
        ["COMMET_BOOTSTRAP_SANDBOX_KEY"] = Key,
        ["Commet__Billing__Worker"] = "true",
        ["Commet__Billing__PollSeconds"] = "1",
        ["Commet__Webhooks__Dispatcher"] = "true",
        ["Commet__Webhooks__PollMilliseconds"] = "50",
        ["Commet__Portal__RedemptionsPerMinutePerIp"] = "100000",
        ["Commet__Portal__LinkRequestBurst"] = "100000",
        // The shared test machine can be slow enough for the 30-second request timeout (504) to fire; this suite checks
        // what is stored, not latency (the slowest answer is reported with the figures).
        ["Commet__Limits__RequestTimeoutSeconds"] = "300",
    };

    [Fact]
    public async Task TwoNodesBehindARoundRobinProxy_UnderLoad_ProduceNothingTwice_ShareSessionsKeysAndCatalog()
    {
        var scale = ReliabilityFigures.Scale;
        await using var database = await ScratchDatabase.CreateAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        // Both nodes start together on an empty database, as a fresh cluster would.
        var started = await Task.WhenAll(ServerProcess.StartAsync(NodeEnvironment(database.ConnectionString)), ServerProcess.StartAsync(NodeEnvironment(database.ConnectionString)));
        await using var nodeA = started[0];
        await using var nodeB = started[1];
        await using var proxy = await RoundRobinProxy.StartAsync(nodeA.BaseAddress, nodeB.BaseAddress);
        var tally = new LoadTally();
        using var api = proxy.Client(Key);
        using var a = nodeA.Client(Key);
        using var b = nodeB.Client(Key);

        // One Data Protection key for the cluster: what one node protects (webhook secrets, links, form tokens) the other reads.
        Assert.Equal(1L, await database.ScalarAsync("SELECT count(*) FROM data_protection_keys"));

        await api.SetClock(Utc(2027, 1, 10));
        var secret = (await api.PostJson("/api/v1/webhooks", new { url = receiver.Url.ToString(), events = new[] { "*" } }).Ok()).Str("secretKey");
        await api.PostJson("/api/v1/features/manage", new { code = "api", name = "Api", type = "usage" }).Ok();
        await api.PostJson("/api/v1/plans/manage", new { code = "cr", name = "Cr", consumptionModel = "credits" }).Ok();
        await api.PostJson("/api/v1/plans/cr/prices", new { billingInterval = "monthly", price = 2900, includedCredits = 1_000_000 }).Ok();
        await api.PostJson("/api/v1/plans/cr/features", new { featureId = "api", creditsPerUnit = 1 }).Ok();

        var customers = 24 * scale;
        var subscriptions = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(Enumerable.Range(0, customers), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) =>
        {
            await api.Customer($"m{i}");
            subscriptions.Add((await api.Subscribe($"m{i}", "cr")).Str("id"));
        });

        // The load: usage events (each sent twice with one idempotency key, so the two copies usually land on different
        // nodes), portal sessions opened on node A and continued on node B, and the renewal of every subscription falling
        // due while both background engines and two explicit runs race for it.
        var acknowledged = new ConcurrentDictionary<string, byte>();
        var eventsPerWorker = 40 * scale;
        var usage = Task.WhenAll(Enumerable.Range(0, 8).Select(async w =>
        {
            await Task.Yield();
            for (var i = 0; i < eventsPerWorker; i++)
            {
                var key = $"mn-{w}-{i}";
                var body = new { customerId = $"m{(w * 7 + i) % customers}", feature = "api", value = 1, idempotencyKey = key };
                var answers = await Task.WhenAll(tally.SendAsync(() => api.PostJson("/api/v1/usage/events", body)), tally.SendAsync(() => api.PostJson("/api/v1/usage/events", body)));
                if (answers.Any(x => x?.Status is HttpStatusCode.Created or HttpStatusCode.OK))
                {
                    acknowledged[key] = 0;
                }
            }
        }));
        var portalContinued = 0;
        var portal = Task.Run(async () =>
        {
            for (var i = 0; i < 4 * scale; i++)
            {
                if (await PortalContinuesOnTheOtherNode(api, nodeA, nodeB, $"m{i % customers}", i))
                {
                    Interlocked.Increment(ref portalContinued);
                }
            }
        });
        await api.SetClock(Utc(2027, 2, 10));
        var runs = await Task.WhenAll(tally.SendAsync(() => a.PostJson("/api/v1/test-clock/process-billing", new { })),
            tally.SendAsync(() => b.PostJson("/api/v1/test-clock/process-billing", new { })));
        await Task.WhenAll(usage, portal);
        Assert.True(runs.All(r => r!.Status == HttpStatusCode.OK),
            string.Join("\n", runs.Select(r => r!.ToString())) + "\n" + ServerProcess.Unhandled(nodeA.Output + nodeB.Output));

        // Catalog changed through node A is seen by node B at once: B's track cache is warm with 1 credit a unit, A makes
        // it 10, and B's very next event spends 10. 1,000 included − 1 × 1 − 1 × 10 = 989 left.
        await api.PostJson("/api/v1/plans/manage", new { code = "cat", name = "Cat", consumptionModel = "credits" }).Ok();
        await api.PostJson("/api/v1/plans/cat/prices", new { billingInterval = "monthly", price = 900, includedCredits = 1000 }).Ok();
        await api.PostJson("/api/v1/plans/cat/features", new { featureId = "api", creditsPerUnit = 1 }).Ok();
        await api.Customer("cat");
        var catSubscription = (await api.Subscribe("cat", "cat")).Str("id");
        await b.PostJson("/api/v1/usage/events", new { customerId = "cat", feature = "api", value = 1 }).Ok(HttpStatusCode.Created);
        await a.PutJson("/api/v1/plans/cat/features/api", new { creditsPerUnit = 10 }).Ok();
        await b.PostJson("/api/v1/usage/events", new { customerId = "cat", feature = "api", value = 1 }).Ok(HttpStatusCode.Created);
        Assert.Equal(989L, await database.ScalarAsync(
            $"SELECT \"PlanAmount\" + \"PurchasedAmount\" FROM consumption_accounts WHERE \"SubscriptionId\" = '{catSubscription}' AND \"Kind\" = 'credits'"));

        // Every renewal is in (both engines keep polling), and every event has been delivered.
        await Until(async () => await database.ScalarAsync($"SELECT count(*) FROM invoices WHERE \"PeriodStart\" = '2027-02-10T00:00:00Z' AND \"SubscriptionId\" IN ({List(subscriptions)})") == customers,
            "every subscription renewed");
        var events = await database.ScalarAsync("SELECT count(*) FROM events");
        await Until(async () => await database.ScalarAsync("SELECT count(*) FROM webhook_deliveries WHERE \"Status\" = 'succeeded'") == events
            && receiver.Received.Select(r => r.Id).Distinct().Count() == events, "every event delivered");
        events = await database.ScalarAsync("SELECT count(*) FROM events");

        // Nothing twice, checked by SQL.
        var subs = List(subscriptions);
        var duplicates = new Dictionary<string, long>
        {
            ["invoices per subscription and period"] = await database.ScalarAsync(
                "SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) n FROM invoices GROUP BY \"SubscriptionId\", \"PeriodStart\", \"Type\") x WHERE n > 1"),
            ["invoice numbers"] = await database.ScalarAsync("SELECT count(*) - count(DISTINCT \"Number\") FROM invoices"),
            ["charges per invoice"] = await database.ScalarAsync(
                "SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) n FROM transactions WHERE \"Status\" = 'succeeded' AND \"InvoiceId\" IS NOT NULL GROUP BY \"InvoiceId\") x WHERE n > 1"),
            ["ledger entries"] = await database.ScalarAsync(
                "SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) n FROM ledger_entries WHERE \"Reference\" IS NOT NULL GROUP BY \"SubscriptionId\", \"Reason\", \"Bucket\", \"Reference\") x WHERE n > 1"),
            ["usage events"] = await database.ScalarAsync("SELECT count(*) - count(DISTINCT \"IdempotencyKey\") FROM usage_events WHERE \"IdempotencyKey\" LIKE 'mn-%'"),
            ["webhook deliveries"] = await database.ScalarAsync(
                "SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) n FROM webhook_deliveries GROUP BY \"EndpointId\", \"EventId\") x WHERE n > 1"),
            ["webhooks received"] = receiver.Received.Count - receiver.Received.Select(r => r.Id).Distinct().Count(),
        };
        var invoiceCount = await database.ScalarAsync("SELECT count(*) FROM invoices");
        var numbered = await database.ScalarAsync("SELECT count(*) FROM invoices WHERE \"Number\" ~ '^INV-[0-9]+$' AND substring(\"Number\" from 5)::int BETWEEN 1 AND (SELECT count(*) FROM invoices)");
        var storedEvents = await database.ScalarAsync("SELECT count(*) FROM usage_events WHERE \"IdempotencyKey\" LIKE 'mn-%'");
        var counted = await database.ScalarAsync($"SELECT coalesce(sum(\"Quantity\"), 0)::bigint FROM usage_counters WHERE \"SubscriptionId\" IN ({subs})");
        var spent = await database.ScalarAsync($"SELECT -coalesce(sum(\"Amount\"), 0) FROM ledger_entries WHERE \"Reason\" = 'usage' AND \"SubscriptionId\" IN ({subs})");

        await ReliabilityFigures.WriteAsync(output, "multi-node (2 nodes, round-robin proxy, PostgreSQL)",
        [
            ("requests sent", tally.Requests + proxy.Unreachable), ("5xx seen", tally.ServerErrors + tally.Unavailable), ("faults injected", 0),
            ("usage events acknowledged", acknowledged.Count), ("renewals", customers), ("webhooks delivered", events),
            ("portal sessions continued on the other node", portalContinued), ("slowest answer ms", tally.SlowestMs),
            ("duplicates found", duplicates.Values.Sum()),
        ]);
        Assert.True(tally.ServerErrors + tally.Unavailable == 0, string.Join("\n", tally.Problems) + "\n" + ServerProcess.Unhandled(nodeA.Output + nodeB.Output));
        Assert.All(duplicates, d => Assert.True(d.Value == 0, $"{d.Value} duplicate {d.Key}"));
        Assert.Equal(invoiceCount, numbered); // INV-000001 .. INV-<count>, each once: unique and without gaps
        Assert.Equal(8 * eventsPerWorker, acknowledged.Count);
        Assert.Equal((long)acknowledged.Count, storedEvents);
        Assert.Equal(storedEvents, counted); // each event is 1 unit …
        Assert.Equal(storedEvents, spent); // … and spent 1 credit, once
        Assert.Equal(4 * scale, portalContinued);
        Assert.All(receiver.Received, r => Assert.True(WebhookVerify.Both(r, secret)));
        Assert.DoesNotContain("Unhandled", nodeA.Output + nodeB.Output, StringComparison.Ordinal);
    }

    /// <summary>
    /// Opens a portal link on node A, then loads the billing-details page on node B with A's cookie, and posts the
    /// form on B with the antiforgery token A rendered: a session and a form token made by one node work on the other.
    /// </summary>
    private static async Task<bool> PortalContinuesOnTheOtherNode(HttpClient api, ServerProcess nodeA, ServerProcess nodeB, string customerId, int n)
    {
        var link = new Uri(await PortalClient.LinkAsync(api, customerId));
        using var onA = new PortalClient(nodeA.BaseAddress);
        var opened = await onA.GetAsync(link.PathAndQuery);
        if (opened.Status != HttpStatusCode.Found)
        {
            throw new Xunit.Sdk.XunitException($"Opening the portal link on node A failed: {opened}");
        }
        var form = await onA.GetAsync("/portal/billing-details");
        Assert.Equal(HttpStatusCode.OK, form.Status);
        var token = PortalClient.Token(form.Html);
        using var onB = new PortalClient(nodeB.BaseAddress);
        onB.Cookies.Add(onA.Cookies.GetAllCookies());
        var page = await onB.GetAsync("/portal/billing-details");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        var saved = await onB.PostAsync("/portal/billing-details", new Dictionary<string, string?>
        {
            ["FullName"] = $"Name {n}", ["Email"] = $"{customerId}@example.com", ["Line1"] = "Calle Mayor 1", ["City"] = "Madrid",
            ["PostalCode"] = "28013", ["Country"] = "ES",
        }, token);
        return saved.Status == HttpStatusCode.Found && saved.Location == "/portal/billing-details?m=details_saved";
    }

    private static string List(IEnumerable<string> ids) => string.Join(", ", ids.Select(id => $"'{id}'"));

    /// <summary>
    /// Polls <paramref name="count"/> until <paramref name="done"/> holds for it, for as long as the count keeps moving:
    /// the test fails when it has not changed for <paramref name="stalled"/> (a minute unless given). A big run on a slow
    /// machine is waited for; a run that stopped fails with its last count instead of hanging. Returns the final count.
    /// </summary>
    internal static async Task<long> UntilCount(Func<Task<long>> count, Func<long, bool> done, string what, TimeSpan? stalled = null)
    {
        var limit = stalled ?? TimeSpan.FromMinutes(1);
        var last = long.MinValue;
        var movedAt = DateTime.UtcNow;
        while (true)
        {
            var n = await count();
            if (done(n))
            {
                return n;
            }
            if (n != last)
            {
                last = n;
                movedAt = DateTime.UtcNow;
            }
            Assert.True(DateTime.UtcNow - movedAt < limit, $"Stalled waiting for {what}: the count stayed at {n} for {limit.TotalSeconds:0} s");
            await Task.Delay(100);
        }
    }

    /// <summary>Polls <paramref name="condition"/> until it holds (two minutes at most, unless <paramref name="limit"/> says).</summary>
    internal static async Task Until(Func<Task<bool>> condition, string what, TimeSpan? limit = null)
    {
        var deadline = DateTime.UtcNow + (limit ?? TimeSpan.FromMinutes(2));
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for: {what}");
            await Task.Delay(100);
        }
    }
}
