using System.Net;
using Commet.Server.Tests.Infrastructure;

namespace Commet.Server.Tests;

/// <summary>
/// Portal expiry on the server's real clock (a <see cref="Microsoft.Extensions.Time.Testing.FakeTimeProvider"/> here),
/// never the sandbox test clock: unopened links die after 2 hours, sessions after 2 idle hours (sliding), and
/// every session after the absolute cap.
/// </summary>
public sealed class PortalSessionTimeTests(FakeClockSqliteServer server) : IClassFixture<FakeClockSqliteServer>
{
    private static readonly TimeSpan JustUnder2h = TimeSpan.FromHours(2) - TimeSpan.FromSeconds(1);

    [Fact]
    public async Task UnopenedLink_DiesAfter2Hours()
    {
        var t = await server.NewTenantAsync();
        await t.Api.Customer("ann", card: null);
        var early = await PortalClient.LinkAsync(t.Api, "ann");
        var late = await PortalClient.LinkAsync(t.Api, "ann");
        using var browser = new PortalClient(server.BaseAddress);

        server.Clock.Advance(JustUnder2h);
        var openedInTime = await browser.GetAsync(early);
        server.Clock.Advance(TimeSpan.FromSeconds(2));
        var openedTooLate = await new PortalClient(server.BaseAddress).GetAsync(late);

        Assert.Equal(HttpStatusCode.Found, openedInTime.Status);
        Assert.Equal(HttpStatusCode.Gone, openedTooLate.Status);
        Assert.Contains("already been used or has expired", openedTooLate.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Session_Idle2Hours_Ends_ButActivitySlidesIt()
    {
        var t = await server.NewTenantAsync();
        await t.Api.Customer("ann", card: null);
        using var active = await PortalClient.OpenAsync(server, t.Api, "ann");
        using var idle = await PortalClient.OpenAsync(server, t.Api, "ann");

        for (var i = 0; i < 3; i++)
        {
            server.Clock.Advance(JustUnder2h);
            Assert.Equal(HttpStatusCode.OK, (await active.GetAsync("/portal")).Status);
        }
        var idleAfter6h = await idle.GetAsync("/portal");
        server.Clock.Advance(TimeSpan.FromHours(2) + TimeSpan.FromSeconds(1));
        var activeAfterIdle = await active.GetAsync("/portal");

        Assert.Equal((HttpStatusCode.Found, "/portal/ended"), (idleAfter6h.Status, idleAfter6h.Location));
        Assert.Equal((HttpStatusCode.Found, "/portal/ended"), (activeAfterIdle.Status, activeAfterIdle.Location));
    }

    [Fact]
    public async Task Session_EndsAtTheAbsoluteCap_HoweverActive()
    {
        var t = await server.NewTenantAsync();
        await t.Api.Customer("ann", card: null);
        using var browser = await PortalClient.OpenAsync(server, t.Api, "ann");

        for (var i = 0; i < 11; i++)
        {
            server.Clock.Advance(TimeSpan.FromHours(1));
            Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/portal/invoices")).Status);
        }
        server.Clock.Advance(TimeSpan.FromHours(1));
        var at12h = await browser.GetAsync("/portal/invoices");

        Assert.Equal((HttpStatusCode.Found, "/portal/ended"), (at12h.Status, at12h.Location));
    }

    [Fact]
    public async Task OrganizationSettings_ShortenIdleTimeAndCap()
    {
        var t = await server.NewTenantAsync();
        await t.Api.Customer("ann", card: null);
        await t.Api.PutJson("/api/v1/portal/settings", new { idleTimeoutMinutes = 30, absoluteTimeoutHours = 1 }).Ok();
        using var idle = await PortalClient.OpenAsync(server, t.Api, "ann");
        using var busy = await PortalClient.OpenAsync(server, t.Api, "ann");

        server.Clock.Advance(TimeSpan.FromMinutes(29));
        Assert.Equal(HttpStatusCode.OK, (await busy.GetAsync("/portal")).Status);
        server.Clock.Advance(TimeSpan.FromMinutes(2));
        var idleAfter31 = await idle.GetAsync("/portal");
        Assert.Equal(HttpStatusCode.OK, (await busy.GetAsync("/portal")).Status);
        server.Clock.Advance(TimeSpan.FromMinutes(29));
        var busyAfter1h = await busy.GetAsync("/portal");

        Assert.Equal(HttpStatusCode.Found, idleAfter31.Status);
        Assert.Equal((HttpStatusCode.Found, "/portal/ended"), (busyAfter1h.Status, busyAfter1h.Location));
    }

    [Fact]
    public async Task SandboxTestClock_DoesNotAgeSessions()
    {
        var t = await server.NewTenantAsync();
        await t.Api.Customer("ann", card: null);
        using var browser = await PortalClient.OpenAsync(server, t.Api, "ann");
        var link = await PortalClient.LinkAsync(t.Api, "ann");

        await t.Api.Advance(30);
        var page = await browser.GetAsync("/portal");
        var opened = await new PortalClient(server.BaseAddress).GetAsync(link);

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Equal(HttpStatusCode.Found, opened.Status);
    }
}
