using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Commet.Server.Portal;
using Commet.Server.Tests.Infrastructure;

namespace Commet.Server.Tests;

/// <summary>
/// Logos uploaded through <c>PUT /api/v1/portal/settings/logo</c>: PNG, JPEG and SVG (sanitised), size-limited, served
/// at <c>/logos/{id}</c> with an ETag and a year's caching; pages fall back to the merchant's initials when a logo does
/// not load.
/// </summary>
public abstract class PortalLogoTests<TServer>(TServer server) : IClassFixture<TServer>
    where TServer : ServerFixture
{
    /// <summary>A 1×1 transparent PNG.</summary>
    private static readonly byte[] Png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=");

    /// <summary>The start of a JFIF file (SOI, APP0): what the server checks.</summary>
    private static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0xFF, 0xD9];

    private const string CleanSvg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 10 10\"><path d=\"M0 0h10v10z\" fill=\"#123456\"/></svg>";

    private static async Task<ApiResponse> UploadAsync(HttpClient api, byte[] body, string type)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, "/api/v1/portal/settings/logo") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(type);
        return await api.SendRawAsync(request);
    }

    private HttpClient Anonymous() => new() { BaseAddress = server.BaseAddress };

    [Theory]
    [InlineData("image/png")]
    [InlineData("image/jpeg")]
    [InlineData("image/svg+xml")]
    public async Task Upload_EachType_IsServedWithAnETagAndLongCaching(string type)
    {
        var t = await server.NewTenantAsync();
        var body = type switch { "image/png" => Png, "image/jpeg" => Jpeg, _ => Encoding.UTF8.GetBytes(CleanSvg) };

        var settings = (await UploadAsync(t.Api, body, type)).Data;
        var url = settings.Str("logoUrl");
        Assert.StartsWith(server.BaseAddress.ToString().TrimEnd('/') + "/logos/logo_", url, StringComparison.Ordinal);
        Assert.Equal(url, (await t.Api.GetJson("/api/v1/portal/settings").Ok()).Str("logoUrl"));

        using var http = Anonymous();
        using var served = await http.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal(type, served.Content.Headers.ContentType!.MediaType);
        var bytes = await served.Content.ReadAsByteArrayAsync();
        if (type != "image/svg+xml")
        {
            Assert.Equal(body, bytes);
        }
        Assert.Equal($"\"{Convert.ToHexStringLower(SHA256.HashData(bytes))}\"", served.Headers.ETag!.Tag);
        Assert.True(served.Headers.CacheControl!.Public);
        Assert.Equal(TimeSpan.FromDays(365), served.Headers.CacheControl.MaxAge);
        Assert.Equal("nosniff", served.Headers.GetValues("X-Content-Type-Options").Single());

        // A browser that has it asks with the ETag and gets 304 without the body.
        using var again = new HttpRequestMessage(HttpMethod.Get, url);
        again.Headers.IfNoneMatch.Add(served.Headers.ETag);
        using var notModified = await http.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Oversized_WrongTypeOrNotAnImage_AreRefusedWithTheErrorEnvelope()
    {
        var t = await server.NewTenantAsync();
        // 256 KB is the limit: a PNG signature followed by 256 × 1024 more bytes is over it.
        var big = Png.Concat(new byte[256 * 1024]).ToArray();
        var tooBig = await UploadAsync(t.Api, big, "image/png");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooBig.Status);
        Assert.Equal("logo_too_large", tooBig.ErrorCode);
        Assert.Equal("logo", tooBig.Body!["error"]!["param"]!.GetValue<string>());

        var gif = await UploadAsync(t.Api, Encoding.ASCII.GetBytes("GIF89a...."), "image/gif");
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "validation_error"), (gif.Status, gif.ErrorCode));
        Assert.Equal(["logo"], gif.ErrorFields);

        // JPEG bytes labelled PNG, text labelled SVG, an SVG with a DTD (entities): not the image they claim to be.
        foreach (var (bytes, type) in new[] { (Jpeg, "image/png"), (Encoding.UTF8.GetBytes("hello"), "image/svg+xml"),
            (Encoding.UTF8.GetBytes("<!DOCTYPE svg [<!ENTITY x \"boom\">]><svg xmlns=\"http://www.w3.org/2000/svg\">&x;</svg>"), "image/svg+xml"),
            (Encoding.UTF8.GetBytes("<html><script>alert(1)</script></html>"), "image/svg+xml") })
        {
            var refused = await UploadAsync(t.Api, bytes, type);
            Assert.Equal((HttpStatusCode.UnprocessableEntity, "validation_error"), (refused.Status, refused.ErrorCode));
        }
        Assert.Null((await t.Api.GetJson("/api/v1/portal/settings").Ok())["logoUrl"]);
    }

    [Fact]
    public async Task MaliciousSvg_IsServedSanitised()
    {
        var t = await server.NewTenantAsync();
        const string evil = """
            <svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10" onload="alert(1)">
              <script>alert(2)</script>
              <style>@import url(https://evil.example/a.css);</style>
              <defs><linearGradient id="grad"><stop offset="0" stop-color="#fff"/></linearGradient></defs>
              <rect width="10" height="10" fill="url(#grad)" onclick="alert(3)" style="fill:url(https://evil.example/x)"/>
              <path d="M0 0h10v10z" fill="url(https://evil.example/#g)"/>
              <image href="https://evil.example/x.png" width="10" height="10"/>
              <use xlink:href="https://evil.example/s.svg#a"/>
              <use href="#grad"/>
              <a xlink:href="javascript:alert(4)"><circle r="5"/></a>
              <foreignObject><iframe xmlns="http://www.w3.org/1999/xhtml" src="https://evil.example"></iframe></foreignObject>
              <animate attributeName="href" to="javascript:alert(5)"/>
              <text x="1" y="9">Nimbus</text>
            </svg>
            """;
        var url = (await UploadAsync(t.Api, Encoding.UTF8.GetBytes(evil), "image/svg+xml")).Data.Str("logoUrl");
        using var http = Anonymous();
        using var served = await http.GetAsync(url);
        var svg = await served.Content.ReadAsStringAsync();

        foreach (var bad in new[] { "script", "alert", "onload", "onclick", "style", "evil.example", "javascript", "image", "foreignObject", "iframe", "animate", "<a" })
        {
            Assert.DoesNotContain(bad, svg, StringComparison.OrdinalIgnoreCase);
        }
        // What draws stays: the gradient and the reference to it, the rect, the text, the in-document use.
        Assert.Contains("fill=\"url(#grad)\"", svg, StringComparison.Ordinal);
        Assert.Contains("<linearGradient id=\"grad\">", svg, StringComparison.Ordinal);
        Assert.Contains("<use href=\"#grad\"", svg, StringComparison.Ordinal);
        Assert.Contains(">Nimbus</text>", svg, StringComparison.Ordinal);
        // The path lost only its external fill.
        Assert.Contains("<path d=\"M0 0h10v10z\" />", svg, StringComparison.Ordinal);
        // Opened on its own it is a sandboxed document.
        Assert.Contains("sandbox", served.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PortalAndPayPages_ShowTheLogo_WithTheInitialsAsFallback()
    {
        var t = await server.NewTenantAsync();
        await t.Api.Plan("pro", 4900);
        await t.Api.Customer("ann", card: null);
        var checkout = (await t.Api.Subscribe("ann", "pro")).Str("checkoutUrl");
        await t.Api.PutJson("/api/v1/portal/settings", new { displayName = "Nimbus Cloud" }).Ok();
        var logo = (await UploadAsync(t.Api, Png, "image/png")).Data.Str("logoUrl");
        var path = new Uri(logo).AbsolutePath;

        using var ann = await PortalClient.OpenAsync(server, t.Api, "ann");
        var overview = await ann.GetAsync("/portal");
        Assert.Contains($"<img src=\"{path}\" alt=\"\" width=\"32\" height=\"32\" data-fallback>", overview.Html, StringComparison.Ordinal);
        Assert.Contains("<span class=\"initials\" hidden aria-hidden=\"true\">NC</span>", overview.Html, StringComparison.Ordinal);
        Assert.Contains(PortalLogos.FallbackScript, overview.Html, StringComparison.Ordinal);

        // The hosted payment page names the merchant as the portal does.
        using var browser = new PageClient(server.BaseAddress);
        var pay = await browser.Get(checkout);
        Assert.Equal(HttpStatusCode.OK, pay.Status);
        Assert.Contains("<p class=\"merchant\">", pay.Html, StringComparison.Ordinal);
        Assert.Contains($"<img src=\"{path}\" alt=\"\" width=\"32\" height=\"32\" data-fallback><span class=\"initials\" hidden aria-hidden=\"true\">NC</span>",
            pay.Html, StringComparison.Ordinal);
        Assert.Contains(PortalLogos.FallbackScript, pay.Html, StringComparison.Ordinal);

        // The pages' policies allow that one script (by hash) and images from this server.
        using var raw = new HttpClient { BaseAddress = server.BaseAddress };
        using var payResponse = await raw.GetAsync(checkout);
        var csp = payResponse.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains($"script-src {PortalLogos.FallbackScriptHash}", csp, StringComparison.Ordinal);
        Assert.Contains("img-src 'self'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_OrALogoUrl_ReplacesTheUpload_AndItsUrlIsGone()
    {
        var t = await server.NewTenantAsync();
        using var http = Anonymous();
        var first = (await UploadAsync(t.Api, Png, "image/png")).Data.Str("logoUrl");
        var second = (await UploadAsync(t.Api, Jpeg, "image/jpeg")).Data.Str("logoUrl");
        // A new upload is a new URL (so caches never show the old image for it); the old one is gone.
        Assert.NotEqual(first, second);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(first)).StatusCode);

        var external = await t.Api.PutJson("/api/v1/portal/settings", new { logoUrl = "https://cdn.example/logo.png" }).Ok();
        Assert.Equal("https://cdn.example/logo.png", external.Str("logoUrl"));
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(second)).StatusCode);

        var third = (await UploadAsync(t.Api, Png, "image/png")).Data.Str("logoUrl");
        var deleted = await t.Api.Delete("/api/v1/portal/settings/logo").Ok();
        Assert.Null(deleted["logoUrl"]);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(third)).StatusCode);
    }

    [Theory]
    [InlineData("Nimbus Cloud", "NC")]
    [InlineData("acme", "A")]
    [InlineData("Über Bäckerei GmbH", "ÜB")]
    [InlineData("  ", "?")]
    public void Initials_AreTheFirstLettersOfTheFirstTwoWords(string name, string expected) =>
        Assert.Equal(expected, PortalLogos.Initials(name));
}

public sealed class PortalLogoTests_Sqlite(SqliteServer server) : PortalLogoTests<SqliteServer>(server);

public sealed class PortalLogoTests_Postgres(PostgresServer server) : PortalLogoTests<PostgresServer>(server);
