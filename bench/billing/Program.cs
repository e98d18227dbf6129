// Billing run benchmark (docs/product.md §6): N due monthly subscriptions renewed by BillingEngine.RunAsync on PostgreSQL,
// verified with SQL, and compared with a raw binary COPY of the same rows measured in the same run.
//
//   dotnet run -c Release --project bench/billing -- [N] [--pg <admin connection string>] [--profile] [--runs K] [--warmup W]
//                                                     [--db-options "<extra Npgsql settings>"] [--setting key=value] [--keep] [--no-ceiling] [--workers]
//
// The node's other background workers (the email sender, which renders each receipt and its PDF, and the webhook
// dispatcher) are off during the timed run so that the figure is the engine's; --workers leaves them on, as a
// single node in production runs them, and then the run shares the CPU with the receipts it produces.
// Exit code 0 when every check passed, 1 when a check failed, 2 on a usage or infrastructure error.
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Commet.Server.Billing;
using Commet.Server.Persistence;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Commet.Bench.Billing;

public static class BillingBenchmark
{
    public static async Task<int> Main(string[] args)
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

        var n = 10_000;
        var admin = Environment.GetEnvironmentVariable("COMMET_BENCH_PG") is { Length: > 0 } env ? env : "Host=127.0.0.1;Port=5433;Username=postgres;Database=postgres";
        var profile = false;
        var keep = false;
        var workers = false;
        var ceiling = true;
        var runs = 1;
        var warmup = 5000;
        string? dbOptions = null;
        var settings = new List<(string Key, string Value)>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--pg": admin = args[++i]; break;
                case "--profile": profile = true; break;
                case "--keep": keep = true; break;
                case "--workers": workers = true; break;
                case "--no-ceiling": ceiling = false; break;
                case "--runs": runs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--warmup": warmup = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--db-options": dbOptions = args[++i]; break;
                case "--setting":
                    var kv = args[++i].Split('=', 2);
                    settings.Add((kv[0], kv[1]));
                    break;
                default:
                    if (!int.TryParse(args[i].Replace("_", "", StringComparison.Ordinal), out n) || n <= 0)
                    {
                        Console.Error.WriteLine($"Unknown argument '{args[i]}'. Usage: [N] [--pg <conn>] [--profile] [--runs K] [--warmup W] [--db-options <npgsql settings>] [--setting key=value] [--keep] [--no-ceiling] [--workers]");
                        return 2;
                    }
                    break;
            }
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(14));
        var ct = cts.Token;
        var database = "commet_bench_" + Guid.NewGuid().ToString("N")[..10];
        var adminBuilder = new NpgsqlConnectionStringBuilder(admin);
        var benchBuilder = new NpgsqlConnectionStringBuilder(admin) { Database = database };
        var appConnection = benchBuilder.ToString() + (string.IsNullOrWhiteSpace(dbOptions) ? "" : ";" + dbOptions);
        var benchConnection = new NpgsqlConnectionStringBuilder(benchBuilder.ToString()) { CommandTimeout = 600 }.ToString();

        string pgVersion;
        await using (var c = new NpgsqlConnection(admin))
        {
            try
            {
                await c.OpenAsync(ct);
            }
            catch (NpgsqlException ex)
            {
                Console.Error.WriteLine($"PostgreSQL is not reachable at '{admin}' ({ex.Message}). Start it with scripts/postgres.sh.");
                return 2;
            }
            await using (var v = new NpgsqlCommand("SELECT current_setting('server_version') || ' (fsync=' || current_setting('fsync') || ', synchronous_commit=' || current_setting('synchronous_commit') || ', shared_buffers=' || current_setting('shared_buffers') || ')'", c))
            {
                pgVersion = (string)(await v.ExecuteScalarAsync(ct))!;
            }
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", c);
            await create.ExecuteNonQueryAsync(ct);
        }

        Console.WriteLine($"# Billing run benchmark: N = {n:N0}, concurrent runs = {runs}, database {database} on {adminBuilder.Host}:{adminBuilder.Port}");
        Console.WriteLine($"  machine: {Machine.Describe()}; PostgreSQL {pgVersion}; .NET {RuntimeInformation.FrameworkDescription}; server GC {System.Runtime.GCSettings.IsServerGC}");
        Console.WriteLine($"  load average before: {Machine.LoadAverage()}");
        if (dbOptions is not null)
        {
            Console.WriteLine($"  extra Npgsql settings: {dbOptions}");
        }

        var failures = new List<string>();
        var dataDir = Path.Combine(Path.GetTempPath(), database);
        Directory.CreateDirectory(dataDir);
        var profiler = profile ? new Profiler() : null;
        using var phases = profiler?.ListenToChunkPhases();
        try
        {
            // The server's own composition (Program.cs): same services, same DbContext factory, same options.
            var sw = Stopwatch.StartNew();
            // The server's content root is this output folder (no solution-relative lookup), so the harness runs from anywhere.
            Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_COMMET_SERVER", AppContext.BaseDirectory);
            await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
            {
                b.UseContentRoot(AppContext.BaseDirectory);
                b.UseSetting("Commet:DatabaseUrl", appConnection);
                b.UseSetting("Commet:DataDir", dataDir);
                b.UseSetting("Commet:Billing:Worker", "false");
                b.UseSetting("Commet:Email:Worker", workers ? "true" : "false");
                b.UseSetting("Commet:Webhooks:Dispatcher", workers ? "true" : "false");
                b.UseSetting("Commet:BootstrapSandboxKey", "ck_test_billing_benchmark_key_0001");
                // Errors only (the engine logs a failed subscription as one); EF's own report of the expected failed
                // migration-history query on a fresh database is left out.
                b.UseSetting("Logging:LogLevel:Default", "Error");
                b.UseSetting("Logging:LogLevel:Microsoft.EntityFrameworkCore", "Error");
                b.UseSetting("Logging:LogLevel:Microsoft.AspNetCore", "Error");
                b.UseSetting("Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Command", "Critical");
                foreach (var (key, value) in settings)
                {
                    b.UseSetting(key, value);
                }
                if (profiler is not null)
                {
                    b.ConfigureServices(s => s.ConfigureDbContext<PostgresCommetDb>(o => o.AddInterceptors(profiler)));
                }
            });
            var services = factory.Services; // starts the host: Bootstrap migrates (Database.MigrateAsync) and creates org_default
            await using (var db = await services.GetRequiredService<IDbContextFactory<CommetDb>>().CreateDbContextAsync(ct))
            {
                await Database.MigrateAsync(db, ct); // already done at start; a no-op, kept to say so
            }
            Console.WriteLine($"  start + migrate: {sw.Elapsed.TotalSeconds:F2} s");

            var now = DateTime.UtcNow;
            now = new DateTime(now.Ticks - (now.Ticks % TimeSpan.TicksPerMillisecond), DateTimeKind.Utc);
            if (warmup > 0)
            {
                // A server that has been up has its code compiled; a fresh process spends seconds of CPU in the JIT on its
                // first run. So: bill W subscriptions untimed, then empty the tables (the counter too) and start over.
                sw.Restart();
                await using var c = new NpgsqlConnection(benchConnection);
                await c.OpenAsync(ct);
                await Seeder.SeedAsync(c, warmup, now, ct);
                var warm = await services.GetRequiredService<BillingEngine>().RunAsync(new Tenant(Seeder.Org, false), now, "http://localhost", ct);
                await using (var reset = new NpgsqlCommand("""
                    TRUNCATE invoice_lines, invoices, transactions, events, hosted_sessions, subscription_addons, subscriptions, payment_methods,
                      customers, plan_prices, plan_features, plans CASCADE;
                    UPDATE invoice_sequences SET "Next" = 0;
                    """, c))
                {
                    await reset.ExecuteNonQueryAsync(ct);
                }
                await Task.Delay(TimeSpan.FromSeconds(2), ct); // lets the background JIT finish its tier-up work
                Console.WriteLine($"  warm-up (untimed, JIT): {warm.InvoicesCreated:N0} renewals in {sw.Elapsed.TotalSeconds:F2} s, then the tables were emptied");
            }
            sw.Restart();
            await using (var c = new NpgsqlConnection(benchConnection))
            {
                await c.OpenAsync(ct);
                await Seeder.SeedAsync(c, n, now, ct);
            }
            Console.WriteLine($"  seed (COPY {n:N0} customers, cards, subscriptions + ANALYZE): {sw.Elapsed.TotalSeconds:F2} s");

            // PostgreSQL's share of the work, whatever else runs on the machine: the CPU time of the backends serving this
            // database (Npgsql keeps them open in its pool; measured before and after the run).
            async Task<double> BackendCpuAsync()
            {
                await using var c = new NpgsqlConnection(admin);
                await c.OpenAsync(ct);
                await using var cmd = new NpgsqlCommand($"SELECT pid FROM pg_stat_activity WHERE datname = '{database}'", c);
                var pids = new List<int>();
                await using (var r = await cmd.ExecuteReaderAsync(ct))
                {
                    while (await r.ReadAsync(ct))
                    {
                        pids.Add(r.GetInt32(0));
                    }
                }
                return Machine.ProcessCpuSeconds(pids);
            }

            var engine = services.GetRequiredService<BillingEngine>();
            var billing = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<BillingOptions>>().Value;
            Console.WriteLine($"  engine: chunks of {billing.ChunkSize}, {billing.ChunkWorkers} at a time (Commet:Billing:ChunkSize, Commet:Billing:ChunkWorkers); email sender and webhook dispatcher {(workers ? "on (--workers)" : "off (--workers turns them on)")}");
            var tenant = new Tenant(Seeder.Org, false);
            profiler?.Reset();
            var pg0 = await BackendCpuAsync();
            var cpu0 = Machine.CpuTimes();
            var proc0 = Process.GetCurrentProcess().TotalProcessorTime;
            var gc0 = GC.CollectionCount(0) + GC.CollectionCount(1) + GC.CollectionCount(2);
            sw.Restart();
            var results = await Task.WhenAll(Enumerable.Range(0, runs).Select(_ => Task.Run(() => engine.RunAsync(tenant, now, "http://localhost", ct), ct)));
            var seconds = sw.Elapsed.TotalSeconds;
            var proc1 = Process.GetCurrentProcess().TotalProcessorTime;
            var cpu1 = Machine.CpuTimes();
            var pg1 = await BackendCpuAsync();
            var gcs = GC.CollectionCount(0) + GC.CollectionCount(1) + GC.CollectionCount(2) - gc0;
            var run = results.Aggregate(BillingRun.None, (a, b) => a + b);
            var rate = n / seconds;
            Console.WriteLine($"  run: {run}");
            Console.WriteLine($"  load average after: {Machine.LoadAverage()}");
            var machineBusy = cpu1.Busy - cpu0.Busy;
            var machineTotal = cpu1.Total - cpu0.Total;
            Console.WriteLine($"  CPU during the run: machine {100.0 * machineBusy / Math.Max(1, machineTotal):F0}% of {Environment.ProcessorCount} cores busy; "
                + $"this process {(proc1 - proc0).TotalSeconds:F1} s CPU ({(proc1 - proc0).TotalSeconds / seconds * 100 / Environment.ProcessorCount:F0}% of the machine), "
                + $"everything else (PostgreSQL, other load) {(machineBusy / Machine.TicksPerSecond) - (proc1 - proc0).TotalSeconds:F1} s CPU; {gcs} GCs");
            var clientCpu = (proc1 - proc0).TotalSeconds;
            var pgCpu = pg1 - pg0;
            var otherCpu = Math.Max(0, machineBusy / Machine.TicksPerSecond - clientCpu - pgCpu);
            Console.WriteLine($"  other processes on the machine during the run: {otherCpu:F1} s CPU ({otherCpu / seconds:F2} of {Environment.ProcessorCount} cores on average)");
            Console.WriteLine($"  CPU per renewal: engine process {clientCpu * 1e6 / n:F0} µs + PostgreSQL backends {pgCpu * 1e6 / n:F0} µs = {(clientCpu + pgCpu) * 1e6 / n:F0} µs "
                + $"(on an otherwise idle {Environment.ProcessorCount}-core machine at most ~{Environment.ProcessorCount * n / (clientCpu + pgCpu):F0} renewals/s)");
            if (profiler is not null)
            {
                Console.WriteLine("  database round trips (client-side wall time, all workers summed):");
                var totalTrips = 0L;
                var totalSeconds = 0.0;
                foreach (var (kind, count, s) in profiler.Snapshot())
                {
                    Console.WriteLine($"    {count,9:N0}  {count / (double)n,5:F2}/renewal  {s,7:F2} s  {s * 1e6 / Math.Max(1, count),7:F0} µs avg  {kind}");
                    if (kind != "BEGIN (deferred)" && !kind.StartsWith('('))
                    {
                        totalTrips += count;
                        totalSeconds += s;
                    }
                }
                Console.WriteLine($"    {totalTrips,9:N0}  {totalTrips / (double)n,5:F2}/renewal  {totalSeconds,7:F2} s  waiting on PostgreSQL (summed over connections), in {seconds:F2} s");
            }

            // A second run finds nothing to do: the renewals are not repeated.
            var again = await engine.RunAsync(tenant, now, "http://localhost", ct);
            Console.WriteLine($"  second run: {again}");
            if (again.Processed != 0 || again.InvoicesCreated != 0)
            {
                failures.Add($"second run processed {again.Processed} and created {again.InvoicesCreated} invoices");
            }
            if (run.InvoicesCreated != n || run.Failed != 0)
            {
                failures.Add($"run created {run.InvoicesCreated} invoices with {run.Failed} failures, expected {n} and 0");
            }

            Console.WriteLine("  verification:");
            await using (var c = new NpgsqlConnection(benchConnection))
            {
                await c.OpenAsync(ct);
                failures.AddRange(await Verifier.VerifyAsync(c, n, ct));
            }

            Ceiling.Result? ceil = null;
            if (ceiling)
            {
                await using var c = new NpgsqlConnection(benchConnection);
                await c.OpenAsync(ct);
                ceil = await Ceiling.MeasureAsync(c, n, now, ct);
            }

            Console.WriteLine();
            Console.WriteLine($"RESULT n={n} chunk={billing.ChunkSize} chunk_workers={billing.ChunkWorkers} runs={runs} workers={(workers ? "on" : "off")} seconds={seconds:F2} renewals_per_s={rate:F0} target_s=30 client_cpu_us={clientCpu * 1e6 / n:F0} pg_cpu_us={pgCpu * 1e6 / n:F0} other_load_cores={otherCpu / seconds:F2} "
                + (ceil is null ? "" : $"ceiling_invoice_copy_s={ceil.InvoicesSeconds:F3} ceiling_invoice_copy_rows_per_s={n / ceil.InvoicesSeconds:F0} "
                    + $"ratio_vs_invoice_copy={seconds / ceil.InvoicesSeconds:F1} ceiling_all_rows_copy_s={ceil.AllRowsSeconds:F3} ratio_vs_all_rows_copy={seconds / ceil.AllRowsSeconds:F1} ")
                + $"verified={(failures.Count == 0 ? "yes" : "NO")}");
            var projected = 100_000 / rate;
            Console.WriteLine($"  {n:N0} renewals in {seconds:F2} s = {rate:F0} renewals/s (100,000 at this rate: {projected:F0} s; target ≤ 30 s = 3,334/s)");
            if (ceil is not null)
            {
                Console.WriteLine($"  ceiling: binary COPY of {n:N0} invoice rows {ceil.InvoicesSeconds:F3} s ({n / ceil.InvoicesSeconds:F0} rows/s) -> the engine takes {seconds / ceil.InvoicesSeconds:F0}x that;");
                Console.WriteLine($"           binary COPY of all {ceil.AllRows:N0} rows a renewal writes (invoice, line, transaction, 2 events) {ceil.AllRowsSeconds:F3} s -> {seconds / ceil.AllRowsSeconds:F0}x");
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            Console.Error.WriteLine("Timed out after 14 minutes.");
            failures.Add("timeout");
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            if (!keep)
            {
                await using var c = new NpgsqlConnection(admin);
                await c.OpenAsync(CancellationToken.None);
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", c);
                await drop.ExecuteNonQueryAsync(CancellationToken.None);
            }
            else
            {
                Console.WriteLine($"  kept database {database}");
            }
            try
            {
                Directory.Delete(dataDir, recursive: true);
            }
            catch (IOException)
            {
            }
        }

        if (failures.Count > 0)
        {
            Console.WriteLine("FAILED: " + string.Join("; ", failures));
            return 1;
        }
        Console.WriteLine("All checks passed.");
        return 0;
    }
}
