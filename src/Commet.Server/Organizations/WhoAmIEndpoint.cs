using System.Reflection;
using Commet.Server.Http;
using Commet.Server.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Organizations;

/// <summary>Who the API key belongs to: its organization, its mode, and the server's version (for the command line's <c>whoami</c> and <c>doctor</c>).</summary>
public sealed record WhoAmIDto(string OrganizationId, string OrganizationName, string ApiKeyId, bool Livemode, string ServerVersion)
{
    public string Object => "whoami";
}

/// <summary>A server addition: <c>GET /api/v1/whoami</c>.</summary>
public static class WhoAmIEndpoint
{
    public static readonly string ServerVersion =
        typeof(WhoAmIEndpoint).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public static void MapWhoAmI(this IEndpointRouteBuilder api)
    {
        api.MapGet("/whoami", async (CommetDb db, ApiCaller caller, CancellationToken ct) =>
        {
            var name = await db.Organizations.Where(o => o.Id == caller.OrganizationId).Select(o => o.Name).FirstOrDefaultAsync(ct) ?? "";
            return Answer.Ok(new WhoAmIDto(caller.OrganizationId, name, caller.ApiKeyId, caller.Livemode, ServerVersion));
        })
        .WithTags("API keys")
        .WithSummary("The API key's organization and mode, and the server's version (a server addition).");
    }
}
