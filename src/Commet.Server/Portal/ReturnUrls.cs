namespace Commet.Server.Portal;

public static class ReturnUrls
{
    /// <summary>Only absolute http(s) URLs: no <c>javascript:</c>, no relative paths, no credentials in the URL.</summary>
    public static bool IsSafe(string? url) =>
        url is { Length: > 0 and <= 2048 }
        && Uri.TryCreate(url, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
        && string.IsNullOrEmpty(uri.UserInfo)
        && !string.IsNullOrEmpty(uri.Host);
}
