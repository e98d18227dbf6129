using System.Data.Common;
using System.Diagnostics;
using System.Net;
using Commet.Domain.Usage;
using Commet.Server.Persistence;
using Commet.Server.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit.Abstractions;
using static Commet.Server.Tests.Infrastructure.BillingApi;

namespace Commet.Server.Tests;

/// <summary>Runs alone, after the parallel tests, so its figures are not other tests' noise.</summary>
[CollectionDefinition(nameof(BenchmarkPassCollection), DisableParallelization = true)]
public sealed class BenchmarkPassCollection;

/// <summary>
/// A short benchmark pass printed with every test run, so a regression in ingestion shows the day it lands. Not a
/// gate: the figures and ratios are printed (to the test output, and to <c>COMMET_BENCH_OUT</c> when test.sh sets it);
/// the only assertions are that every request succeeded and that the books balance afterwards.
/// Each figure stands beside a ceiling measured in the same run, on the same database, through the same driver: a raw
/// transaction of INSERT (the event) + UPDATE (the account) per single event, and for a batch of 100 the same 100
/// INSERTs (COPY on PostgreSQL) + one UPDATE per account. CPU is the whole test process (server and client together).
/// </summary>
public abstract class BenchmarkPass<TServer>(TServer server, ITestOutputHelper output) : IClassFixture<TServer>
    where TServer : ServerFixture
{
    private const int Workers = 8;
    private const int BatchSize = 100;
    private const long Credits = 10_000_000;
    private static readonly TimeSpan Phase = TimeSpan.FromSeconds(2);

    private RoundTripMeter Meter => server.Services.GetRequiredService<RoundTripMeter>();

    private sealed record Figure(string Name, long Items, TimeSpan Wall, TimeSpan Cpu, long Trips)
    {
        public double PerSecond => Items / Wall.TotalSeconds;
        public double CpuMsPerItem => Cpu.TotalMilliseconds / Items;
        public double TripsPerItem => (double)Trips / Items;
    }

    /// <summary>Runs <paramref name="one"/> on <see cref="Workers"/> workers for <see cref="Phase"/>; one call handles <paramref name="itemsPerCall"/> items.</summary>
    private async Task<Figure> Run(string name, int itemsPerCall, Func<int, int, Task> one)
    {
        using var self = Process.GetCurrentProcess();
        var cpu0 = self.TotalProcessorTime;
        var trips0 = Meter.Count;
        var clock = Stopwatch.StartNew();
        var calls = 0L;
        await Task.WhenAll(Enumerable.Range(0, Workers).Select(async w =>
        {
            await Task.Yield(); // the workers run side by side even when a call completes synchronously
            for (var i = 0; clock.Elapsed < Phase; i++)
            {
                await one(w, i);
                Interlocked.Increment(ref calls);
            }
        }));
        var wall = clock.Elapsed;
        self.Refresh();
        return new Figure(name, calls * itemsPerCall, wall, self.TotalProcessorTime - cpu0, Meter.Count - trips0);
    }

    [Fact]
    public async Task Ingestion_FiguresBesideTheirCeilings()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.PostJson("/api/v1/features/manage", new { code = "bench", name = "Bench", type = "usage" }).Ok();
        await api.PostJson("/api/v1/plans/manage", new { code = "bp", name = "Bp", consumptionModel = "credits" }).Ok();
        await api.PostJson("/api/v1/plans/bp/prices", new { billingInterval = "monthly", price = 100, includedCredits = Credits }).Ok();
        await api.PostJson("/api/v1/plans/bp/features", new { featureId = "bench", creditsPerUnit = 1 }).Ok();
        var customers = new List<string>();
        var subscriptions = new List<string>();
        for (var w = 0; w < Workers; w++)
        {
            await api.Customer($"bench{w}");
            subscriptions.Add((await api.Subscribe($"bench{w}", "bp")).Str("id"));
            customers.Add($"bench{w}");
        }
        // One warm-up call of each kind, so the figures are not the JIT's.
        await api.PostJson("/api/v1/usage/events", new { customerId = customers[0], feature = "bench", value = 1 }).Ok(HttpStatusCode.Created);
        await api.PostJson("/api/v1/usage/events/batch", new { events = new[] { new { customerId = customers[0], feature = "bench", value = 1 } } }).Ok();

        var clients = customers.Select(_ => server.Client(t.SandboxKey)).ToArray();
        using var disposeClients = new Disposables(clients);
        var failures = 0;
        var gatherer = server.Services.GetRequiredService<Commet.Server.Usage.TrackGroupCommit>();
        var groups0 = gatherer.Load();
        var singles = await Run("single events", 1, async (w, _) =>
        {
            var answer = await clients[w].PostJson("/api/v1/usage/events", new { customerId = customers[w], feature = "bench", value = 1 });
            if (answer.Status != HttpStatusCode.Created)
            {
                Interlocked.Increment(ref failures);
            }
        });
        var groups1 = gatherer.Load();
        var batches = await Run($"batch events ({BatchSize}/request)", BatchSize, async (w, i) =>
        {
            var events = Enumerable.Range(0, BatchSize).Select(k => new { customerId = customers[(w + i + k) % Workers], feature = "bench", value = 1 }).ToArray();
            var answer = await clients[w].PostJson("/api/v1/usage/events/batch", new { events });
            if (answer.Status != HttpStatusCode.OK || answer.Data["succeeded"]!.GetValue<int>() != BatchSize)
            {
                Interlocked.Increment(ref failures);
            }
        });

        var (singleCeiling, batchCeiling) = await Ceilings();

        var lines = new List<string>
        {
            $"benchmark pass [{server.Name}] ({Environment.ProcessorCount} cores, load average {LoadAverage()}; {Workers} workers, {Phase.TotalSeconds:0} s a phase; CPU = whole test process; not a gate)",
            Line(singles, singleCeiling, "raw INSERT+UPDATE tx"),
            $"  single events written in groups (group commit): {groups1.GroupedEvents - groups0.GroupedEvents} of {singles.Items}, in {groups1.Groups - groups0.Groups} groups (largest so far {groups1.LargestGroup})",
            Line(batches, batchCeiling, server.Name == "postgres" ? "raw COPY 100 + UPDATE per account" : "raw 100 INSERT + UPDATE per account tx"),
        };
        foreach (var line in lines)
        {
            output.WriteLine(line);
        }
        if (Environment.GetEnvironmentVariable("COMMET_BENCH_OUT") is { Length: > 0 } file)
        {
            await File.AppendAllLinesAsync(file, lines);
        }

        Assert.Equal(0, failures);
        // The books: every accepted event spent one credit, once in the account, once in the ledger, once in the counter.
        await using var db = t.Db();
        var events = await db.UsageEvents.CountAsync(e => e.SubscriptionId != null && subscriptions.Contains(e.SubscriptionId));
        var spent = -(await db.Ledger.Where(l => subscriptions.Contains(l.SubscriptionId) && l.Reason == "usage").Select(l => l.Amount).ToListAsync()).Sum();
        var counted = (await db.UsageCounters.Where(c => subscriptions.Contains(c.SubscriptionId)).Select(c => c.Quantity).ToListAsync()).Sum();
        var left = (await db.ConsumptionAccounts.Where(a => subscriptions.Contains(a.SubscriptionId) && a.Kind == AccountKinds.Credits)
            .Select(a => a.PlanAmount + a.PurchasedAmount).ToListAsync()).Sum();
        Assert.True(events > 2 * Workers, $"only {events} events were recorded");
        Assert.Equal(events, spent);
        Assert.Equal(events, (long)counted);
        Assert.Equal(Workers * Credits - events, left);
    }

    private static string Line(Figure f, Figure ceiling, string ceilingName) =>
        $"  {f.Name}: {f.PerSecond:0} /s, {f.CpuMsPerItem:0.000} CPU-ms each, {f.TripsPerItem:0.00} round trips each | "
        + $"ceiling ({ceilingName}): {ceiling.PerSecond:0} /s, {ceiling.CpuMsPerItem:0.000} CPU-ms each | ratio {f.PerSecond / ceiling.PerSecond:0.000}";

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    /// <summary>The same work through the bare driver on the same database, in scratch tables.</summary>
    private async Task<(Figure Single, Figure Batch)> Ceilings()
    {
        string connectionString;
        bool postgres;
        await using (var db = server.Services.GetRequiredService<IDbContextFactory<CommetDb>>().CreateDbContext())
        {
            connectionString = db.Database.GetConnectionString()!;
            postgres = db.IsPostgres;
        }
        DbConnection Open()
        {
            DbConnection c = postgres ? new NpgsqlConnection(connectionString) : new SqliteConnection(connectionString);
            c.Open();
            if (!postgres)
            {
                Exec(c, null, "PRAGMA synchronous=NORMAL;");
            }
            return c;
        }
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var events = "bench_events_" + suffix;
        var accounts = "bench_accounts_" + suffix;
        using (var c = Open())
        {
            Exec(c, null, $"CREATE TABLE {events} (id varchar(40) PRIMARY KEY, account varchar(40) NOT NULL, value numeric(28,6) NOT NULL, at {(postgres ? "timestamptz" : "text")} NOT NULL)");
            Exec(c, null, $"CREATE TABLE {accounts} (id varchar(40) PRIMARY KEY, total bigint NOT NULL)");
            for (var w = 0; w < Workers; w++)
            {
                Exec(c, null, $"INSERT INTO {accounts} VALUES ('a{w}', 100000000)");
            }
        }
        // SQLite has one writer: the server queues its writers in the process (SqliteWriteGate); so does the ceiling.
        using var gate = new SemaphoreSlim(postgres ? Workers : 1);
        var connections = Enumerable.Range(0, Workers).Select(_ => Open()).ToArray();
        try
        {
            async Task Tx(int w, Func<DbConnection, DbTransaction, Task> work)
            {
                await gate.WaitAsync();
                try
                {
                    var c = connections[w];
                    await using var tx = await c.BeginTransactionAsync();
                    await work(c, tx);
                    await tx.CommitAsync();
                }
                finally
                {
                    gate.Release();
                }
            }
            object Now() => postgres ? DateTime.UtcNow : DateTime.UtcNow.ToString("O");
            var single = await Run("ceiling single", 1, (w, _) => Tx(w, async (c, tx) =>
            {
                await ExecAsync(c, tx, $"INSERT INTO {events} VALUES (@id, @a, 1, @at)", ("id", Guid.NewGuid().ToString("N")), ("a", $"a{w}"), ("at", Now()));
                await ExecAsync(c, tx, $"UPDATE {accounts} SET total = total - 1 WHERE id = @a", ("a", $"a{w}"));
            }));
            var batch = await Run("ceiling batch", BatchSize, (w, _) => Tx(w, async (c, tx) =>
            {
                if (c is NpgsqlConnection pg)
                {
                    await using var copy = await pg.BeginBinaryImportAsync($"COPY {events} (id, account, value, at) FROM STDIN (FORMAT BINARY)");
                    for (var k = 0; k < BatchSize; k++)
                    {
                        await copy.StartRowAsync();
                        await copy.WriteAsync(Guid.NewGuid().ToString("N"), NpgsqlTypes.NpgsqlDbType.Text);
                        await copy.WriteAsync($"a{k % Workers}", NpgsqlTypes.NpgsqlDbType.Text);
                        await copy.WriteAsync(1m, NpgsqlTypes.NpgsqlDbType.Numeric);
                        await copy.WriteAsync(DateTime.UtcNow, NpgsqlTypes.NpgsqlDbType.TimestampTz);
                    }
                    await copy.CompleteAsync();
                }
                else
                {
                    for (var k = 0; k < BatchSize; k++)
                    {
                        await ExecAsync(c, tx, $"INSERT INTO {events} VALUES (@id, @a, 1, @at)", ("id", Guid.NewGuid().ToString("N")), ("a", $"a{k % Workers}"), ("at", Now()));
                    }
                }
                for (var k = 0; k < Workers; k++)
                {
                    // Every transaction updates the accounts in one order (as the server locks subscriptions), so none deadlock.
                    await ExecAsync(c, tx, $"UPDATE {accounts} SET total = total - @n WHERE id = @a", ("n", BatchSize / Workers), ("a", $"a{k}"));
                }
            }));
            return (single, batch);
        }
        finally
        {
            foreach (var c in connections)
            {
                c.Dispose();
            }
            using var c2 = Open();
            Exec(c2, null, $"DROP TABLE {events}");
            Exec(c2, null, $"DROP TABLE {accounts}");
        }
    }

    private static void Exec(DbConnection c, DbTransaction? tx, string sql)
    {
        using var command = c.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static async Task ExecAsync(DbConnection c, DbTransaction? tx, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = c.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var p = command.CreateParameter();
            p.ParameterName = name;
            p.Value = value;
            command.Parameters.Add(p);
        }
        await command.ExecuteNonQueryAsync();
    }

    private sealed class Disposables(IEnumerable<IDisposable> items) : IDisposable
    {
        public void Dispose()
        {
            foreach (var item in items)
            {
                item.Dispose();
            }
        }
    }
}

[Collection(nameof(BenchmarkPassCollection))]
public sealed class BenchmarkPass_Sqlite(SqliteServer server, ITestOutputHelper output) : BenchmarkPass<SqliteServer>(server, output);

[Collection(nameof(BenchmarkPassCollection))]
public sealed class BenchmarkPass_Postgres(PostgresServer server, ITestOutputHelper output) : BenchmarkPass<PostgresServer>(server, output);
