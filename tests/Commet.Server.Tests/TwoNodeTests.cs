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
}
