using System.Net;
using Commet.Server.Tests.Infrastructure;
using Npgsql;

namespace Commet.Server.Tests;

/// <summary>
/// TLS ending at a reverse proxy: with the proxy's X-Forwarded-Proto believed, portal links are https and the
/// portal session cookie is Secure; from a source that is not a trusted proxy the header is ignored.
/// </summary>
public static class ProxyChecks
{
    /// <summary>Asks for a portal link and opens it as a proxy would pass it on: answers (the link, the Set-Cookie lines).</summary>
    public static async Task<(string PortalUrl, string[] Cookies)> OpenThroughProxyAsync(Uri baseAddress, HttpClient api)
    {
        await api.Customer("proxied", card: null);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/portal/request-access")
        {
            Content = new StringContent("{\"customerId\":\"proxied\"}", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");
        var access = await api.SendRawAsync(request);
        Assert.True(access.Status == HttpStatusCode.OK, access.ToString());
        var portalUrl = access.Data["portalUrl"]!.GetValue<string>();

        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = baseAddress };
        using var open = new HttpRequestMessage(HttpMethod.Get, new Uri(portalUrl).PathAndQuery);
        open.Headers.Add("X-Forwarded-Proto", "https");
        open.Headers.Add("X-Forwarded-For", "203.0.113.7");
        using var opened = await browser.SendAsync(open);
        Assert.Equal(HttpStatusCode.Found, opened.StatusCode);
        var cookies = opened.Headers.TryGetValues("Set-Cookie", out var values) ? values.ToArray() : [];
        Assert.NotEmpty(cookies);
        return (portalUrl, cookies);
    }

    public static bool IsSecure(string setCookie) =>
        setCookie.Split(';').Any(part => part.Trim().Equals("secure", StringComparison.OrdinalIgnoreCase));
}

/// <summary>ASP.NET Core's own switch, ASPNETCORE_FORWARDEDHEADERS_ENABLED=true, in a real server process behind a loopback proxy.</summary>
public sealed class ForwardedHeadersEnvironmentTests
{
    private const string Key = "ck_test_forwarded_env_00000000001";

    [Fact]
    public async Task Sqlite_ForwardedProtoFromLoopback_MakesHttpsLinksAndASecureCookie()
    {
        var dir = Path.Combine(Path.GetTempPath(), "commet-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        await CheckAsync(new Dictionary<string, string> { ["COMMET_DATA_DIR"] = dir });
    }

    [Fact]
    public async Task Postgres_ForwardedProtoFromLoopback_MakesHttpsLinksAndASecureCookie()
    {
        var database = "commet_proxy_" + Guid.NewGuid().ToString("N")[..10];
        await using (var admin = new NpgsqlConnection(PostgresServer.AdminConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", admin);
            await create.ExecuteNonQueryAsync();
        }
        try
        {
            await CheckAsync(new Dictionary<string, string>
            {
                ["COMMET_DATABASE_URL"] = new NpgsqlConnectionStringBuilder(PostgresServer.AdminConnectionString) { Database = database }.ToString(),
            });
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(PostgresServer.AdminConnectionString);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
    }

    private static async Task CheckAsync(Dictionary<string, string> environment)
    {
        environment["COMMET_BOOTSTRAP_SANDBOX_KEY"] = Key;
        environment["ASPNETCORE_FORWARDEDHEADERS_ENABLED"] = "true";
        await using var node = await ServerProcess.StartAsync(environment);
        using var api = node.Client(Key);
        var (portalUrl, cookies) = await ProxyChecks.OpenThroughProxyAsync(node.BaseAddress, api);
        Assert.StartsWith("https://", portalUrl);
        Assert.Contains(cookies, ProxyChecks.IsSecure);
    }
}

/// <summary>Commet:ForwardedHeaders:KnownProxies names another address: this loopback client is not a trusted proxy.</summary>
public sealed class UntrustedProxySqliteServer : SqliteServer
{
    protected override void AdjustSettings(IDictionary<string, string?> settings) =>
        settings["Commet:ForwardedHeaders:KnownProxies:0"] = "10.20.30.40";
}

public sealed class UntrustedProxyPostgresServer : PostgresServer
{
    protected override void AdjustSettings(IDictionary<string, string?> settings) =>
        settings["Commet:ForwardedHeaders:KnownProxies:0"] = "10.20.30.40";
}

/// <summary>Commet:ForwardedHeaders:KnownNetworks includes loopback: this client is a trusted proxy.</summary>
public sealed class TrustedNetworkSqliteServer : SqliteServer
{
    protected override void AdjustSettings(IDictionary<string, string?> settings) =>
        settings["Commet:ForwardedHeaders:KnownNetworks:0"] = "127.0.0.0/8";
}

public sealed class UntrustedProxySqliteTests(UntrustedProxySqliteServer server) : IClassFixture<UntrustedProxySqliteServer>
{
    [Fact]
    public async Task ForwardedProtoFromAnUntrustedSource_IsIgnored()
    {
        var (portalUrl, cookies) = await ProxyChecks.OpenThroughProxyAsync(server.BaseAddress, server.Client());
        Assert.StartsWith("http://", portalUrl);
        Assert.DoesNotContain(cookies, ProxyChecks.IsSecure);
    }
}

public sealed class UntrustedProxyPostgresTests(UntrustedProxyPostgresServer server) : IClassFixture<UntrustedProxyPostgresServer>
{
    [Fact]
    public async Task ForwardedProtoFromAnUntrustedSource_IsIgnored()
    {
        var (portalUrl, cookies) = await ProxyChecks.OpenThroughProxyAsync(server.BaseAddress, server.Client());
        Assert.StartsWith("http://", portalUrl);
        Assert.DoesNotContain(cookies, ProxyChecks.IsSecure);
    }
}

public sealed class TrustedNetworkSqliteTests(TrustedNetworkSqliteServer server) : IClassFixture<TrustedNetworkSqliteServer>
{
    [Fact]
    public async Task ForwardedProtoFromAKnownNetwork_MakesHttpsLinksAndASecureCookie()
    {
        var (portalUrl, cookies) = await ProxyChecks.OpenThroughProxyAsync(server.BaseAddress, server.Client());
        Assert.StartsWith("https://", portalUrl);
        Assert.Contains(cookies, ProxyChecks.IsSecure);
    }
}
