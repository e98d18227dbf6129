using Commet.Domain.Billing;
using Commet.Server.Persistence;
using Commet.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using static Commet.Server.Tests.Infrastructure.BillingApi;

namespace Commet.Server.Tests;

/// <summary>Two server processes against one PostgreSQL database, both running the billing engine.</summary>
public sealed class TwoNodeTests : IAsyncLifetime
{
    private const string Key = "ck_test_two_nodes_000000000000001";
    private readonly string database = "commet_two_" + Guid.NewGuid().ToString("N")[..10];
    private string connectionString = "";

    public async Task InitializeAsync()
    {
        await using var admin = new NpgsqlConnection(PostgresServer.AdminConnectionString);
        await admin.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", admin);
        await create.ExecuteNonQueryAsync();
        connectionString = new NpgsqlConnectionStringBuilder(PostgresServer.AdminConnectionString) { Database = database }.ToString();
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(PostgresServer.AdminConnectionString);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task TwoServerProcesses_RenewEachSubscriptionOnce()
    {
        var environment = new Dictionary<string, string>
        {
            ["COMMET_DATABASE_URL"] = connectionString,
            ["COMMET_BOOTSTRAP_SANDBOX_KEY"] = Key,
            ["Commet__Billing__Worker"] = "true",
            ["Commet__Billing__PollSeconds"] = "1",
        };
        await using var nodeA = await ServerProcess.StartAsync(environment);
        await using var nodeB = await ServerProcess.StartAsync(environment);
        var a = nodeA.Client(Key);
        var b = nodeB.Client(Key);

        await a.SetClock(Utc(2027, 1, 10));
        await a.Plan("basic", 4900);
        const int count = 25;
        for (var i = 0; i < count; i++)
        {
            var api = i % 2 == 0 ? a : b;
            await api.Customer($"n{i}");
            await api.Subscribe($"n{i}", "basic");
        }

        // Renewals fall due on both nodes at once: both background workers and two explicit runs race for them.
        await a.SetClock(Utc(2027, 2, 10));
        await Task.WhenAll(a.ProcessBilling(), b.ProcessBilling(), a.ProcessBilling(), b.ProcessBilling());
        await Task.Delay(2500); // let both background workers tick over the same (already billed) work

        var options = new DbContextOptionsBuilder<PostgresCommetDb>().UseNpgsql(connectionString).Options;
        await using var db = new PostgresCommetDb(options);
        var invoices = await db.Invoices.IgnoreQueryFilters().ToListAsync();
        var charges = await db.Transactions.IgnoreQueryFilters().Where(t => t.Status == TransactionStatus.Succeeded).ToListAsync();
        Assert.Equal(2 * count, invoices.Count);
        Assert.Equal(count, invoices.Count(i => i.PeriodStart == Utc(2027, 2, 10)));
        Assert.Equal(count, invoices.Select(i => i.SubscriptionId).Distinct().Count());
        Assert.Equal(2 * count, charges.Count);
        Assert.Equal(charges.Count, charges.Select(c => c.InvoiceId).Distinct().Count());
        Assert.Equal(Enumerable.Range(1, 2 * count).Select(n => $"INV-{n:D6}"), invoices.Select(i => i.Number).Order());
        Assert.DoesNotContain("Unhandled", nodeA.Output + nodeB.Output, StringComparison.Ordinal);
    }

    /// <summary>
    /// A batch reads the sandbox test clock itself, in the round trip of its idempotency keys. A clock moved through one
    /// node must be the billing time of the other node's next batch, with keys (the clock read with them) and without
    /// (the clock read alone), after that node's batches have warmed every cache it has; and the check of an event's
    /// timestamp must use the moved clock.
    /// </summary>
    [Fact]
    public async Task TestClockMovedOnOneNode_IsTheOtherNodesNextBatchTime()
    {
        var environment = new Dictionary<string, string>
        {
            ["COMMET_DATABASE_URL"] = connectionString,
            ["COMMET_BOOTSTRAP_SANDBOX_KEY"] = Key,
        };
        await using var nodeA = await ServerProcess.StartAsync(environment);
        await using var nodeB = await ServerProcess.StartAsync(environment);
        var a = nodeA.Client(Key);
        var b = nodeB.Client(Key);

        var t0 = new DateTime(2027, 1, 10, 9, 0, 0, 250, DateTimeKind.Utc);
        await a.SetClock(t0);
        await a.PostJson("/api/v1/features/manage", new { code = "api", name = "Api", type = "usage" }).Ok();
        await a.PostJson("/api/v1/plans/manage", new { code = "cr", name = "Cr", consumptionModel = "credits" }).Ok();
        await a.PostJson("/api/v1/plans/cr/prices", new { billingInterval = "monthly", price = 2900, includedCredits = 1_000_000 }).Ok();
        await a.PostJson("/api/v1/plans/cr/features", new { featureId = "api", creditsPerUnit = 1 }).Ok();
        await a.Customer("tc");
        await a.Subscribe("tc", "cr");

        async Task<List<System.Text.Json.Nodes.JsonNode>> Batch(HttpClient node, string round, DateTime? timestamp = null) =>
            (await node.PostJson("/api/v1/usage/events/batch", new
            {
                events = new object[]
                {
                    new { customerId = "tc", feature = "api", value = 1, idempotencyKey = $"{round}-k" },
                    new { customerId = "tc", feature = "api", value = 1, timestamp = timestamp?.ToString("O") },
                },
            }).Ok())["results"]!.AsArray().Select(r => r!).ToList();
        async Task<List<System.Text.Json.Nodes.JsonNode>> Unkeyed(HttpClient node) =>
            (await node.PostJson("/api/v1/usage/events/batch", new { events = new[] { new { customerId = "tc", feature = "api", value = 1 } } })
                .Ok())["results"]!.AsArray().Select(r => r!).ToList();
        static DateTime Ts(System.Text.Json.Nodes.JsonNode result) => result["event"]!["ts"]!.GetValue<DateTime>().ToUniversalTime();

        // Node B warms up at t0: its resolution cache, its prepared statements, its connections.
        for (var i = 0; i < 3; i++)
        {
            Assert.All(await Batch(b, $"w{i}"), r => Assert.Equal(t0, Ts(r)));
            Assert.All(await Unkeyed(b), r => Assert.Equal(t0, Ts(r)));
        }

        // Moved through node A: node B's next batches are at the new time, with keys and without.
        var t1 = t0.AddDays(3).AddMinutes(7);
        await a.SetClock(t1);
        Assert.All(await Batch(b, "m1"), r => Assert.Equal(t1, Ts(r)));
        var t2 = t1.AddDays(1);
        await a.Advance(1);
        Assert.All(await Unkeyed(b), r => Assert.Equal(t2, Ts(r)));

        // The timestamp check runs against the moved clock: two minutes ahead of it is accepted (at t0 it was days
        // ahead, and refused); ten minutes ahead is refused.
        var ahead = await Batch(b, "m2", t2.AddMinutes(2));
        Assert.True(ahead[1]["success"]!.GetValue<bool>(), ahead[1].ToJsonString());
        Assert.Equal(t2.AddMinutes(2), Ts(ahead[1]));
        var tooFar = await Batch(b, "m3", t2.AddMinutes(10));
        Assert.False(tooFar[1]["success"]!.GetValue<bool>(), tooFar[1].ToJsonString());
        Assert.Equal("timestamp", tooFar[1]["error"]!["param"]!.GetValue<string>());
        Assert.DoesNotContain("Unhandled", nodeA.Output + nodeB.Output, StringComparison.Ordinal);
    }
}
