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

        group.MapPost("/", async Task<Results<ApiCreated<CreatedApiKeyDto>, ApiProblem>> (Json<CreateApiKeyRequest> body, CommetDb db, ApiCaller caller, CreateApiKey create, CancellationToken ct) =>
        {
            var result = await create.HandleAsync(body.Value, db, caller, ct);
            return result.IsSuccess ? Answer.Created(result.Value) : Answer.Problem(result.Error!);
        }).WithSummary("Create an API key; the full key is in this answer only.");

        group.MapDelete("/{id}", async Task<Results<ApiOk<DeletedDto>, ApiNotFound, ApiProblem>> (string id, CommetDb db, ApiCaller caller, RevokeApiKey revoke, CancellationToken ct) =>
        {
            var result = await revoke.HandleAsync(id, db, caller, ct);
            if (!result.IsSuccess)
            {
                return result.Error!.Status == StatusCodes.Status404NotFound ? Answer.NotFound(result.Error) : Answer.Problem(result.Error);
            }
            return Answer.Ok(new DeletedDto(result.Value.Id, "api_key", result.Value.Livemode));
        }).WithSummary("Revoke and delete an API key.");
    }
}
