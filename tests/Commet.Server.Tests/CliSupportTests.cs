using System.Net;
using Commet.Server.Tests.Infrastructure;

namespace Commet.Server.Tests;

/// <summary>The two server additions the command line needs: <c>GET /api/v1/whoami</c> and <c>sortOrder</c> on plan update.</summary>
public abstract class CliSupportTests<TServer>(TServer server) : IClassFixture<TServer>
    where TServer : ServerFixture
{
    [Fact]
    public async Task WhoAmI_AnswersTheKeysOrganizationModeAndServerVersion()
    {
        var tenant = await server.NewTenantAsync();

        var sandbox = await tenant.Api.GetJson("/api/v1/whoami");
        var live = await server.Client(ServerFixture.LiveKey).GetJson("/api/v1/whoami");
        var anonymous = await server.Client(null).GetJson("/api/v1/whoami");

        Assert.Equal(HttpStatusCode.OK, sandbox.Status);
        Assert.Equal("whoami", sandbox.Data["object"]!.GetValue<string>());
        Assert.Equal(tenant.OrganizationId, sandbox.Data["organizationId"]!.GetValue<string>());
        await using (var db = tenant.Db())
        {
            Assert.Equal(db.Organizations.Single(o => o.Id == tenant.OrganizationId).Name, sandbox.Data["organizationName"]!.GetValue<string>());
        }
        Assert.False(sandbox.Data["livemode"]!.GetValue<bool>());
        Assert.Matches(@"^\d+\.\d+\.\d+", sandbox.Data["serverVersion"]!.GetValue<string>());
        Assert.StartsWith("key_", sandbox.Data["apiKeyId"]!.GetValue<string>());
        Assert.True(live.Data["livemode"]!.GetValue<bool>());
        Assert.NotEqual(tenant.OrganizationId, live.Data["organizationId"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.Status);
    }

    [Fact]
    public async Task PlanUpdate_SetsSortOrder_KeepsItWhenLeftOut_AndRefusesANegativeOne()
    {
        var tenant = await server.NewTenantAsync();
        var api = tenant.Api;
        await api.PostJson("/api/v1/plans/manage", new { code = "pro", name = "Pro", sortOrder = 1 }).Ok(HttpStatusCode.Created);

        var moved = await api.PutJson("/api/v1/plans/pro/manage", new { sortOrder = 7 }).Ok();
        var renamed = await api.PutJson("/api/v1/plans/pro/manage", new { name = "Pro+" }).Ok();
        var refused = await api.PutJson("/api/v1/plans/pro/manage", new { sortOrder = -1 });
        var got = await api.GetJson("/api/v1/plans/pro");

        Assert.Equal(7, moved["sortOrder"]!.GetValue<int>());
        Assert.Equal((7, "Pro+"), (renamed["sortOrder"]!.GetValue<int>(), renamed["name"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.Status);
        Assert.Equal(["sortOrder"], refused.ErrorFields);
        Assert.Equal(7, got.Data["sortOrder"]!.GetValue<int>());
    }
}

public sealed class CliSupportTests_Sqlite(SqliteServer server) : CliSupportTests<SqliteServer>(server);

public sealed class CliSupportTests_Postgres(PostgresServer server) : CliSupportTests<PostgresServer>(server);
