using Commet.Domain;
using Commet.Server.Organizations;
using Commet.Server.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Commet.Server.Tests.Infrastructure;

/// <summary>
/// A fresh organization with its own sandbox key, so that a test owns its test clock and its invoice numbers
/// even while other tests share the server.
/// </summary>
public sealed record TestTenant(ServerFixture Server, string OrganizationId, string SandboxKey) 
{
    public HttpClient Api => Server.Client(SandboxKey);

    /// <summary>A database context scoped to this tenant's sandbox data, for asserting on what the API wrote.</summary>
    public CommetDb Db()
    {
        var db = Server.Services.GetRequiredService<IDbContextFactory<CommetDb>>().CreateDbContext();
        db.ScopeTo(OrganizationId, false);
        return db;
    }
}

public static class TenantExtensions
{
    public static async Task<TestTenant> NewTenantAsync(this ServerFixture server)
    {
        var factory = server.Services.GetRequiredService<IDbContextFactory<CommetDb>>();
        var keys = server.Services.GetRequiredService<ApiKeyService>();
        await using var db = factory.CreateDbContext();
        var org = new Organization { Id = Ids.New(Ids.Organization), Name = "Acme " + Guid.NewGuid().ToString("N")[..6], CreatedAt = DateTime.UtcNow };
        db.Organizations.Add(org);
        await db.SaveChangesAsync();
        var (_, secret) = await keys.CreateAsync(db, org.Id, false, "test", null, null, CancellationToken.None);
        return new TestTenant(server, org.Id, secret);
    }
}
