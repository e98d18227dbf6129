using Commet.Domain;
using Commet.Server.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Http;

public enum ClaimOutcome
{
    Claimed,
    Replay,
    Mismatch,
    InProgress,
}

public sealed record Claim(ClaimOutcome Outcome, IdempotencyRecord? Record);

/// <summary>
/// The idempotency table. A unique primary key on (organization, mode, key) decides which of two concurrent
/// requests runs; the other sees the row and answers accordingly.
/// </summary>
public sealed class IdempotencyStore(IDbContextFactory<CommetDb> dbFactory, TimeProvider clock)
{
    public async Task<Claim> ClaimAsync(string organizationId, bool livemode, string key, string hash, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            db.IdempotencyRecords.Add(new IdempotencyRecord
            {
                OrganizationId = organizationId,
                Livemode = livemode,
                Key = key,
                RequestHash = hash,
                CreatedAt = now,
            });
            try
            {
                await db.SaveChangesAsync(ct); // queues on the SQLite write gate by itself (CommetDb.SaveChangesAsync)
                return new Claim(ClaimOutcome.Claimed, null);
            }
            catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
            {
                db.ChangeTracker.Clear();
            }

            var existing = await db.IdempotencyRecords.AsNoTracking()
                .FirstOrDefaultAsync(r => r.OrganizationId == organizationId && r.Livemode == livemode && r.Key == key, ct);
            if (existing is null)
            {
                continue; // released between our insert and our read: try to claim again
            }
            if (existing.CreatedAt <= now - IdempotencyMiddleware.Retention)
            {
                // Expired: forget it and claim afresh.
                await db.IdempotencyRecords
                    .Where(r => r.OrganizationId == organizationId && r.Livemode == livemode && r.Key == key && r.CreatedAt == existing.CreatedAt)
                    .ExecuteDeleteAsync(ct);
                continue;
            }
            if (existing.RequestHash != hash)
            {
                return new Claim(ClaimOutcome.Mismatch, existing);
            }
            return existing.Completed ? new Claim(ClaimOutcome.Replay, existing) : new Claim(ClaimOutcome.InProgress, existing);
        }
        return new Claim(ClaimOutcome.InProgress, null);
    }

    public async Task CompleteAsync(string organizationId, bool livemode, string key, int status, byte[] body, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var gate = await SqliteWriteGate.WaitAsync(db, ct);
        try
        {
            await db.IdempotencyRecords
                .Where(r => r.OrganizationId == organizationId && r.Livemode == livemode && r.Key == key)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.Completed, true).SetProperty(r => r.StatusCode, status).SetProperty(r => r.ResponseBody, body), ct);
        }
        finally
        {
            gate?.Release();
        }
    }

    public async Task ReleaseAsync(string organizationId, bool livemode, string key, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var gate = await SqliteWriteGate.WaitAsync(db, ct);
        try
        {
            await db.IdempotencyRecords
                .Where(r => r.OrganizationId == organizationId && r.Livemode == livemode && r.Key == key && !r.Completed)
                .ExecuteDeleteAsync(ct);
        }
        finally
        {
            gate?.Release();
        }
    }

    /// <summary>Deletes answers older than the retention period.</summary>
    public async Task<int> PurgeAsync(CancellationToken ct)
    {
        var cutoff = clock.GetUtcNow().UtcDateTime - IdempotencyMiddleware.Retention;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.IdempotencyRecords.Where(r => r.CreatedAt < cutoff).ExecuteDeleteAsync(ct);
    }
}
