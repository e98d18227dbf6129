using Commet.Domain;
using Commet.Server.Http;
using Commet.Server.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Organizations;

/// <summary>Creates an API key of the caller's organization and mode (the API's <c>POST /api-keys</c> and the dashboard's Developers page).</summary>
public sealed class CreateApiKey(ApiKeyService keys, TimeProvider clock)
{
    public async Task<Result<CreatedApiKeyDto>> HandleAsync(CreateApiKeyRequest r, CommetDb db, ApiCaller caller, CancellationToken ct)
    {
        var check = new Check().Required("name", r.Name, 200).Range("expiresInDays", r.ExpiresInDays, 1, 3650);
        if (check.Failed)
        {
            return check.ToError();
        }
        DateTime? expires = r.ExpiresInDays is { } days ? clock.GetUtcNow().UtcDateTime.AddDays(days) : null;
        var (key, secret) = await keys.CreateAsync(db, caller.OrganizationId, caller.Livemode, r.Name!.Trim(), expires, null, ct);
        return new CreatedApiKeyDto(key.Id, key.Name, secret, key.Prefix, key.ExpiresAt, key.CreatedAt, key.Livemode);
    }
}

/// <summary>Revokes (deletes) an API key of the caller's organization and mode; a key cannot revoke itself.</summary>
public sealed class RevokeApiKey(ApiKeyService keys)
{
    public async Task<Result<ApiKey>> HandleAsync(string id, CommetDb db, ApiCaller caller, CancellationToken ct)
    {
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id, ct);
        if (key is null)
        {
            return Error.NotFound("api_key", $"No API key with ID '{id}'.");
        }
        if (key.Id == caller.ApiKeyId)
        {
            return Error.Conflict("api_key_in_use", "A key cannot delete itself; use another key of this organization.");
        }
        db.ApiKeys.Remove(key);
        await db.SaveChangesAsync(ct);
        keys.Forget(key.Hash);
        return key;
    }
}
