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

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
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
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
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
