using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Persistence;

/// <summary>
/// Serializes a start-up step across nodes that share one database: on PostgreSQL a transaction-scoped advisory lock
/// held while <c>step</c> runs (a second node starting at the same moment waits, then sees the first one's work); on
/// SQLite, where one process owns the file, the step simply runs. The lock's context is one of its own: its
/// connection holds the lock's transaction, so the step does its work on other contexts.
/// </summary>
public static class StartupLock
{
    /// <summary>The advisory lock's key: "commet" + 1, an arbitrary constant no other part of the server uses.</summary>
    private const long Key = 0x636f6d6d6574_01;

    public static async Task RunExclusiveAsync(CommetDb db, Func<CancellationToken, Task> step, CancellationToken ct)
    {
        if (!db.IsPostgres)
        {
            await step(ct);
            return;
        }
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_xact_lock({Key})", ct);
        await step(ct);
        await transaction.CommitAsync(ct);
    }
}
