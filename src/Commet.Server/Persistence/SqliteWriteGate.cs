using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Persistence;

/// <summary>
/// SQLite lets one writer in at a time, and Microsoft.Data.Sqlite answers a busy database by putting its thread
/// to sleep for 150 ms before it tries again: under concurrent writes most of the time went to those sleeps.
/// Write transactions of this process queue here instead (one gate per database file, waited on without
/// blocking a thread), so each finds the database free. Another process writing to the same file still meets
/// SQLite's own busy handling. A transaction started inside another one on the same flow does not wait for the gate
/// its caller holds.
/// </summary>
public static class SqliteWriteGate
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);
    private static readonly AsyncLocal<bool> Held = new();

    /// <summary>Waits for the gate of <paramref name="db"/>'s file; null on PostgreSQL, or when this flow holds it already.</summary>
    public static async Task<SemaphoreSlim?> WaitAsync(CommetDb db, CancellationToken ct)
    {
        if (db.IsPostgres || Held.Value)
        {
            return null;
        }
        var gate = Gates.GetOrAdd(db.Database.GetConnectionString() ?? "", _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        return gate;
    }

    /// <summary>
    /// Holds the gate around a write outside <see cref="UnitOfWork.InTransactionAsync{T}"/> (a single statement, or a
    /// write on a connection of its own): <c>using (await SqliteWriteGate.EnterAsync(db, ct)) { ... }</c>.
    /// </summary>
    public static async Task<Releaser> EnterAsync(CommetDb db, CancellationToken ct) => new(await WaitAsync(db, ct));

    /// <summary>Releases the gate taken by <see cref="EnterAsync"/> (nothing on PostgreSQL or when the flow held it already).</summary>
    public readonly struct Releaser(SemaphoreSlim? gate) : IDisposable
    {
        public void Dispose() => gate?.Release();
    }

    /// <summary>Marks the current flow as holding the gate (call it in the method that holds it: AsyncLocal changes do not flow back to callers).</summary>
    public static void MarkHeld(bool held) => Held.Value = held;
}
