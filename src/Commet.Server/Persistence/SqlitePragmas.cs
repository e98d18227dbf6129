using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Commet.Server.Persistence;

/// <summary>
/// <c>PRAGMA synchronous=NORMAL</c> on every SQLite connection: it is a per-connection setting, so setting it once at
/// migration (as <see cref="Database.MigrateAsync"/> does) leaves every pooled connection at FULL, which syncs the
/// write-ahead log on every commit. NORMAL in WAL mode survives a crash of the process; only an OS crash or power
/// loss can lose the last commits. A pooled connection keeps the setting between opens, so each native connection is set
/// once (it was a statement on every open: two or three per request). With background checkpoints, each connection
/// also gets <c>PRAGMA wal_autocheckpoint=0</c>: the log is copied back by <see cref="SqliteCheckpoints"/>, not by
/// whichever commit crosses the threshold.
/// <para>
/// Each connection also gets <c>PRAGMA busy_timeout</c>. Without a busy handler, a statement that finds the write lock
/// taken fails with SQLITE_BUSY and Microsoft.Data.Sqlite puts its thread to sleep for 150 ms before it tries again.
/// When that statement was the group commit's, every event waiting behind it waited too: stalls of 150 ms to a second
/// under the usage benchmark's open loop, about once per 15 s, when an API key's cache entry expired and its
/// <c>lastUsedAt</c> update (outside <see cref="SqliteWriteGate"/> then) met the group's transaction. SQLite's own
/// handler retries after 1, 2, 5, 10 … ms, so a lock held for a moment costs about that moment. 30 s is
/// Microsoft.Data.Sqlite's default command timeout, which bounds its own retries too.
/// </para>
/// </summary>
/// <param name="backgroundCheckpoints">Whether <see cref="SqliteCheckpoints"/> runs in this process.</param>
public sealed class SqlitePragmas(bool backgroundCheckpoints = false) : DbConnectionInterceptor
{
    /// <summary>
    /// The connection EF Core would make, without the SQL functions it registers on it. Microsoft.Data.Sqlite registers a
    /// connection's functions on the native connection at every open and removes them at every close, and SQLite
    /// marks every statement prepared on that native connection for a new preparation whenever a function is added or
    /// removed: the statements kept prepared (<see cref="SqliteStatements"/>) were prepared again on every request.
    /// This server's queries use none of those functions (decimal arithmetic and comparisons, <c>regexp</c>).
    /// </summary>
    public override InterceptionResult<DbConnection> ConnectionCreating(ConnectionCreatingEventData eventData, InterceptionResult<DbConnection> result) =>
        InterceptionResult<DbConnection>.SuppressWithResult(new Microsoft.Data.Sqlite.SqliteConnection(eventData.ConnectionString));

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    /// <summary>The native connections already set: a pooled connection keeps its setting, so it is set once, not on every open.</summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<object, object> Set = new();

    private void Apply(DbConnection connection)
    {
        if (connection is Microsoft.Data.Sqlite.SqliteConnection { Handle: { } handle })
        {
            if (Set.TryGetValue(handle, out _))
            {
                return;
            }
            Execute(connection);
            Set.AddOrUpdate(handle, Set);
            return;
        }
        Execute(connection);
    }

    /// <summary>The pragmas of a server connection, for a connection opened outside EF Core (<see cref="Portal.PortalLinkWriter"/>).</summary>
    public static string For(bool backgroundCheckpoints) =>
        backgroundCheckpoints ? Common + " PRAGMA wal_autocheckpoint=0;" : Common;

    private const string Common = "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;";

    private void Execute(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = For(backgroundCheckpoints);
        command.ExecuteNonQuery();
    }
}
