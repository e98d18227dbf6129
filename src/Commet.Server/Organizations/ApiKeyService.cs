using System.Security.Cryptography;
using System.Text;
using Commet.Domain;
using Commet.Server.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace Commet.Server.Organizations;

/// <summary>Makes, hashes and resolves API keys. Only SHA-256 hashes are stored.</summary>
public sealed class ApiKeyService(IDbContextFactory<CommetDb> dbFactory, IMemoryCache cache, TimeProvider clock)
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan TouchEvery = TimeSpan.FromMinutes(1);

    public sealed record ResolvedKey(string Id, string OrganizationId, bool Livemode, DateTime? ExpiresAt);

    public static string Generate(bool livemode)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        // 40 characters of base62: about 238 bits.
        var secret = RandomNumberGenerator.GetString(alphabet, 40);
        return (livemode ? "ck_live_" : "ck_test_") + secret;
    }

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public static string PrefixOf(string key) => key.Length <= 12 ? key : key[..12];

    /// <summary>Finds the key's owner, or null. Results (and misses) are cached briefly to keep the hot path off the database.</summary>
    public async Task<ResolvedKey?> ResolveAsync(string key, CancellationToken ct)
    {
        if (!key.StartsWith("ck_", StringComparison.Ordinal) || key.Length > 200)
        {
            return null;
        }
        var hash = Hash(key);
        if (!cache.TryGetValue(hash, out ResolvedKey? resolved))
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var found = await db.ApiKeys.IgnoreQueryFilters().AsNoTracking()
                .Where(k => k.Hash == hash)
                .Select(k => new { Key = new ResolvedKey(k.Id, k.OrganizationId, k.Livemode, k.ExpiresAt), k.LastUsedAt })
                .FirstOrDefaultAsync(ct);
            resolved = found?.Key;
            cache.Set(hash, resolved, CacheFor);
            if (found is not null)
            {
                await TouchAsync(db, found.Key.Id, found.LastUsedAt, ct);
            }
        }
        if (resolved?.ExpiresAt is { } expires && expires <= clock.GetUtcNow().UtcDateTime)
        {
            return null;
        }
        return resolved;
    }

    public void Forget(string hash) => cache.Remove(hash);

    public async Task<(ApiKey Key, string Secret)> CreateAsync(CommetDb db, string organizationId, bool livemode, string name,
        DateTime? expiresAt, string? givenSecret, CancellationToken ct)
    {
        var secret = givenSecret ?? Generate(livemode);
        var now = clock.GetUtcNow().UtcDateTime;
        var key = new ApiKey
        {
            Id = Ids.New(Ids.ApiKey, clock),
            OrganizationId = organizationId,
            Livemode = livemode,
            Name = name,
            Prefix = PrefixOf(secret),
            Hash = Hash(secret),
            ExpiresAt = expiresAt,
            CreatedAt = now,
        };
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync(ct);
        return (key, secret);
    }

    private async Task TouchAsync(CommetDb db, string keyId, DateTime? lastUsedAt, CancellationToken ct)
    {
        // lastUsedAt is kept to the minute: one write per key per minute, not one per request (nor one per cache miss:
        // a write that would change nothing is not sent, since on SQLite even that takes the single writer's turn).
        var now = clock.GetUtcNow().UtcDateTime;
        var staleBefore = now - TouchEvery;
        if (lastUsedAt >= staleBefore)
        {
            return;
        }
        using (await SqliteWriteGate.EnterAsync(db, ct))
        {
            await db.ApiKeys.IgnoreQueryFilters()
                .Where(k => k.Id == keyId && (k.LastUsedAt == null || k.LastUsedAt < staleBefore))
                .ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, now), ct);
        }
    }
}
