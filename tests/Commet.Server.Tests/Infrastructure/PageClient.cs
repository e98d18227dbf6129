using System.Net;
using System.Text.RegularExpressions;

namespace Commet.Server.Tests.Infrastructure;

/// <summary>An HTML answer: status, markup, and the markup decoded to text for assertions.</summary>
public sealed partial record HtmlPage(HttpStatusCode Status, string Html)
{
    /// <summary>The markup with entities decoded ("&amp;#x2022;" → "•"), for text assertions.</summary>
    public string Text => WebUtility.HtmlDecode(Html);

    /// <summary>The antiforgery token of the page's forms, if it has any.</summary>
    public string? AntiforgeryToken => TokenPattern().Match(Html) is { Success: true } m ? m.Groups[1].Value : null;

    /// <summary>The one-time charge token of the page's forms, if it has any.</summary>
    public string? ChargeToken => ChargeTokenPattern().Match(Html) is { Success: true } m ? m.Groups[1].Value : null;

    public override string ToString() => $"{(int)Status} {Html}";

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    [GeneratedRegex("name=\"chargeToken\" value=\"([^\"]+)\"")]
    private static partial Regex ChargeTokenPattern();
}

/// <summary>
/// A browser without JavaScript: plain HTTP with a cookie jar (for the antiforgery cookie), no redirects
/// followed, forms posted as application/x-www-form-urlencoded with the token of the last page read.
/// </summary>
public sealed class PageClient : IDisposable
{
    private readonly HttpClient http;

    public PageClient(Uri baseAddress)
    {
        var handler = new HttpClientHandler { CookieContainer = new CookieContainer(), UseCookies = true, AllowAutoRedirect = false };
        http = new HttpClient(handler, disposeHandler: true) { BaseAddress = baseAddress };
    }

    /// <summary>The token of the last page read that had a form.</summary>
    public string? Token { get; private set; }

    /// <summary>The one-time charge token of the last page read that had a charge form (a browser sends it with the form).</summary>
    public string? ChargeToken { get; private set; }

    public async Task<HtmlPage> Get(string url)
    {
        using var response = await http.GetAsync(url);
        return await Read(response);
    }

    /// <summary>Posts the fields, with the antiforgery token of the last page unless <paramref name="withToken"/> is false.</summary>
    public async Task<HtmlPage> Post(string url, IDictionary<string, string> fields, bool withToken = true)
    {
        var all = new Dictionary<string, string>(fields);
        if (withToken && Token is not null)
        {
            all["__RequestVerificationToken"] = Token;
        }
        if (ChargeToken is not null)
        {
            all.TryAdd("chargeToken", ChargeToken);
        }
        using var content = new FormUrlEncodedContent(all);
        using var response = await http.PostAsync(url, content);
        return await Read(response);
    }

    public void Dispose() => http.Dispose();

    private async Task<HtmlPage> Read(HttpResponseMessage response)
    {
        var page = new HtmlPage(response.StatusCode, await response.Content.ReadAsStringAsync());
        Token = page.AntiforgeryToken ?? Token;
        ChargeToken = page.ChargeToken ?? ChargeToken;
        return page;
    }
}
