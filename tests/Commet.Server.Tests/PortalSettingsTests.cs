using System.Net;
using Commet.Server.Tests.Infrastructure;

namespace Commet.Server.Tests;

/// <summary><c>GET/PUT /api/v1/portal/settings</c> and what the portal does with them.</summary>
public abstract class PortalSettingsTests<TServer>(TServer server) : IClassFixture<TServer>
    where TServer : ServerFixture
{
    [Fact]
    public async Task Get_WithoutSettings_AnswersTheDefaults()
    {
        var t = await server.NewTenantAsync();

        var s = await t.Api.GetJson("/api/v1/portal/settings").Ok();

        Assert.Equal("portal_settings", s.Str("object"));
        Assert.StartsWith("Acme", s.Str("displayName"), StringComparison.Ordinal);
        Assert.Equal("#1d4ed8", s.Str("accentColor"));
        Assert.Equal(120, s["idleTimeoutMinutes"]!.GetValue<int>());
        Assert.Equal(12, s["absoluteTimeoutHours"]!.GetValue<int>());
        Assert.Equal(500, s["topupMinimum"]!.GetValue<long>());
        Assert.True(s["sections"]!["usage"]!.GetValue<bool>());
        Assert.False(s["livemode"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Put_ChangesOnlyWhatIsSent_AndThePortalShowsTheBranding()
    {
        var t = await server.NewTenantAsync();
        await t.Api.Customer("ann", card: null);

        await t.Api.PutJson("/api/v1/portal/settings", new
        {
            displayName = "Globex Cloud",
            accentColor = "#FA0",
            supportEmail = "help@globex.example",
            termsUrl = "https://globex.example/terms",
            privacyUrl = "https://globex.example/privacy",
            logoUrl = "https://globex.example/logo.png",
        }).Ok();
        var after = await t.Api.PutJson("/api/v1/portal/settings", new { topupMinimum = 1000, sections = new { invoices = false } }).Ok();
        using var ann = await PortalClient.OpenAsync(server, t.Api, "ann");
        var overview = await ann.GetAsync("/portal");
        var invoices = await ann.GetAsync("/portal/invoices");

        Assert.Equal("Globex Cloud", after.Str("displayName"));
        Assert.Equal("#ffaa00", after.Str("accentColor"));
        Assert.Equal(1000, after["topupMinimum"]!.GetValue<long>());
        Assert.False(after["sections"]!["invoices"]!.GetValue<bool>());
        Assert.True(after["sections"]!["usage"]!.GetValue<bool>());
        Assert.Contains("Globex Cloud", overview.Html, StringComparison.Ordinal);
        Assert.Contains("--accent:#ffaa00;--on-accent:#111827", overview.Html, StringComparison.Ordinal);
        Assert.Contains("mailto:help@globex.example", overview.Html, StringComparison.Ordinal);
        Assert.Contains("https://globex.example/terms", overview.Html, StringComparison.Ordinal);
        Assert.Contains("https://globex.example/logo.png", overview.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"/portal/invoices\"", overview.Html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, invoices.Status);
    }

    [Fact]
    public async Task Put_InvalidValues_Are422NamingEveryField()
    {
        var t = await server.NewTenantAsync();

        var bad = await t.Api.PutJson("/api/v1/portal/settings", new
        {
            accentColor = "blue",
            logoUrl = "javascript:alert(1)",
            termsUrl = "/terms",
            supportEmail = "nope",
            idleTimeoutMinutes = 1,
            absoluteTimeoutHours = 1000,
            topupMinimum = 0,
        });
        var crossed = await t.Api.PutJson("/api/v1/portal/settings", new { topupMinimum = 5000, topupMaximum = 100 });
        var idleOverCap = await t.Api.PutJson("/api/v1/portal/settings", new { idleTimeoutMinutes = 180, absoluteTimeoutHours = 2 });

        Assert.Equal((HttpStatusCode.UnprocessableEntity, "validation_error"), (bad.Status, bad.ErrorCode));
        Assert.Equal(["absoluteTimeoutHours", "accentColor", "idleTimeoutMinutes", "logoUrl", "supportEmail", "termsUrl", "topupMinimum"], bad.ErrorFields.Order(StringComparer.Ordinal));
        Assert.Equal(["topupMaximum"], crossed.ErrorFields);
        Assert.Equal(["idleTimeoutMinutes"], idleOverCap.ErrorFields);
    }

    [Fact]
    public async Task Settings_ArePerMode()
    {
        var live = server.Client(ServerFixture.LiveKey);
        var sandbox = server.Client();

        await live.PutJson("/api/v1/portal/settings", new { displayName = $"Live {Guid.NewGuid():N}" }).Ok();
        var liveName = (await live.GetJson("/api/v1/portal/settings").Ok()).Str("displayName");
        var sandboxName = (await sandbox.GetJson("/api/v1/portal/settings").Ok()).Str("displayName");

        Assert.NotEqual(liveName, sandboxName);
        Assert.True((await live.GetJson("/api/v1/portal/settings").Ok())["livemode"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Settings_NeedAnApiKey()
    {
        var anonymous = server.Client(apiKey: null);

        var answer = await anonymous.GetJson("/api/v1/portal/settings");

        Assert.Equal((HttpStatusCode.Unauthorized, "unauthorized"), (answer.Status, answer.ErrorCode));
    }
}

public sealed class PortalSettingsTests_Sqlite(SqliteServer server) : PortalSettingsTests<SqliteServer>(server);

public sealed class PortalSettingsTests_Postgres(PostgresServer server) : PortalSettingsTests<PostgresServer>(server);
