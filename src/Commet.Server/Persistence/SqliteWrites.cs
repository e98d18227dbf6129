using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Commet.Server.Persistence;

/// <summary>
/// SQLite has one writer. When two connections of this process try to write at once, the loser gets SQLITE_BUSY
/// and Microsoft.Data.Sqlite retries after sleeping 150 ms, which turns a burst of small writes into long tails.
/// Taking this in-process gate first makes such writes queue for microseconds instead. PostgreSQL needs none.
/// </summary>
public static class SqliteWrites
{
    private static readonly SemaphoreSlim Gate = new(1, 1);

    public static async ValueTask<Releaser> EnterAsync(CommetDb db, CancellationToken ct)
    {
        if (db.IsPostgres)
        {
            return default;
        }
        await Gate.WaitAsync(ct);
        return new Releaser(Gate);
    }

    public readonly struct Releaser(SemaphoreSlim? gate) : IDisposable
    {
        public void Dispose() => gate?.Release();
    }
}

/// <summary>
/// <c>PRAGMA synchronous=NORMAL</c> on every SQLite connection: it is a per-connection setting, so setting it once at
/// migration (as <see cref="Database.MigrateAsync"/> does) leaves every pooled connection at FULL, which syncs the
/// write-ahead log on every commit. NORMAL in WAL mode survives a crash of the process; only an OS crash or power
/// loss can lose the last commits.
/// </summary>
public sealed class SqlitePragmas : DbConnectionInterceptor
{
    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    private static void Apply(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA synchronous=NORMAL;";
        command.ExecuteNonQuery();
    }
}
