using System.Collections.Concurrent;
using System.Net;
using Commet.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Commet.Server.Tests;

/// <summary>A SQLite server with settings of its own.</summary>
public abstract class CustomSqliteServer : ServerFixture
{
    protected override Task<IDictionary<string, string?>> PrepareDatabaseAsync() =>
        Task.FromResult<IDictionary<string, string?>>(new Dictionary<string, string?>
        {
            ["Commet:DataDir"] = Path.Combine(Path.GetTempPath(), "commet-tests", Guid.NewGuid().ToString("N")),
        });
}

/// <summary>Tight portal rate limits.</summary>
public sealed class TightPortalServer : CustomSqliteServer
{
    public override string Name => "sqlite-tight-portal";

    protected override void AdjustSettings(IDictionary<string, string?> settings)
    {
        settings["Commet:Portal:LinkRequestBurst"] = "3";
        settings["Commet:Portal:LinkRequestsPerSecond"] = "1";
        settings["Commet:Portal:RedemptionsPerMinutePerIp"] = "3";
    }
}

/// <summary>Every log line at every level kept, to check that no secret is ever written.</summary>
public sealed class LoggedPortalServer : CustomSqliteServer
{
    public ConcurrentQueue<string> Logs { get; } = new();

    public override string Name => "sqlite-logged";

    protected override void AdjustSettings(IDictionary<string, string?> settings) => settings["Logging:LogLevel:Default"] = "Trace";

    protected override void ConfigureServices(IServiceCollection services) =>
        services.AddSingleton<ILoggerProvider>(new ListLoggerProvider(Logs));

    private sealed class ListLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new ListLogger(categoryName, lines);

        public void Dispose()
        {
        }
    }

    private sealed class ListLogger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{category}: {formatter(state, exception)} {exception}");
    }
}

public sealed class PortalLimitsTests(TightPortalServer server) : IClassFixture<TightPortalServer>
{
    [Fact]
    public async Task LinkRequests_OverTheKeysBurst_Are429RateLimitedWithRetryAfter_OtherKeysUnaffected()
    {
        var t = await server.NewTenantAsync();
        var other = await server.NewTenantAsync();
        await t.Api.Customer("ann", card: null);
        await other.Api.Customer("ann", card: null);

        var answers = new List<ApiResponse>();
        for (var i = 0; i < 6; i++)
        {
            answers.Add(await t.Api.PostJson("/api/v1/portal/request-access", new { customerId = "ann" }));
        }
        var otherKey = await other.Api.PostJson("/api/portal/request-access", new { customerId = "ann" });

        var limited = answers.Where(a => a.Status == HttpStatusCode.TooManyRequests).ToList();
        Assert.NotEmpty(limited);
        Assert.All(limited, a =>
        {
            Assert.Equal("rate_limited", a.ErrorCode);
            Assert.Equal("rate_limit_error", a.Body!["error"]!["type"]!.GetValue<string>());
            Assert.True(int.Parse(a.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) >= 1);
        });
        Assert.Equal(HttpStatusCode.OK, otherKey.Status);
    }

    [Fact]
    public async Task LinkOpenings_OverThePerIpLimit_Are429WithAPage()
    {
        var t = await server.NewTenantAsync();
        await t.Api.Customer("bob", card: null);
        var links = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            links.Add(await PortalClient.LinkAsync(t.Api, "bob"));
            await Task.Delay(1100); // the key's bucket refills one link a second
        }
        links.Add(await PortalClient.LinkAsync(t.Api, "bob"));

        var pages = new List<PortalPage>();
        foreach (var link in links.Concat(links))
        {
            pages.Add(await new PortalClient(server.BaseAddress).GetAsync(link));
        }

        var limited = pages.Where(p => p.Status == HttpStatusCode.TooManyRequests).ToList();
        Assert.NotEmpty(limited);
        Assert.All(limited, p => Assert.Contains("Too many attempts", p.Html, StringComparison.Ordinal));
    }
}

public sealed class PortalLogTests(LoggedPortalServer server) : IClassFixture<LoggedPortalServer>
{
    [Fact]
    public async Task Tokens_NeverAppearInTheLogs()
    {
        var t = await server.NewTenantAsync();
        await t.Api.Customer("cy", card: null);
        var link = await PortalClient.LinkAsync(t.Api, "cy");
        var token = link[(link.LastIndexOf('/') + 1)..];
        using var browser = new PortalClient(server.BaseAddress);
        var opened = await browser.GetAsync(link);
        var cookie = browser.Cookies.GetCookies(new Uri(server.BaseAddress, "/portal")).SingleOrDefault(c => c.Name == "commet_portal")?.Value;
        await browser.GetAsync(link);

        Assert.Contains(server.Logs, l => l.Contains("/portal/access/[redacted]", StringComparison.Ordinal));
        Assert.DoesNotContain(server.Logs, l => l.Contains(token, StringComparison.Ordinal));
        Assert.NotNull(cookie);
        Assert.DoesNotContain(server.Logs, l => l.Contains(cookie, StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Found, opened.Status);
    }
}
