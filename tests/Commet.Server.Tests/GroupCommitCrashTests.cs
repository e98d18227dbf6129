using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Commet.Domain.Billing;
using Commet.Domain.Usage;
using Commet.Server.Persistence;
using Commet.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using static Commet.Server.Tests.Infrastructure.BillingApi;

namespace Commet.Server.Tests;

/// <summary>A server process killed (SIGKILL) while groups of usage events are being written.</summary>
public sealed class GroupCommitCrashTests : IAsyncLifetime
{
    private const string Key = "ck_test_group_commit_crash_00001";
    private const long Allowance = 1_000_000;
    private readonly string database = "commet_gcc_" + Guid.NewGuid().ToString("N")[..10];
    private readonly string dataDir = Path.Combine(Path.GetTempPath(), "commet-tests", Guid.NewGuid().ToString("N"));
    private string connectionString = "";

    public async Task InitializeAsync()
    {
        await using var admin = new NpgsqlConnection(PostgresServer.AdminConnectionString);
        await admin.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", admin);
        await create.ExecuteNonQueryAsync();
        connectionString = new NpgsqlConnectionStringBuilder(PostgresServer.AdminConnectionString) { Database = database }.ToString();
        Directory.CreateDirectory(dataDir);
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(PostgresServer.AdminConnectionString);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
        try
        {
            Directory.Delete(dataDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private CommetDb Db(bool postgres) => postgres
        ? new PostgresCommetDb(new DbContextOptionsBuilder<PostgresCommetDb>().UseNpgsql(connectionString).Options)
        : new SqliteCommetDb(new DbContextOptionsBuilder<SqliteCommetDb>().UseSqlite($"Data Source={Path.Combine(dataDir, "commet.db")}").Options);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task KilledWhileGroupsAreWritten_EveryAcknowledgedEventIsStored_AndTheBooksBalance(bool postgres)
    {
        var environment = new Dictionary<string, string>
        {
            [postgres ? "COMMET_DATABASE_URL" : "COMMET_DATA_DIR"] = postgres ? connectionString : dataDir,
            ["COMMET_BOOTSTRAP_SANDBOX_KEY"] = Key,
            ["Commet__Billing__Worker"] = "false",
            ["Commet__Usage__GroupCommit"] = "true",
        };
        const int customers = 8;
        const int workers = 24;
        var acknowledged = new ConcurrentBag<string>();
        var unexpected = new ConcurrentBag<string>();
        var inFlight = 0;
        var inFlightAtKill = 0;
        ServerProcess? server = await ServerProcess.StartAsync(environment);
        try
        {
            var node = server;
            var api = node.Client(Key);
            await api.PostJson("/api/v1/features/manage", new { code = "crash", name = "crash", type = "usage" }).Ok();
            await api.PostJson("/api/v1/plans/manage", new { code = "crash", name = "crash", consumptionModel = "credits" }).Ok();
            await api.PostJson("/api/v1/plans/crash/prices", new { billingInterval = "monthly", price = 100, includedCredits = Allowance }).Ok();
            await api.PostJson("/api/v1/plans/crash/features", new { featureId = "crash", creditsPerUnit = 1 }).Ok();
            for (var c = 0; c < customers; c++)
            {
                await api.Customer($"crash{c}");
                await api.Subscribe($"crash{c}", "crash");
            }

            // Workers send events back to back (each with its own idempotency key) until the process dies under them.
            var load = Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
            {
                using var client = node.Client(Key);
                for (var i = 0; ; i++)
                {
                    var key = $"crash-{w}-{i}";
                    Interlocked.Increment(ref inFlight);
                    try
                    {
                        using var response = await client.PostAsJsonAsync("/api/v1/usage/events", new { customerId = $"crash{(w + i) % customers}", feature = "crash", value = 1, idempotencyKey = key });
                        if (response.StatusCode == HttpStatusCode.Created)
                        {
                            acknowledged.Add(key);
                        }
                        else
                        {
                            unexpected.Add($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                        }
                    }
                    catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
                    {
                        return;
                    }
                    finally
                    {
                        Interlocked.Decrement(ref inFlight);
                    }
                }
            })).ToArray();

            var deadline = DateTime.UtcNow.AddSeconds(120);
            while (acknowledged.Count < 300 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }
            inFlightAtKill = Volatile.Read(ref inFlight);
            await server.DisposeAsync(); // SIGKILL, with requests in flight
            server = null;
            await Task.WhenAll(load);
        }
        finally
        {
            if (server is not null)
            {
                await server.DisposeAsync();
            }
        }

        Assert.Empty(unexpected);
        Assert.True(acknowledged.Count >= 300, $"only {acknowledged.Count} events acknowledged before the deadline");
        // Requests were in flight just before the process died: the kill landed under load, amid groups being written.
        Assert.True(inFlightAtKill > 0, "no request was in flight at the kill");

        await using var db = Db(postgres);
        var stored = (await db.UsageEvents.IgnoreQueryFilters().Select(e => e.IdempotencyKey!).ToListAsync()).ToHashSet(StringComparer.Ordinal);
        Assert.DoesNotContain(acknowledged, k => !stored.Contains(k));
        // Stored events may include some whose answer was lost (committed, then killed before the reply), at most one
        // per worker (each has one request in flight).
        var events = stored.Count;
        Assert.InRange(events - acknowledged.Count, 0, workers);
        var counted = (await db.UsageCounters.IgnoreQueryFilters().ToListAsync()).Sum(c => c.Quantity);
        var ledger = await db.Ledger.IgnoreQueryFilters().Where(l => l.Kind == AccountKinds.Credits).ToListAsync();
        var accounts = await db.ConsumptionAccounts.IgnoreQueryFilters().ToListAsync();
        // Each event is 1 unit at 1 credit: events = counters = credits spent in the ledger = credits gone from the accounts.
        Assert.Equal(events, (int)counted);
        Assert.Equal(events, -ledger.Where(l => l.Reason == "usage").Sum(l => l.Amount));
        Assert.Equal(ledger.Sum(l => l.Amount), accounts.Sum(a => a.PlanAmount + a.PurchasedAmount));
        // Every customer's account was granted the allowance once: 8 × 1,000,000 − events are left.
        Assert.Equal(customers * Allowance - events, accounts.Sum(a => a.PlanAmount + a.PurchasedAmount));
    }
}
