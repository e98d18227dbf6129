using Commet.Server.Persistence;
using Commet.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Commet.Server.Tests;

/// <summary>Database contexts are pooled; one handed out again must not remember its previous tenant.</summary>
public abstract class DbContextPoolTests<TServer>(TServer server) : IClassFixture<TServer>
    where TServer : ServerFixture
{
    [Fact]
    public async Task AContextFromThePool_StartsWithNoTenant_AndSeesNoTenantRows()
    {
        var t = await server.NewTenantAsync();
        await t.Api.Customer("pooled", card: null);
        var factory = server.Services.GetRequiredService<IDbContextFactory<CommetDb>>();

        for (var i = 0; i < 20; i++)
        {
            await using (var scoped = factory.CreateDbContext())
            {
                scoped.ScopeTo(t.OrganizationId, false);
                Assert.Equal(1, await scoped.Customers.CountAsync());
            }
            await using var fresh = factory.CreateDbContext();
            Assert.Null(fresh.TenantOrganizationId);
            Assert.Equal(0, await fresh.Customers.CountAsync());
        }
    }
}

public sealed class DbContextPoolTests_Sqlite(SqliteServer server) : DbContextPoolTests<SqliteServer>(server);

public sealed class DbContextPoolTests_Postgres(PostgresServer server) : DbContextPoolTests<PostgresServer>(server);
