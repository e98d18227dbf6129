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
/// </summary>
/// <param name="backgroundCheckpoints">Whether <see cref="SqliteCheckpoints"/> runs in this process.</param>
public sealed class SqlitePragmas(bool backgroundCheckpoints = false) : DbConnectionInterceptor
{
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
        backgroundCheckpoints ? "PRAGMA synchronous=NORMAL; PRAGMA wal_autocheckpoint=0;" : "PRAGMA synchronous=NORMAL;";

    private void Execute(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = For(backgroundCheckpoints);
        command.ExecuteNonQuery();
    }
}
