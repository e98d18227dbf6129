using Microsoft.Data.Sqlite;

namespace Commet.Server.Persistence;

/// <summary>
/// Copies SQLite's write-ahead log back into the database file on a background thread, every quarter of a second,
/// instead of in the commit that happens to cross SQLite's threshold (1,000 pages by default). Such a commit did the
/// whole checkpoint (copying the pages and two <c>fsync</c>s) while it still held the single writer's turn, so every
/// write behind it waited. The server's connections are opened with <c>PRAGMA wal_autocheckpoint=0</c>
/// (<see cref="SqlitePragmas"/>) and this service runs <c>PRAGMA wal_checkpoint(PASSIVE)</c> on its own connection: a
/// passive checkpoint copies what no reader still needs and never blocks the writer, which keeps appending meanwhile.
/// Durability is unchanged: a transaction is committed once its pages are in the log, as before.
/// </summary>
public sealed class SqliteCheckpoints(string connectionString, ILogger<SqliteCheckpoints> logger) : BackgroundService
{
    /// <summary>The server's database, opened read-write only: a checkpoint never creates a file that is not there.</summary>
    private readonly string existing = new SqliteConnectionStringBuilder(connectionString) { Mode = SqliteOpenMode.ReadWrite }.ToString();

    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    /// <remarks>
    /// The loop runs on a thread of its own, not the thread pool's: each checkpoint blocks for its copy and its two
    /// <c>fsync</c>s (2–4 ms each time under the usage benchmark), and on a pool thread that was a worker taken from the
    /// requests four times a second.
    /// </remarks>
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.Factory.StartNew(() => Run(stoppingToken), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    /// <summary>Whether the loop runs on a thread-pool thread (null until it has started): it must not.</summary>
    internal bool? OnThreadPool { get; private set; }

    private void Run(CancellationToken stoppingToken)
    {
        OnThreadPool = Thread.CurrentThread.IsThreadPoolThread;
        // WaitOne returns true once the host is stopping; false each time the interval has passed.
        while (!stoppingToken.WaitHandle.WaitOne(Interval))
        {
            try
            {
                Checkpoint();
            }
            catch (SqliteException ex)
            {
                // A busy database or a missing file (say, while a test tears its store down): the next tick tries again.
                logger.LogDebug(ex, "SQLite checkpoint skipped");
            }
        }
    }

    private void Checkpoint()
    {
        using var connection = new SqliteConnection(existing);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
        command.ExecuteNonQuery();
    }
}
