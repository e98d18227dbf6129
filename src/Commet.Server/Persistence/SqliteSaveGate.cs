using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Commet.Server.Persistence;

/// <summary>
/// A <c>SaveChanges</c> outside a transaction is a write transaction of its own; on SQLite it queues at the
/// <see cref="SqliteWriteGate"/> like the explicit ones, so it never meets a writer holding the file and sleeps in
/// SQLite's busy handler (150 ms a try). Saves inside a transaction are left alone: that transaction's owner decides.
/// </summary>
internal sealed class SqliteSaveGate : SaveChangesInterceptor
{
    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        if (eventData.Context is CommetDb db && db.Database.CurrentTransaction is null && db.SaveGate is null)
        {
            db.SaveGate = await SqliteWriteGate.WaitAsync(db, cancellationToken);
        }
        return result;
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (eventData.Context is CommetDb db && db.Database.CurrentTransaction is null && db.SaveGate is null)
        {
            db.SaveGate = SqliteWriteGate.WaitAsync(db, CancellationToken.None).GetAwaiter().GetResult();
        }
        return result;
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Release(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Release(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => Release(eventData.Context);

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Release(eventData.Context);
        return Task.CompletedTask;
    }

    public override void SaveChangesCanceled(DbContextEventData eventData) => Release(eventData.Context);

    public override Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken cancellationToken = default)
    {
        Release(eventData.Context);
        return Task.CompletedTask;
    }

    private static void Release(DbContext? context)
    {
        if (context is CommetDb { SaveGate: { } gate } db)
        {
            db.SaveGate = null;
            gate.Release();
        }
    }
}

public abstract partial class CommetDb
{
    /// <summary>The SQLite write gate a save outside a transaction holds while it runs (<see cref="SqliteSaveGate"/>).</summary>
    internal SemaphoreSlim? SaveGate { get; set; }
}
