using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Commet.Server.Tests.Infrastructure;
using Xunit.Abstractions;
using static Commet.Server.Tests.Infrastructure.BillingApi;

namespace Commet.Server.Tests;

/// <summary>
/// Faults on PostgreSQL: a node killed with SIGKILL in the middle of a billing run and of a usage burst, then started
/// again; and the database itself stopped and started under load.
/// </summary>
[Collection(nameof(ReliabilityCollection))]
public sealed class CrashTests(ITestOutputHelper output)
{
    private const string Key = "ck_test_crash_suite_000000000001";

    private static Dictionary<string, string> NodeEnvironment(string connectionString, bool worker) => new()
    {
        ["COMMET_DATABASE_URL"] = connectionString,
        ["COMMET_BOOTSTRAP_SANDBOX_KEY"] = Key,
        ["Commet__Billing__Worker"] = worker ? "true" : "false",
        ["Commet__Billing__PollSeconds"] = "1",
        // Claims of a killed node run out after 3 s instead of 5 minutes, so the test need not wait that long.
        ["Commet__Billing__LeaseSeconds"] = "3",
        ["Commet__Webhooks__Dispatcher"] = "false",
        ["Commet__Limits__RequestTimeoutSeconds"] = "300",
    };

    [Fact]
    public async Task NodeKilledMidBillingRun_RestartBillsEveryDueSubscriptionOnce_NumbersGapFree()
    {
        // 10,000 at scale 1 (CI): about 40 s of renewals on a quiet machine; COMMET_RELIABILITY_SCALE multiplies it.
        var count = 10_000 * ReliabilityFigures.Scale;
        await using var database = await ScratchDatabase.CreateAsync();
        // Killed on purpose below; the using kills it too if the test fails before that, so no server outlives the test.
        await using var first = await ServerProcess.StartAsync(NodeEnvironment(database.ConnectionString, worker: false));
        using var api = first.Client(Key);
        api.Timeout = Timeout.InfiniteTimeSpan;
        await api.SetClock(Utc(2027, 1, 10));
        await api.Plan("basic", 4900);
        var customerId = await api.Customer("tpl");
        await api.Subscribe("tpl", "basic");
        // count − 1 more customers, each with the card and subscription of the first, copied in SQL (through the API this
        // would take minutes): all fall due together on 10 February.
        var copies = count - 1;
        await database.CloneAsync("customers", $"t.\"Id\" = '{customerId}'", copies, new Dictionary<string, string>
        {
            ["Id"] = "t.\"Id\" || '_' || g", ["ExternalId"] = "'tpl_' || g", ["Email"] = "'tpl' || g || '@example.com'",
        });
        await database.CloneAsync("payment_methods", $"t.\"CustomerId\" = '{customerId}'", copies, new Dictionary<string, string>
        {
            ["Id"] = "t.\"Id\" || '_' || g", ["CustomerId"] = "t.\"CustomerId\" || '_' || g", ["ProviderReference"] = "t.\"ProviderReference\" || '_' || g",
        });
        await database.CloneAsync("subscriptions", $"t.\"CustomerId\" = '{customerId}'", copies, new Dictionary<string, string>
        {
            ["Id"] = "t.\"Id\" || '_' || g", ["CustomerId"] = "t.\"CustomerId\" || '_' || g",
        });
        Assert.Equal((long)count, await database.ScalarAsync("SELECT count(*) FROM subscriptions WHERE \"Status\" = 'active'"));

        // As in production, the renewal notices go out on their own day (7 February, three days ahead), in a run of their
        // own; the run killed below is the renewal run of 10 February, where each subscription has one step due.
        await api.SetClock(Utc(2027, 2, 8));
        await api.ProcessBilling();
        Assert.Equal((long)count, await database.ScalarAsync(
            "SELECT count(*) FROM subscriptions WHERE \"UpcomingSentFor\" = '2027-02-10T00:00:00Z' AND \"NextActionAt\" = '2027-02-10T00:00:00Z' AND \"LeaseOwner\" IS NULL"));
        await api.SetClock(Utc(2027, 2, 10));
        const string Renewals = "SELECT count(*) FROM invoices WHERE \"PeriodStart\" = '2027-02-10T00:00:00Z'";
        var run = api.PostJson("/api/v1/test-clock/process-billing", new { });
        // SIGKILL once a fifth of the run (and half a chunk of 100) is committed: chunks are mid-transaction, claims are
        // held. Not a whole fifth: at 10,000 that is exactly the engine's first page of 2,000, a quiet moment between pages.
        var clock = Stopwatch.StartNew();
        // Waited for as long as renewals keep coming (any size, any machine); a minute without one fails the test.
        await MultiNodeTests.UntilCount(async () => run.IsCompleted ? count : await database.ScalarAsync(Renewals), n => n >= count / 5 + 50, "a fifth of the renewals");
        await first.DisposeAsync();
        var beforeKill = await database.ScalarAsync(Renewals);
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => run.WaitAsync(TimeSpan.FromMinutes(1)));
        Assert.True(beforeKill < count, "the run finished before the kill");
        var killedAt = clock.Elapsed;

        // Two nodes take over (their engines poll each second); the dead node's claims run out after 3 s.
        await using var again = await ServerProcess.StartAsync(NodeEnvironment(database.ConnectionString, worker: true));
        await using var other = await ServerProcess.StartAsync(NodeEnvironment(database.ConnectionString, worker: true));
        const string Pending = "SELECT count(*) FROM subscriptions WHERE \"NextActionAt\" <= '2027-02-10T00:00:00Z' OR \"LeaseOwner\" IS NOT NULL";
        // Progress is renewals made and claims let go; done when every subscription is renewed and none is due or claimed.
        await MultiNodeTests.UntilCount(async () => await database.ScalarAsync(Renewals) - await database.ScalarAsync(Pending), n => n == count,
            "every renewal after the restart, and no claim left");
        var took = clock.Elapsed;

        var duplicates = new Dictionary<string, long>
        {
            ["renewal invoices"] = await database.ScalarAsync(
                "SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) n FROM invoices GROUP BY \"SubscriptionId\", \"PeriodStart\", \"Type\") x WHERE n > 1"),
            ["invoice numbers"] = await database.ScalarAsync("SELECT count(*) - count(DISTINCT \"Number\") FROM invoices"),
            ["charges"] = await database.ScalarAsync(
                "SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) n FROM transactions WHERE \"InvoiceId\" IS NOT NULL GROUP BY \"InvoiceId\") x WHERE n > 1"),
        };
        var invoices = await database.ScalarAsync("SELECT count(*) FROM invoices");
        var inRange = await database.ScalarAsync(
            "SELECT count(*) FROM invoices WHERE \"Number\" ~ '^INV-[0-9]+$' AND substring(\"Number\" from 5)::int BETWEEN 1 AND (SELECT count(*) FROM invoices)");
        var charged = await database.ScalarAsync($"SELECT coalesce(sum(\"Amount\"), 0) FROM transactions WHERE \"Status\" = 'succeeded' AND \"InvoiceId\" IN (SELECT \"Id\" FROM invoices WHERE \"PeriodStart\" = '2027-02-10T00:00:00Z')");
        var renewed = await database.ScalarAsync("SELECT count(DISTINCT \"SubscriptionId\") FROM invoices WHERE \"PeriodStart\" = '2027-02-10T00:00:00Z'");

        await ReliabilityFigures.WriteAsync(output, "crash: SIGKILL mid billing run (PostgreSQL)",
        [
            ("subscriptions due", count), ("renewed before the kill", beforeKill), ("faults injected", 1), ("5xx seen", 0),
            ("duplicates found", duplicates.Values.Sum()),
            ("seconds from the run's start to the kill", killedAt.TotalSeconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)),
            ("seconds from the run's start to all renewed", took.TotalSeconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)),
        ]);
        Assert.All(duplicates, d => Assert.True(d.Value == 0, $"{d.Value} duplicate {d.Key}"));
        Assert.Equal((long)count, renewed);
        Assert.Equal(count + 1L, invoices); // the first subscription's opening invoice + one renewal each
        Assert.Equal(invoices, inRange); // INV-000001 .. INV-<count + 1>, each once: unique and gap-free
        Assert.Equal(count * 4900L, charged); // one $49.00 charge per renewal
        Assert.DoesNotContain("Unhandled", again.Output + other.Output, StringComparison.Ordinal);
    }

    /// <summary>
    /// Regression: a subscription billed step by step (here its notice went out in a chunk, then its renewal ran alone)
    /// had its claim released by a separate UPDATE after the renewal's commit. A node killed between the two left a
    /// claim on a subscription that was done, which nothing ever cleared: the 10,000-subscription crash run waited
    /// for "no claim left" forever. The step that finishes a subscription now ends the claim in the same commit.
    /// </summary>
    [Fact]
    public async Task EngineStepThatFinishesASubscription_EndsItsClaimInTheSameCommit()
    {
        await using var database = await ScratchDatabase.CreateAsync();
        await using var node = await ServerProcess.StartAsync(NodeEnvironment(database.ConnectionString, worker: false));
        // Every change to a subscription row, with the transaction that made it.
        await database.ExecuteAsync("""
            CREATE TABLE lease_log (tx bigint, id text, due_before timestamptz, due_after timestamptz, owner_after text);
            CREATE FUNCTION log_lease() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              INSERT INTO lease_log VALUES (txid_current(), NEW."Id", OLD."NextActionAt", NEW."NextActionAt", NEW."LeaseOwner");
              RETURN NEW;
            END $$;
            CREATE TRIGGER lease_log AFTER UPDATE ON subscriptions FOR EACH ROW EXECUTE FUNCTION log_lease();
            """);
        using var api = node.Client(Key);
        await api.SetClock(Utc(2027, 1, 10));
        await api.Plan("basic", 4900);
        const int Subscriptions = 6;
        for (var i = 0; i < Subscriptions; i++)
        {
            await api.Customer($"lease{i}");
            await api.Subscribe($"lease{i}", "basic");
        }

        // On 10 February both the notice (7 February) and the renewal are due.
        await api.SetClock(Utc(2027, 2, 10));
        var run = await api.ProcessBilling();
        Assert.Equal(Subscriptions, run["invoicesCreated"]!.GetValue<int>());

        const string Renewing = "due_before <= '2027-02-10T00:00:00Z' AND due_after > '2027-02-10T00:00:00Z'";
        Assert.Equal(Subscriptions, await database.ScalarAsync($"SELECT count(DISTINCT id) FROM lease_log WHERE {Renewing}"));
        // The transaction that renewed each one (moved its next step past 10 February) also let go of its claim.
        Assert.Equal(0L, await database.ScalarAsync($"""
            SELECT count(*) FROM lease_log l WHERE {Renewing}
              AND NOT EXISTS (SELECT 1 FROM lease_log r WHERE r.tx = l.tx AND r.id = l.id AND r.owner_after IS NULL)
            """));
        Assert.Equal(0L, await database.ScalarAsync("SELECT count(*) FROM subscriptions WHERE \"LeaseOwner\" IS NOT NULL"));
    }

    [Fact]
    public async Task NodeKilledMidUsageBurst_NoAcknowledgedEventLost_CountersEqualEventsEqualLedger()
    {
        var scale = ReliabilityFigures.Scale;
        await using var database = await ScratchDatabase.CreateAsync();
        // Killed on purpose below; the using kills it too if the test fails before that (the workers then stop).
        await using var first = await ServerProcess.StartAsync(NodeEnvironment(database.ConnectionString, worker: false));
        using var api = first.Client(Key);
        await api.PostJson("/api/v1/features/manage", new { code = "api", name = "Api", type = "usage" }).Ok();
        await api.PostJson("/api/v1/plans/manage", new { code = "cr", name = "Cr", consumptionModel = "credits" }).Ok();
        await api.PostJson("/api/v1/plans/cr/prices", new { billingInterval = "monthly", price = 2900, includedCredits = 10_000_000 }).Ok();
        await api.PostJson("/api/v1/plans/cr/features", new { featureId = "api", creditsPerUnit = 1 }).Ok();
        const int Customers = 8;
        var subscriptions = new List<string>();
        for (var c = 0; c < Customers; c++)
        {
            await api.Customer($"u{c}");
            subscriptions.Add((await api.Subscribe($"u{c}", "cr")).Str("id"));
        }

        // 8 workers send events (each with its own idempotency key) until the node dies under them; the client keeps
        // what was acknowledged (201) and what was in flight or refused when the connection broke.
        var tally = new LoadTally();
        var acknowledged = new ConcurrentDictionary<string, int>();
        var unanswered = new ConcurrentDictionary<string, int>();
        var killAt = 400 * scale;
        var killed = new TaskCompletionSource();
        var workers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            using var client = first.Client(Key);
            for (var i = 0; ; i++)
            {
                var key = $"burst-{w}-{i}";
                var value = 1 + (i % 3); // 1, 2 or 3 units
                var answer = await tally.SendAsync(() => client.PostJson("/api/v1/usage/events", new { customerId = $"u{w}", feature = "api", value, idempotencyKey = key }));
                if (answer?.Status == HttpStatusCode.Created)
                {
                    acknowledged[key] = value;
                    if (acknowledged.Count >= killAt)
                    {
                        killed.TrySetResult();
                    }
                }
                else
                {
                    unanswered[key] = value;
                    if (answer is null)
                    {
                        return; // the node is gone
                    }
                }
            }
        })).ToArray();
        await killed.Task.WaitAsync(TimeSpan.FromMinutes(2));
        await first.DisposeAsync(); // SIGKILL with requests in flight
        await Task.WhenAll(workers);
        var acknowledgedAtKill = acknowledged.Count;

        // Restarted: the client retries what was unanswered (same idempotency keys) and, to be sure a repeat counts
        // once, also every 10th acknowledged one.
        await using var again = await ServerProcess.StartAsync(NodeEnvironment(database.ConnectionString, worker: false));
        using var retry = again.Client(Key);
        var retried = unanswered.Concat(acknowledged.Where(k => int.Parse(k.Key.Split('-')[2], System.Globalization.CultureInfo.InvariantCulture) % 10 == 0)).ToList();
        var repeats = 0;
        foreach (var (key, value) in retried)
        {
            var w = key.Split('-')[1];
            var answer = (await tally.SendAsync(() => retry.PostJson("/api/v1/usage/events", new { customerId = $"u{w}", feature = "api", value, idempotencyKey = key })))!;
            Assert.True(answer.Status is HttpStatusCode.Created or HttpStatusCode.OK, answer.ToString());
            repeats += answer.Status == HttpStatusCode.OK ? 1 : 0;
            acknowledged[key] = value;
        }

        var subs = string.Join(", ", subscriptions.Select(id => $"'{id}'"));
        var lost = 0;
        foreach (var chunk in acknowledged.Keys.Chunk(500))
        {
            var stored = await database.ScalarAsync($"SELECT count(*) FROM usage_events WHERE \"IdempotencyKey\" IN ({string.Join(", ", chunk.Select(k => $"'{k}'"))})");
            lost += chunk.Length - (int)stored;
        }
        var events = await database.ScalarAsync("SELECT count(*) FROM usage_events WHERE \"IdempotencyKey\" LIKE 'burst-%'");
        var units = await database.ScalarAsync("SELECT coalesce(sum(\"Value\"), 0)::bigint FROM usage_events WHERE \"IdempotencyKey\" LIKE 'burst-%'");
        var counted = await database.ScalarAsync($"SELECT coalesce(sum(\"Quantity\"), 0)::bigint FROM usage_counters WHERE \"SubscriptionId\" IN ({subs})");
        var spent = await database.ScalarAsync($"SELECT -coalesce(sum(\"Amount\"), 0) FROM ledger_entries WHERE \"Reason\" = 'usage' AND \"SubscriptionId\" IN ({subs})");
        var left = await database.ScalarAsync($"SELECT coalesce(sum(\"PlanAmount\" + \"PurchasedAmount\"), 0) FROM consumption_accounts WHERE \"Kind\" = 'credits' AND \"SubscriptionId\" IN ({subs})");
        var expectedUnits = acknowledged.Values.Sum(v => (long)v);

        await ReliabilityFigures.WriteAsync(output, "crash: SIGKILL mid usage burst (PostgreSQL)",
        [
            ("requests sent", tally.Requests), ("acknowledged before the kill", acknowledgedAtKill), ("unanswered at the kill", unanswered.Count),
            ("retried after restart", retried.Count), ("answered as repeats", repeats), ("faults injected", 1),
            ("5xx seen", tally.ServerErrors + tally.Unavailable), ("acknowledged writes lost", lost), ("duplicates found", events - acknowledged.Count),
        ]);
        Assert.Equal(0, lost);
        Assert.Equal((long)acknowledged.Count, events); // every acknowledged event once, nothing else
        Assert.Equal(expectedUnits, units);
        Assert.Equal(units, counted); // counters = events
        Assert.Equal(units, spent); // = ledger (1 credit a unit)
        Assert.Equal(Customers * 10_000_000L - units, left);
        Assert.True(tally.ServerErrors == 0, string.Join("\n", tally.Problems));
    }

    [Fact]
    public async Task PostgresRestartedUnderLoad_Answers503WithRetryAfter_ReadyzSaysSo_AndRecoversByItself()
    {
        await using var postgres = await PrivatePostgres.StartAsync();
        await using var database = await ScratchDatabase.CreateAsync(postgres.ConnectionString);
        var environment = NodeEnvironment(database.ConnectionString, worker: true);
        await using var node = await ServerProcess.StartAsync(environment);
        using var api = node.Client(Key);
        api.Timeout = TimeSpan.FromSeconds(30); // a hang fails the test (TaskCanceledException)
        using var probe = new HttpClient { BaseAddress = node.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        await api.PostJson("/api/v1/features/manage", new { code = "api", name = "Api", type = "usage" }).Ok();
        await api.PostJson("/api/v1/plans/manage", new { code = "cr", name = "Cr", consumptionModel = "credits" }).Ok();
        await api.PostJson("/api/v1/plans/cr/prices", new { billingInterval = "monthly", price = 2900, includedCredits = 10_000_000 }).Ok();
        await api.PostJson("/api/v1/plans/cr/features", new { featureId = "api", creditsPerUnit = 1 }).Ok();
        await api.Customer("pg");
        await api.Subscribe("pg", "cr");
        // A customer's portal session, opened before the fault; its pages read the database.
        using var browser = new PortalClient(node.BaseAddress);
        Assert.Equal(HttpStatusCode.Found, (await browser.GetAsync(new Uri(await PortalClient.LinkAsync(api, "pg")).PathAndQuery)).Status);
        using var portal = new HttpClient(new HttpClientHandler { CookieContainer = browser.Cookies, AllowAutoRedirect = false })
        {
            BaseAddress = node.BaseAddress, Timeout = TimeSpan.FromSeconds(30),
        };

        // Load on 4 workers (usage events, customer reads, a portal page) the whole time.
        var tally = new LoadTally();
        var acknowledged = new ConcurrentDictionary<string, byte>();
        using var stop = new CancellationTokenSource();
        var sequence = 0;
        var load = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var n = Interlocked.Increment(ref sequence);
                var key = $"pg-{n}";
                var answer = (n % 3) switch
                {
                    0 => await tally.SendAsync(() => api.GetJson("/api/v1/customers/pg")),
                    _ => await tally.SendAsync(() => api.PostJson("/api/v1/usage/events", new { customerId = "pg", feature = "api", value = 1, idempotencyKey = key })),
                };
                if (answer is null)
                {
                    throw new Xunit.Sdk.XunitException("The server stopped answering.");
                }
                if (answer.Status == HttpStatusCode.Created)
                {
                    acknowledged[key] = 0;
                }
                if (answer.Status == HttpStatusCode.ServiceUnavailable)
                {
                    await Task.Delay(50); // a client backs off (the header says 2 s; the test keeps probing faster)
                }
            }
        })).ToArray();

        await MultiNodeTests.Until(() => Task.FromResult(acknowledged.Count >= 50), "writes before the fault");
        await postgres.StopServerAsync();
        var down = tally.Unavailable;
        await MultiNodeTests.Until(() => Task.FromResult(tally.Unavailable >= down + 20 || tally.ServerErrors > 0), "503 answers while the database is down");
        var ready = await probe.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.NotNull(ready.Headers.RetryAfter);
        var portalWhileDown = await portal.GetAsync("/portal");
        var downFor = Stopwatch.StartNew();

        await postgres.StartServerAsync();
        await MultiNodeTests.Until(async () => (await probe.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK, "/readyz after the restart");
        var recoveredIn = downFor.Elapsed;
        var acknowledgedAtRecovery = acknowledged.Count;
        await MultiNodeTests.Until(() => Task.FromResult(acknowledged.Count >= acknowledgedAtRecovery + 50), "writes after the restart");
        var unavailableAfterRecovery = tally.Unavailable;
        await MultiNodeTests.Until(() => Task.FromResult(acknowledged.Count >= acknowledgedAtRecovery + 100), "more writes after the restart");
        await stop.CancelAsync();
        await Task.WhenAll(load);

        var stored = await database.ScalarAsync("SELECT count(*) FROM usage_events WHERE \"IdempotencyKey\" LIKE 'pg-%'");
        var lost = acknowledged.Keys.Count - (int)await database.ScalarAsync(
            $"SELECT count(*) FROM usage_events WHERE \"IdempotencyKey\" IN ({string.Join(", ", acknowledged.Keys.Select(k => $"'{k}'"))})");
        await ReliabilityFigures.WriteAsync(output, "crash: PostgreSQL stopped and started under load",
        [
            ("requests sent", tally.Requests), ("faults injected", 1), ("503 with Retry-After", tally.Unavailable),
            ("other 5xx seen", tally.ServerErrors), ("slowest answer ms", tally.SlowestMs),
            ("seconds from restart to ready", recoveredIn.TotalSeconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)),
            ("503 after ready", tally.Unavailable - unavailableAfterRecovery), ("acknowledged writes lost", lost), ("duplicates found", stored - acknowledged.Count),
        ]);
        Assert.True(tally.ServerErrors == 0, string.Join("\n", tally.Problems));
        Assert.Equal(0L, tally.Failures);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, portalWhileDown.StatusCode);
        Assert.NotNull(portalWhileDown.Headers.RetryAfter);
        Assert.Equal(0, lost);
        Assert.Equal((long)acknowledged.Count, stored);
        Assert.DoesNotContain("Unhandled", node.Output, StringComparison.Ordinal);
    }
}
