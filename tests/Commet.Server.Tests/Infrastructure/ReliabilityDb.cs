using System.Net;
using Commet.Server.Persistence;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Commet.Server.Tests.Infrastructure;

/// <summary>Runs the multi-node and crash suites alone (after the parallel tests): they load the machine on purpose.</summary>
[Xunit.CollectionDefinition(nameof(ReliabilityCollection), DisableParallelization = true)]
public sealed class ReliabilityCollection;

/// <summary>A fresh database on a PostgreSQL server for one test, dropped afterwards.</summary>
public sealed class ScratchDatabase : IAsyncDisposable
{
    private readonly string admin;
    private readonly string name = "commet_rel_" + Guid.NewGuid().ToString("N")[..10];

    private ScratchDatabase(string admin)
    {
        this.admin = admin;
        ConnectionString = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ToString();
    }

    public string ConnectionString { get; }

    /// <summary>The same database as libpq's programs (pg_dump, pg_restore, psql) take it: <c>host=… port=… user=… dbname=…</c>.</summary>
    public string LibpqConnectionString
    {
        get
        {
            var b = new NpgsqlConnectionStringBuilder(ConnectionString);
            var password = string.IsNullOrEmpty(b.Password) ? "" : $" password={b.Password}";
            return $"host={b.Host} port={b.Port} user={b.Username} dbname={b.Database}{password}";
        }
    }

    public static async Task<ScratchDatabase> CreateAsync(string? adminConnectionString = null)
    {
        var database = new ScratchDatabase(adminConnectionString ?? PostgresServer.AdminConnectionString);
        await using var connection = new NpgsqlConnection(database.admin);
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database.name}\"", connection);
        await create.ExecuteNonQueryAsync();
        return database;
    }

    public CommetDb Db() => new PostgresCommetDb(new DbContextOptionsBuilder<PostgresCommetDb>().UseNpgsql(ConnectionString).Options);

    /// <summary>One number from SQL (counts and sums), for checks written the way an operator would check.</summary>
    public async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 120 };
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? 0 : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 300 };
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Copies the rows of <paramref name="table"/> matching <paramref name="where"/> <paramref name="copies"/> times
    /// (<c>g</c> = 1..copies in the expressions), with the given columns replaced by expressions: seeding thousands of
    /// subscriptions in one statement from one that was made through the API.
    /// </summary>
    public async Task CloneAsync(string table, string where, int copies, IReadOnlyDictionary<string, string> replace)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        var columns = new List<string>();
        await using (var read = new NpgsqlCommand("SELECT column_name FROM information_schema.columns WHERE table_name = @t ORDER BY ordinal_position", connection))
        {
            read.Parameters.AddWithValue("t", table);
            await using var reader = await read.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                columns.Add(reader.GetString(0));
            }
        }
        var list = string.Join(", ", columns.Select(c => $"\"{c}\""));
        var values = string.Join(", ", columns.Select(c => replace.TryGetValue(c, out var e) ? e : $"t.\"{c}\""));
        await using var insert = new NpgsqlCommand($"INSERT INTO {table} ({list}) SELECT {values} FROM {table} t, generate_series(1, {copies}) g WHERE {where}", connection)
        {
            CommandTimeout = 300,
        };
        await insert.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            await using var connection = new NpgsqlConnection(admin);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
        catch (NpgsqlException)
        {
            // The private server may already be gone.
        }
    }
}

/// <summary>What a load generator saw: requests sent, answers by class, and the slowest answer.</summary>
public sealed class LoadTally
{
    private long requests;
    private long serverErrors;
    private long unavailable;
    private long failures;
    private long slowestMs;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> problems = new();

    public long Requests => Interlocked.Read(ref requests);

    /// <summary>5xx answers other than 503 with Retry-After (500s, 502s, 504s, or a 503 without Retry-After).</summary>
    public long ServerErrors => Interlocked.Read(ref serverErrors);

    /// <summary>503 answers with Retry-After in the error envelope (the database could not be reached).</summary>
    public long Unavailable => Interlocked.Read(ref unavailable);

    /// <summary>Requests that got no answer (connection refused or reset: the node was killed).</summary>
    public long Failures => Interlocked.Read(ref failures);

    public long SlowestMs => Interlocked.Read(ref slowestMs);

    public IReadOnlyCollection<string> Problems => problems.ToArray();

    /// <summary>Records one answer; returns it.</summary>
    public ApiResponse Record(ApiResponse answer, TimeSpan took)
    {
        Interlocked.Increment(ref requests);
        var ms = (long)took.TotalMilliseconds;
        long seen;
        while (ms > (seen = Interlocked.Read(ref slowestMs)) && Interlocked.CompareExchange(ref slowestMs, ms, seen) != seen)
        {
        }
        if ((int)answer.Status >= 500)
        {
            var retryAfter = answer.Headers.RetryAfter is not null;
            if (answer.Status == HttpStatusCode.ServiceUnavailable && retryAfter && answer.ErrorCode is not null && !answer.Raw.Contains(" at ", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref unavailable);
            }
            else
            {
                Interlocked.Increment(ref serverErrors);
                if (problems.Count < 20)
                {
                    problems.Enqueue(answer.ToString()[..Math.Min(answer.ToString().Length, 400)]);
                }
            }
        }
        return answer;
    }

    public void RecordFailure()
    {
        Interlocked.Increment(ref requests);
        Interlocked.Increment(ref failures);
    }

    /// <summary>Sends through <paramref name="call"/>, timing it; null when no answer came (connection refused or reset).</summary>
    public async Task<ApiResponse?> SendAsync(Func<Task<ApiResponse>> call)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            var answer = await call();
            return Record(answer, System.Diagnostics.Stopwatch.GetElapsedTime(started));
        }
        catch (HttpRequestException)
        {
            RecordFailure();
            return null;
        }
    }
}
