using System.Net;
using Commet.Server.Organizations;
using Commet.Server.Persistence;
using Commet.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Commet.Server.Tests;

public abstract class ApiKeyTests<TServer>(TServer server) : IClassFixture<TServer>
    where TServer : ServerFixture
{
    private readonly HttpClient api = server.Client();

    [Fact]
    public async Task Create_ShowsTheKeyOnce_AndTheKeyWorks_InTheSameMode()
    {
        var created = await api.PostJson("/api/v1/api-keys", new { name = "ci" });

        Assert.Equal(HttpStatusCode.Created, created.Status);
        var secret = created.Data["apiKey"]!.GetValue<string>();
        Assert.StartsWith("ck_test_", secret);
        Assert.Equal(secret[..12], created.Data["prefix"]!.GetValue<string>());

        var viaNewKey = await server.Client(secret).PostJson("/api/v1/customers", new { email = "k@example.com" });
        Assert.False(viaNewKey.Data["livemode"]!.GetValue<bool>());

        var list = await api.GetJson("/api/v1/api-keys");
        Assert.DoesNotContain(secret, list.Raw, StringComparison.Ordinal);
        Assert.Contains(list.Data.AsArray(), k => k!["id"]!.GetValue<string>() == created.Data["id"]!.GetValue<string>());
        Assert.All(list.Data.AsArray(), k => Assert.Null(k!["apiKey"]));
    }

    [Fact]
    public async Task AKeyUsedWithinTheMinute_IsResolvedAgainWithoutAWrite()
    {
        var t = await server.NewTenantAsync();
        var keys = server.Services.GetRequiredService<ApiKeyService>();
        var meter = server.Services.GetRequiredService<RoundTripMeter>();
        RoundTripMeter.CountThisRequest();

        // Never used: the resolution reads the key and records lastUsedAt.
        var before = meter.Count;
        Assert.NotNull(await keys.ResolveAsync(t.SandboxKey, CancellationToken.None));
        var first = meter.Count - before;
        var used = await LastUsedAsync(t);
        Assert.NotNull(used);

        // The cache entry gone (as after its 15 s), the key is read again; lastUsedAt is under a minute old, so no write
        // is sent (on SQLite even an update that changes nothing takes the single writer's turn).
        keys.Forget(ApiKeyService.Hash(t.SandboxKey));
        before = meter.Count;
        Assert.NotNull(await keys.ResolveAsync(t.SandboxKey, CancellationToken.None));
        var second = meter.Count - before;

        Assert.Equal((2L, 1L), (first, second));
        Assert.Equal(used, await LastUsedAsync(t));
    }

    private async Task<DateTime?> LastUsedAsync(TestTenant t)
    {
        await using var db = server.Services.GetRequiredService<IDbContextFactory<CommetDb>>().CreateDbContext();
        var hash = ApiKeyService.Hash(t.SandboxKey);
        return await db.ApiKeys.IgnoreQueryFilters().Where(k => k.Hash == hash).Select(k => k.LastUsedAt).SingleAsync();
    }

    [Fact]
    public async Task LiveKey_CreatesLiveKeys()
    {
        var created = await server.Client(ServerFixture.LiveKey).PostJson("/api/v1/api-keys", new { name = "live ci" });
        Assert.StartsWith("ck_live_", created.Data["apiKey"]!.GetValue<string>());
        Assert.True(created.Data["livemode"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Delete_RevokesTheKey()
    {
        var created = await api.PostJson("/api/v1/api-keys", new { name = "short-lived" });
        var secret = created.Data["apiKey"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.OK, (await server.Client(secret).GetJson("/api/v1/customers")).Status);

        var deleted = await api.Delete($"/api/v1/api-keys/{created.Data["id"]}");

        Assert.True(deleted.Data["deleted"]!.GetValue<bool>());
        // Deleting on this node drops the key from its cache at once.
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.Client(secret).GetJson("/api/v1/customers")).Status);
    }

    [Fact]
    public async Task Delete_TheCallingKey_Is409()
    {
        var created = await api.PostJson("/api/v1/api-keys", new { name = "self" });
        var secret = created.Data["apiKey"]!.GetValue<string>();

        var answer = await server.Client(secret).Delete($"/api/v1/api-keys/{created.Data["id"]}");

        Assert.Equal(HttpStatusCode.Conflict, answer.Status);
    }

    [Fact]
    public async Task Delete_AKeyOfTheOtherMode_Is404()
    {
        var live = await server.Client(ServerFixture.LiveKey).PostJson("/api/v1/api-keys", new { name = "live" });
        var answer = await api.Delete($"/api/v1/api-keys/{live.Data["id"]}");
        Assert.Equal("api_key_not_found", answer.ErrorCode);
    }

    [Fact]
    public async Task Create_WithoutName_Is422()
    {
        var answer = await api.PostJson("/api/v1/api-keys", new { expiresInDays = -1 });
        Assert.Equal(["expiresInDays", "name"], answer.ErrorFields.Order().ToArray());
    }
}

public sealed class ApiKeyTests_Sqlite(SqliteServer server) : ApiKeyTests<SqliteServer>(server);

public sealed class ApiKeyTests_Postgres(PostgresServer server) : ApiKeyTests<PostgresServer>(server);
