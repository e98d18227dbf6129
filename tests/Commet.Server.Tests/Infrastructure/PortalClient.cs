using System.Net;
using System.Text.RegularExpressions;

namespace Commet.Server.Tests.Infrastructure;

/// <summary>A page as the portal answered it.</summary>
public sealed record PortalPage(HttpStatusCode Status, string Html, string? Location, string? SetCookie)
{
    public override string ToString() => $"{(int)Status} {Location} {Html[..Math.Min(Html.Length, 400)]}";
}

/// <summary>
/// A customer's browser, over plain HTTP: keeps cookies, does not follow redirects (tests look at them), and posts
/// forms with the antiforgery token of the last page it loaded, as a browser would.
/// </summary>
public sealed partial class PortalClient : IDisposable
{
    private readonly HttpClient http;

    public PortalClient(Uri baseAddress)
    {
        Cookies = new CookieContainer();
        http = new HttpClient(new HttpClientHandler { CookieContainer = Cookies, UseCookies = true, AllowAutoRedirect = false }) { BaseAddress = baseAddress };
    }

    public CookieContainer Cookies { get; }

    /// <summary>The browser's languages (the <c>Accept-Language</c> header) for every request from now on.</summary>
    public PortalClient AcceptLanguage(string value)
    {
        http.DefaultRequestHeaders.AcceptLanguage.Clear();
        http.DefaultRequestHeaders.TryAddWithoutValidation("Accept-Language", value);
        return this;
    }

    public PortalPage? Last { get; private set; }

    /// <summary>Asks the API for a link and opens it; fails the test unless it lands on the portal.</summary>
    public static async Task<PortalClient> OpenAsync(ServerFixture server, HttpClient api, string customerId, string? returnUrl = null)
    {
        var url = await LinkAsync(api, customerId, returnUrl);
        var client = new PortalClient(server.BaseAddress);
        var opened = await client.GetAsync(url);
        if (opened.Status != HttpStatusCode.Found || opened.Location != "/portal")
        {
            throw new Xunit.Sdk.XunitException($"Opening the portal link failed: {opened}");
        }
        return client;
    }

    public static async Task<string> LinkAsync(HttpClient api, string customerId, string? returnUrl = null)
    {
        var data = await api.PostJson("/api/v1/portal/request-access", new { customerId, returnUrl }).Ok();
        return data["portalUrl"]!.GetValue<string>();
    }

    public async Task<PortalPage> GetAsync(string pathOrUrl)
    {
        using var response = await http.GetAsync(pathOrUrl);
        return Last = await ReadAsync(response);
    }

    /// <summary>A download (a PDF, say) within the session; fails the test unless it is a 200.</summary>
    public async Task<byte[]> GetBytesAsync(string path)
    {
        using var response = await http.GetAsync(path);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new Xunit.Sdk.XunitException($"GET {path} answered {(int)response.StatusCode}.");
        }
        return await response.Content.ReadAsByteArrayAsync();
    }

    /// <summary>Loads <paramref name="formPage"/> (for its antiforgery token) and posts the fields to <paramref name="action"/>.</summary>
    public async Task<PortalPage> SubmitAsync(string formPage, string action, IDictionary<string, string?> fields)
    {
        var page = await GetAsync(formPage);
        if (page.Status != HttpStatusCode.OK)
        {
            throw new Xunit.Sdk.XunitException($"The form page {formPage} did not load: {page}");
        }
        return await PostAsync(action, fields, Token(page.Html));
    }

    /// <summary>Posts with the given antiforgery token (null: none at all, as a forged cross-site post would).</summary>
    public async Task<PortalPage> PostAsync(string action, IDictionary<string, string?> fields, string? antiforgery)
    {
        var values = fields.Where(f => f.Value is not null).Select(f => new KeyValuePair<string, string>(f.Key, f.Value!)).ToList();
        // A browser sends the form's one-time charge token with it (the last page's, as for the antiforgery token).
        if (!fields.ContainsKey("chargeToken") && Last is not null && ChargeTokenPattern().Match(Last.Html) is { Success: true } charge)
        {
            values.Add(new("chargeToken", charge.Groups[1].Value));
        }
        if (antiforgery is not null)
        {
            values.Add(new("__RequestVerificationToken", antiforgery));
        }
        using var content = new FormUrlEncodedContent(values);
        using var response = await http.PostAsync(action, content);
        return Last = await ReadAsync(response);
    }

    /// <summary>Loads a page and submits its first form as it stands (hidden fields included), plus <paramref name="extra"/>.</summary>
    public async Task<PortalPage> ConfirmAsync(string formPage, string action, IDictionary<string, string?>? extra = null)
    {
        var page = await GetAsync(formPage);
        if (page.Status != HttpStatusCode.OK)
        {
            throw new Xunit.Sdk.XunitException($"The form page {formPage} did not load: {page}");
        }
        var fields = new Dictionary<string, string?>();
        foreach (Match m in HiddenPattern().Matches(page.Html))
        {
            if (m.Groups[1].Value != "__RequestVerificationToken")
            {
                fields[m.Groups[1].Value] = WebUtility.HtmlDecode(m.Groups[2].Value);
            }
        }
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            fields[key] = value;
        }
        return await PostAsync(action, fields, Token(page.Html));
    }

    public static string Token(string html) =>
        TokenPattern().Match(html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value)
            : throw new Xunit.Sdk.XunitException("No antiforgery token on the page.");

    private static async Task<PortalPage> ReadAsync(HttpResponseMessage response)
    {
        var html = await response.Content.ReadAsStringAsync();
        var cookie = response.Headers.TryGetValues("Set-Cookie", out var values) ? string.Join("\n", values) : null;
        return new PortalPage(response.StatusCode, html, response.Headers.Location?.OriginalString, cookie);
    }

    public void Dispose() => http.Dispose();

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\"")]
    private static partial Regex HiddenPattern();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    [GeneratedRegex("name=\"chargeToken\" value=\"([^\"]+)\"")]
    private static partial Regex ChargeTokenPattern();
}
