using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Commet.Bench.Billing;

/// <summary>
/// Counts and times every database round trip EF makes (statements, BEGIN, COMMIT), grouped by the shape of the
/// statement, so the run can say how many round trips a renewal costs and how much of the wall time is spent
/// waiting for PostgreSQL. Installed only with <c>--profile</c> (it adds a little overhead of its own).
/// </summary>
public sealed partial class Profiler : DbCommandInterceptor, IDbTransactionInterceptor, ISaveChangesInterceptor
{
    private readonly ConcurrentDictionary<string, Stat> stats = new();
    private readonly ConcurrentDictionary<DbCommand, long> started = new();

    private sealed class Stat
    {
        public long Count;
        public long Ticks;
    }

    public IEnumerable<(string Kind, long Count, double Seconds)> Snapshot() =>
        stats.Select(kv => (kv.Key, kv.Value.Count, kv.Value.Ticks / (double)Stopwatch.Frequency)).OrderByDescending(s => s.Item3);

    public void Reset() => stats.Clear();

    /// <summary>
    /// Listens to the engine's chunk phases (<c>BillingEngine.Meter</c>, wall time per phase of each chunk) and adds them
    /// to the figures as "(chunk) phase" — summed over the chunk workers, and not counted as round trips.
    /// </summary>
    public System.Diagnostics.Metrics.MeterListener ListenToChunkPhases()
    {
        var listener = new System.Diagnostics.Metrics.MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "Commet.Billing")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((_, ms, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "phase")
                {
                    Add("(chunk) " + tag.Value, (long)(ms * Stopwatch.Frequency / 1000));
                }
            }
        });
        listener.Start();
        return listener;
    }

    private void Add(string kind, long ticks)
    {
        var s = stats.GetOrAdd(kind, _ => new Stat());
        Interlocked.Increment(ref s.Count);
        Interlocked.Add(ref s.Ticks, ticks);
    }

    private void Start(DbCommand command) => started[command] = Stopwatch.GetTimestamp();

    private void Stop(DbCommand command)
    {
        if (started.TryRemove(command, out var t0))
        {
            Add(Kind(command.CommandText), Stopwatch.GetTimestamp() - t0);
        }
    }

    public static string Kind(string sql)
    {
        var s = Whitespace().Replace(sql, " ").Trim();
        // One label per statement shape: verb + main table (+ FOR UPDATE / RETURNING), and the number of statements batched.
        var statements = s.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var labels = statements.Select(Label).ToList();
        return statements.Length == 1 ? labels[0] : $"batch[{statements.Length}]: " + string.Join(", ",
            labels.GroupBy(l => l).Select(g => g.Count() > 1 ? $"{g.Key} x{g.Count()}" : g.Key));
    }

    private static string Label(string s)
    {
        var verb = s.Split(' ', 2)[0].ToUpperInvariant();
        var table = verb switch
        {
            "SELECT" => FromTable().Match(s) is { Success: true } m ? m.Groups[1].Value : "?",
            "INSERT" => IntoTable().Match(s) is { Success: true } m ? m.Groups[1].Value : "?",
            "UPDATE" => UpdateTable().Match(s) is { Success: true } m ? m.Groups[1].Value : "?",
            "DELETE" => FromTable().Match(s) is { Success: true } m ? m.Groups[1].Value : "?",
            _ => "",
        };
        var extra = s.Contains("FOR UPDATE", StringComparison.OrdinalIgnoreCase) ? " FOR UPDATE" : "";
        extra += s.Contains("RETURNING", StringComparison.OrdinalIgnoreCase) && verb == "UPDATE" ? " RETURNING" : "";
        extra += verb == "SELECT" && s.Contains(" JOIN ", StringComparison.OrdinalIgnoreCase) ? " (join)" : "";
        return $"{verb} {table}{extra}".Trim();
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"\bFROM\s+""?([a-z_]+)""?", RegexOptions.IgnoreCase)]
    private static partial Regex FromTable();

    [GeneratedRegex(@"\bINTO\s+""?([a-z_]+)""?", RegexOptions.IgnoreCase)]
    private static partial Regex IntoTable();

    [GeneratedRegex(@"^UPDATE\s+""?([a-z_]+)""?", RegexOptions.IgnoreCase)]
    private static partial Regex UpdateTable();

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Start(command);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Start(command);
        return ValueTask.FromResult(result);
    }

    public override ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result,
        CancellationToken cancellationToken = default)
    {
        Stop(command);
        return ValueTask.FromResult(result);
    }

    public override DbDataReader ReaderExecuted(DbCommand command, CommandExecutedEventData eventData, DbDataReader result)
    {
        Stop(command);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        Start(command);
        return ValueTask.FromResult(result);
    }

    public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Stop(command);
        return ValueTask.FromResult(result);
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result,
        CancellationToken cancellationToken = default)
    {
        Start(command);
        return ValueTask.FromResult(result);
    }

    public override ValueTask<object?> ScalarExecutedAsync(DbCommand command, CommandExecutedEventData eventData, object? result, CancellationToken cancellationToken = default)
    {
        Stop(command);
        return ValueTask.FromResult(result);
    }

    public override Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Stop(command);
        return Task.CompletedTask;
    }

    // Transactions: BEGIN and COMMIT are round trips of their own (Npgsql sends BEGIN with the first command, so it is usually free).
    private readonly ConcurrentDictionary<DbTransaction, long> commits = new();

    public ValueTask<InterceptionResult> TransactionCommittingAsync(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result,
        CancellationToken cancellationToken = default)
    {
        commits[transaction] = Stopwatch.GetTimestamp();
        return ValueTask.FromResult(result);
    }

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (commits.TryRemove(transaction, out var t0))
        {
            Add("COMMIT", Stopwatch.GetTimestamp() - t0);
        }
        return Task.CompletedTask;
    }

    // SaveChanges as a whole (client work: detecting changes, building the commands; plus the batch round trips above).
    private readonly ConcurrentDictionary<Microsoft.EntityFrameworkCore.DbContext, long> saves = new();

    public ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        saves[eventData.Context!] = Stopwatch.GetTimestamp();
        return ValueTask.FromResult(result);
    }

    public ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (saves.TryRemove(eventData.Context!, out var t0))
        {
            Add("(SaveChanges in all, client work included)", Stopwatch.GetTimestamp() - t0);
        }
        return ValueTask.FromResult(result);
    }

    public ValueTask<DbTransaction> TransactionStartedAsync(DbConnection connection, TransactionEndEventData eventData, DbTransaction result,
        CancellationToken cancellationToken = default)
    {
        Add("BEGIN (deferred)", 0);
        return ValueTask.FromResult(result);
    }
}
