using System.Net;
using System.Security.Cryptography;
using System.Text;
using Commet.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Tests;

/// <summary>Asking for a portal link and opening it: validation, single use, hashes only, the session cookie, sign-out.</summary>
public abstract class PortalAccessTests<TServer>(TServer server) : IClassFixture<TServer>
    where TServer : ServerFixture
{
    [Theory]
    [InlineData("/api/v1/portal/request-access")]
    [InlineData("/api/portal/request-access")]
    public async Task RequestAccess_NeitherOrBothIdentifiers_Is422(string path)
    {
        var t = await server.NewTenantAsync();
        await t.Api.Customer("ann", card: null);

        var neither = await t.Api.PostJson(path, new { returnUrl = "https://example.com" });
        var both = await t.Api.PostJson(path, new { customerId = "ann", email = "ann@example.com" });
        var blank = await t.Api.PostJson(path, new { customerId = "  " });

        Assert.Equal((HttpStatusCode.UnprocessableEntity, "validation_error"), (neither.Status, neither.ErrorCode));
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "validation_error"), (both.Status, both.ErrorCode));
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "validation_error"), (blank.Status, blank.ErrorCode));
    }

    [Theory]
    [InlineData("javascript:alert(1)")]
    [InlineData("/account")]
    [InlineData("account")]
    [InlineData("ftp://example.com/x")]
    [InlineData("https://user:pass@example.com/")]
    public async Task RequestAccess_UnsafeReturnUrl_Is422OnReturnUrl(string returnUrl)
    {
        var t = await server.NewTenantAsync();
        await t.Api.Customer("ann", card: null);

        var answer = await t.Api.PostJson("/api/v1/portal/request-access", new { customerId = "ann", returnUrl });

        Assert.Equal((HttpStatusCode.UnprocessableEntity, "validation_error"), (answer.Status, answer.ErrorCode));
        Assert.Equal(["returnUrl"], answer.ErrorFields);
    }

    [Fact]
    public async Task RequestAccess_UnknownCustomer_Is404CustomerNotFound_ByIdAndByEmail()
    {
        var t = await server.NewTenantAsync();

        var byId = await t.Api.PostJson("/api/v1/portal/request-access", new { customerId = "nobody" });
        var byEmail = await t.Api.PostJson("/api/v1/portal/request-access", new { email = "nobody@example.com" });
        var legacy = await t.Api.PostJson("/api/portal/request-access", new { customerId = "cus_01J00000000000000000000000" });

        Assert.Equal((HttpStatusCode.NotFound, "customer_not_found"), (byId.Status, byId.ErrorCode));
        Assert.Equal((HttpStatusCode.NotFound, "customer_not_found"), (byEmail.Status, byEmail.ErrorCode));
        Assert.Equal((HttpStatusCode.NotFound, "customer_not_found"), (legacy.Status, legacy.ErrorCode));
    }

    [Fact]
    public async Task RequestAccess_ByOurIdExternalIdOrEmail_AnswersPortalSessionShape()
    {
        var t = await server.NewTenantAsync();
        var id = await t.Api.Customer("ann", card: null);

        foreach (var body in new object[] { new { customerId = id }, new { customerId = "ann" }, new { email = "ANN@example.com" } })
        {
            var answer = await t.Api.PostJson("/api/v1/portal/request-access", body);
            Assert.Equal(HttpStatusCode.OK, answer.Status);
            Assert.Equal("portal_session", answer.Data["object"]!.GetValue<string>());
            Assert.False(answer.Data["livemode"]!.GetValue<bool>());
            var url = new Uri(answer.Data["portalUrl"]!.GetValue<string>());
            Assert.Equal(server.BaseAddress.Authority, url.Authority);
            Assert.StartsWith("/portal/access/", url.AbsolutePath, StringComparison.Ordinal);
            // 32 random bytes, base64url: at least 256 bits.
            Assert.Equal(43, url.AbsolutePath["/portal/access/".Length..].Length);
        }
    }

    [Fact]
    public async Task RequestAccess_EmailSharedByTwoCustomers_AsksForTheId()
    {
        var t = await server.NewTenantAsync();
        await t.Api.PostJson("/api/v1/customers", new { id = "a1", email = "shared@example.com" }).Ok();
        await t.Api.PostJson("/api/v1/customers", new { id = "a2", email = "shared@example.com" }).Ok();

        var answer = await t.Api.PostJson("/api/v1/portal/request-access", new { email = "shared@example.com" });

        Assert.Equal((HttpStatusCode.UnprocessableEntity, "validation_error"), (answer.Status, answer.ErrorCode));
        Assert.Equal(["email"], answer.ErrorFields);
    }

    [Fact]
    public async Task Link_OpensOnce_ThenShowsUsedPageWithoutCustomerData()
    {
        var t = await server.NewTenantAsync();
        await t.Api.Customer("ann", card: null);
        var url = await PortalClient.LinkAsync(t.Api, "ann", "https://shop.example.com/account");
        using var first = new PortalClient(server.BaseAddress);
        using var second = new PortalClient(server.BaseAddress);

        var opened = await first.GetAsync(url);
        var overview = await first.GetAsync("/portal");
        var again = await second.GetAsync(url);
        var againSameBrowser = await first.GetAsync(url);

        Assert.Equal((HttpStatusCode.Found, "/portal"), (opened.Status, opened.Location));
        Assert.Equal(HttpStatusCode.OK, overview.Status);
        Assert.Contains("ann@example.com", overview.Html, StringComparison.Ordinal);
        foreach (var used in new[] { again, againSameBrowser })
        {
            Assert.Equal(HttpStatusCode.Gone, used.Status);
            Assert.Contains("already been used or has expired", used.Html, StringComparison.Ordinal);
            Assert.Contains("https://shop.example.com/account", used.Html, StringComparison.Ordinal);
            Assert.DoesNotContain("ann@example.com", used.Html, StringComparison.Ordinal);
            // No session comes of it (the page's "email me a link" form sets only the antiforgery cookie).
            Assert.DoesNotContain(Commet.Server.Portal.PortalSessions.CookieName + "=", used.SetCookie ?? "", StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Link_Cookie_IsHttpOnlyLaxHostOnlyScopedToPortal_AndTheUrlIsClean()
    {
        var t = await server.NewTenantAsync();
        await t.Api.Customer("ann", card: null);
        var url = await PortalClient.LinkAsync(t.Api, "ann");
        using var browser = new PortalClient(server.BaseAddress);

        var opened = await browser.GetAsync(url);

        var cookie = opened.SetCookie!.Split('\n').Single(c => c.StartsWith("commet_portal=", StringComparison.Ordinal)).ToLowerInvariant();
        Assert.Contains("httponly", cookie, StringComparison.Ordinal);
        Assert.Contains("samesite=lax", cookie, StringComparison.Ordinal);
        Assert.Contains("path=/portal", cookie, StringComparison.Ordinal);
        Assert.DoesNotContain("domain=", cookie, StringComparison.Ordinal);
        Assert.DoesNotContain("expires=", cookie, StringComparison.Ordinal);
        Assert.Equal("/portal", opened.Location);
    }

    [Fact]
    public async Task Tokens_AreStoredOnlyAsSha256_EvenWithAnIdempotencyKey()
    {
        var t = await server.NewTenantAsync();
        await t.Api.Customer("ann", card: null);
        var answer = await t.Api.PostJson("/api/v1/portal/request-access", new { customerId = "ann" }, idempotencyKey: "portal-key-1");
        var url = answer.Data["portalUrl"]!.GetValue<string>();
        var token = url[(url.LastIndexOf('/') + 1)..];
        using var browser = new PortalClient(server.BaseAddress);
        await browser.GetAsync(url);
        var cookie = browser.Cookies.GetCookies(new Uri(server.BaseAddress, "/portal")).Single(c => c.Name == "commet_portal");

        await using var db = t.Db();
        var session = await db.PortalSessions.SingleAsync();
        var idempotency = await db.IdempotencyRecords.IgnoreQueryFilters().Where(r => r.OrganizationId == t.OrganizationId).ToListAsync();
        Assert.Equal(Sha256(token), session.LinkHash);
        Assert.Equal(Sha256(cookie.Value), session.SessionHash);
        Assert.DoesNotContain(token, session.LinkHash + session.SessionHash + session.ReturnUrl, StringComparison.Ordinal);
        Assert.DoesNotContain(idempotency, r => r.ResponseBody is not null && Encoding.UTF8.GetString(r.ResponseBody).Contains(token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Logout_EndsTheSession_AndTheCookieStopsWorking()
    {
        var t = await server.NewTenantAsync();
        await t.Api.Customer("ann", card: null);
        using var browser = await PortalClient.OpenAsync(server, t.Api, "ann", "https://shop.example.com/");

        var signedOut = await browser.SubmitAsync("/portal", "/portal/logout", new Dictionary<string, string?>());
        var ended = await browser.GetAsync(signedOut.Location!);
        var after = await browser.GetAsync("/portal");

        Assert.Equal((HttpStatusCode.Found, "/portal/ended?reason=signed_out"), (signedOut.Status, signedOut.Location));
        Assert.Contains("signed out", ended.Html, StringComparison.Ordinal);
        Assert.Contains("https://shop.example.com/", ended.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("ann@example.com", ended.Html, StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.Found, "/portal/ended"), (after.Status, after.Location));
    }

    [Fact]
    public async Task NoCookie_OrForgedCookie_GoesToSessionEndedPage()
    {
        var t = await server.NewTenantAsync();
        await t.Api.Customer("ann", card: null);
        using var stranger = new PortalClient(server.BaseAddress);
        stranger.Cookies.Add(new Uri(server.BaseAddress, "/portal"), new Cookie("commet_portal", new string('A', 43), "/portal"));

        foreach (var path in new[] { "/portal", "/portal/invoices", "/portal/billing-details", "/portal/usage" })
        {
            var page = await stranger.GetAsync(path);
            Assert.Equal((HttpStatusCode.Found, "/portal/ended"), (page.Status, page.Location));
        }
        var ended = await stranger.GetAsync("/portal/ended");
        Assert.Equal(HttpStatusCode.Unauthorized, ended.Status);
        Assert.Contains("session has ended", ended.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pages_CarrySecurityHeaders()
    {
        var t = await server.NewTenantAsync();
        await t.Api.Customer("ann", card: null);
        using var browser = await PortalClient.OpenAsync(server, t.Api, "ann");
        using var raw = new HttpClient(new HttpClientHandler { CookieContainer = browser.Cookies }) { BaseAddress = server.BaseAddress };

        using var response = await raw.GetAsync("/portal");

        Assert.Contains("no-store", response.Headers.CacheControl!.ToString(), StringComparison.Ordinal);
        var csp = string.Join(" ", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public void Cookie_IsSecure_UnderHttps()
    {
        var sessions = (Commet.Server.Portal.PortalSessions)server.Services.GetService(typeof(Commet.Server.Portal.PortalSessions))!;
        var https = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        https.Request.Scheme = "https";
        var http = new Microsoft.AspNetCore.Http.DefaultHttpContext();

        Assert.True(sessions.CookieOptions(https.Request).Secure);
        Assert.False(sessions.CookieOptions(http.Request).Secure);
        Assert.Null(sessions.CookieOptions(https.Request).Domain);
    }

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}

public sealed class PortalAccessTests_Sqlite(SqliteServer server) : PortalAccessTests<SqliteServer>(server);

public sealed class PortalAccessTests_Postgres(PostgresServer server) : PortalAccessTests<PostgresServer>(server);
