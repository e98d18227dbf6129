using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Commet.Server.Persistence;

/// <summary>
/// <c>PRAGMA synchronous=NORMAL</c> on every SQLite connection: it is a per-connection setting, so setting it once at
/// migration (as <see cref="Database.MigrateAsync"/> does) leaves every pooled connection at FULL, which syncs the
/// write-ahead log on every commit. NORMAL in WAL mode survives a crash of the process; only an OS crash or power
/// loss can lose the last commits. A pooled connection keeps the setting between opens, so each native connection is set
/// once (it was a statement on every open: two or three per request).
/// </summary>
public sealed class SqlitePragmas : DbConnectionInterceptor
{
    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    /// <summary>The native connections already set: a pooled connection keeps its setting, so it is set once, not on every open.</summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<object, object> Set = new();

    private static void Apply(DbConnection connection)
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

    private static void Execute(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA synchronous=NORMAL;";
        command.ExecuteNonQuery();
    }
}
