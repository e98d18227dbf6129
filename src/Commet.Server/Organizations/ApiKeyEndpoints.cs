using Commet.Domain;
using Commet.Server.Http;
using Commet.Server.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Organizations;

public sealed class CreateApiKeyRequest
{
    public string? Name { get; set; }
    public int? ExpiresInDays { get; set; }
}

public sealed record ApiKeyDto(string Id, string Name, string Prefix, DateTime? ExpiresAt, DateTime? LastUsedAt, DateTime CreatedAt, bool Livemode)
{
    public string Object => "api_key";

    public static ApiKeyDto From(ApiKey k) => new(k.Id, k.Name, k.Prefix, k.ExpiresAt, k.LastUsedAt, k.CreatedAt, k.Livemode);
}

/// <summary>The only time the full key is ever shown.</summary>
public sealed record CreatedApiKeyDto(string Id, string Name, string ApiKey, string Prefix, DateTime? ExpiresAt, DateTime CreatedAt, bool Livemode)
{
    public string Object => "api_key";
}

public sealed record DeletedDto(string Id, string Object, bool Livemode)
{
    public bool Deleted => true;
}

/// <summary>API keys of the caller's organization and mode. A key creates keys of its own mode only.</summary>
public static class ApiKeyEndpoints
{
    public static void MapApiKeys(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/api-keys").WithTags("API keys");

        group.MapGet("/", async Task<Results<ApiPage<ApiKeyDto>, ApiInvalid>> (string? limit, string? cursor, CommetDb db, CancellationToken ct) =>
        {
            var page = PageRequest.From(limit, cursor);
            if (!page.IsSuccess)
            {
                return Answer.Invalid(page.Error);
            }
            var result = await db.ApiKeys.AsNoTracking().ToPageAsync(page.Value, ct);
            return Answer.Page(result.Map(ApiKeyDto.From));
        }).WithSummary("List API keys (never the secret).");

        group.MapPost("/", async Task<Results<ApiCreated<CreatedApiKeyDto>, ApiProblem>> (Json<CreateApiKeyRequest> body, CommetDb db, ApiCaller caller, ApiKeyService keys, TimeProvider clock, CancellationToken ct) =>
        {
            var r = body.Value;
            var check = new Check().Required("name", r.Name, 200).Range("expiresInDays", r.ExpiresInDays, 1, 3650);
            if (check.Failed)
            {
                return Answer.Problem(check.ToError());
            }
            DateTime? expires = r.ExpiresInDays is { } days ? clock.GetUtcNow().UtcDateTime.AddDays(days) : null;
            var (key, secret) = await keys.CreateAsync(db, caller.OrganizationId, caller.Livemode, r.Name!.Trim(), expires, null, ct);
            return Answer.Created(new CreatedApiKeyDto(key.Id, key.Name, secret, key.Prefix, key.ExpiresAt, key.CreatedAt, key.Livemode));
        }).WithSummary("Create an API key; the full key is in this answer only.");

        group.MapDelete("/{id}", async Task<Results<ApiOk<DeletedDto>, ApiNotFound, ApiProblem>> (string id, CommetDb db, ApiCaller caller, ApiKeyService keys, CancellationToken ct) =>
        {
            var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id, ct);
            if (key is null)
            {
                return Answer.NotFound(Error.NotFound("api_key", $"No API key with ID '{id}'."));
            }
            if (key.Id == caller.ApiKeyId)
            {
                return Answer.Problem(Error.Conflict("api_key_in_use", "A key cannot delete itself; use another key of this organization."));
            }
            db.ApiKeys.Remove(key);
            await db.SaveChangesAsync(ct);
            keys.Forget(key.Hash);
            return Answer.Ok(new DeletedDto(key.Id, "api_key", key.Livemode));
        }).WithSummary("Revoke and delete an API key.");
    }
}
