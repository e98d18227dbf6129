using Commet.Domain;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Persistence;

/// <summary>
/// One database transaction around a piece of work that answers a value or a coded error: it commits on success and
/// rolls back on an error. On SQLite, write transactions of this process queue on <see cref="SqliteWriteGate"/>
/// first, so each finds the single writer's slot free. Inside a transaction that is already open on the context
/// (a form's one-time charge token claimed around the operation, see <c>Portal/ChargeForms</c>), the work runs in a
/// savepoint instead: its error rolls back to the savepoint, its success is kept and commits with the outer transaction.
/// </summary>
public static class UnitOfWork
{
    /// <summary>
    /// Runs <paramref name="work"/> in a transaction. When a unique index refuses the commit (a concurrent request won
    /// the race), the answer is <paramref name="onConflict"/>; without one, the exception propagates.
    /// </summary>
    public static async Task<Result<T>> InTransactionAsync<T>(this CommetDb db, Func<Task<Result<T>>> work, CancellationToken ct, Error? onConflict = null)
    {
        var gate = await SqliteWriteGate.WaitAsync(db, ct);
        if (gate is not null)
        {
            SqliteWriteGate.MarkHeld(true);
        }
        try
        {
            return await RunAsync(db, work, onConflict, ct);
        }
        finally
        {
            if (gate is not null)
            {
                SqliteWriteGate.MarkHeld(false);
                gate.Release();
            }
        }
    }

    private static async Task<Result<T>> RunAsync<T>(CommetDb db, Func<Task<Result<T>>> work, Error? onConflict, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is { } outer)
        {
            return await RunInSavepointAsync(db, outer, work, onConflict, ct);
        }
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            var result = await work();
            if (result.IsSuccess)
            {
                await SaveWithoutSavepointAsync(db, ct);
                await tx.CommitAsync(ct);
            }
            else
            {
                await tx.RollbackAsync(ct);
                db.ChangeTracker.Clear();
            }
            return result;
        }
        catch (DbUpdateException ex) when (onConflict is not null && DbErrors.IsUniqueViolation(ex))
        {
            db.ChangeTracker.Clear();
            return onConflict;
        }
        catch
        {
            db.ChangeTracker.Clear();
            throw;
        }
    }

    private static async Task<Result<T>> RunInSavepointAsync<T>(CommetDb db, Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction outer,
        Func<Task<Result<T>>> work, Error? onConflict, CancellationToken ct)
    {
        var savepoint = "unit_" + Guid.NewGuid().ToString("N")[..12];
        await outer.CreateSavepointAsync(savepoint, ct);
        try
        {
            var result = await work();
            if (result.IsSuccess)
            {
                await SaveWithoutSavepointAsync(db, ct);
                await outer.ReleaseSavepointAsync(savepoint, ct);
            }
            else
            {
                await outer.RollbackToSavepointAsync(savepoint, ct);
                db.ChangeTracker.Clear();
            }
            return result;
        }
        catch (DbUpdateException ex) when (onConflict is not null && DbErrors.IsUniqueViolation(ex))
        {
            await outer.RollbackToSavepointAsync(savepoint, ct);
            db.ChangeTracker.Clear();
            return onConflict;
        }
        catch
        {
            db.ChangeTracker.Clear();
            throw;
        }
    }

    /// <summary>
    /// Saves the unit's changes without the savepoint EF Core otherwise wraps a save inside a transaction in (a
    /// <c>SAVEPOINT</c> before and a <c>RELEASE</c> after: two more statements, on PostgreSQL two more round trips, for every
    /// unit that saves). That savepoint keeps the transaction usable after a failed save. A unit never goes on after its
    /// save fails: the transaction is rolled back (or, nested, rolled back to the unit's own savepoint), so it is not needed.
    /// </summary>
    private static async Task SaveWithoutSavepointAsync(CommetDb db, CancellationToken ct)
    {
        var auto = db.Database.AutoSavepointsEnabled;
        db.Database.AutoSavepointsEnabled = false;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        finally
        {
            db.Database.AutoSavepointsEnabled = auto;
        }
    }
}
