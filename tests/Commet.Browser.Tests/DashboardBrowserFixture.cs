using Commet.Server.Tests.Infrastructure;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Commet.Browser.Tests;

/// <summary>
/// The dashboard's browser suite: its own server (real Kestrel, SQLite) so that the dashboard's members and lockouts
/// never meet the portal suite's, and its own headless Debian Chromium. Tests that need a server with no member at
/// all (the first run) start a fresh one with <see cref="FreshServerAsync"/>.
/// </summary>
public sealed class DashboardBrowserFixture : IAsyncLifetime
{
    private IPlaywright? playwright;

    public SqliteServer Server { get; } = new();

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>tests/Commet.Browser.Tests/screenshots/dashboard (kept out of git).</summary>
    public string Screenshots { get; } = ScreenshotDirectory();

    public async Task InitializeAsync()
    {
        if (!File.Exists(BrowserFixture.Chromium))
        {
            throw new InvalidOperationException($"{BrowserFixture.Chromium} is missing: run scripts/setup.sh (apt-get install chromium). Never 'playwright install'.");
        }
        await Server.InitializeAsync();
        // The suite runs its classes in parallel on a shared 2-core machine: a form post that charges a card and writes
        // its receipt can take several seconds there. Waits are for conditions, so a longer bound costs nothing when
        // things are fast and keeps a slow machine from failing a correct page.
        Assertions.SetDefaultExpectTimeout(15_000);
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = BrowserFixture.Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }
        playwright?.Dispose();
        await Server.DisposeAsync();
    }

    /// <summary>A server of its own, with no dashboard member yet; the caller disposes it.</summary>
    public static async Task<SqliteServer> FreshServerAsync()
    {
        var server = new SqliteServer();
        await server.InitializeAsync();
        return server;
    }

    public async Task<DashboardVisit> StartAsync(string name, ServerFixture? server = null, bool javaScript = true)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
            JavaScriptEnabled = javaScript,
            Locale = "en-US",
        });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        return new DashboardVisit(this, server ?? Server, context, page, name, javaScript);
    }

    private static string ScreenshotDirectory()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Commet.slnx")))
        {
            dir = dir.Parent;
        }
        var path = dir is null
            ? Path.Combine(AppContext.BaseDirectory, "screenshots", "dashboard")
            : Path.Combine(dir.FullName, "tests", "Commet.Browser.Tests", "screenshots", "dashboard");
        Directory.CreateDirectory(path);
        return path;
    }
}

[CollectionDefinition(Name)]
public sealed class DashboardBrowserCollection : ICollectionFixture<DashboardBrowserFixture>
{
    public const string Name = "dashboard-browser";
}

/// <summary>A merchant's visit to the dashboard: one browser context, screenshots at phone and desktop widths, axe checks.</summary>
public sealed class DashboardVisit(DashboardBrowserFixture fixture, ServerFixture server, IBrowserContext context, IPage page, string name, bool javaScript)
    : IAsyncDisposable
{
    public IPage Page => page;

    public IBrowserContext Context => context;

    public Uri Base => server.BaseAddress;

    /// <summary>Opens a path (or URL) and answers the HTTP status of the page that loaded.</summary>
    public async Task<int> GotoAsync(string pathOrUrl)
    {
        var url = pathOrUrl.StartsWith("http", StringComparison.Ordinal) ? pathOrUrl : new Uri(Base, pathOrUrl).ToString();
        var response = await page.GotoAsync(url);
        return response?.Status ?? 0;
    }

    public string PathNow => new Uri(page.Url).PathAndQuery;

    /// <summary>Full-page screenshots at 390 px and 1280 px, named <c>{visit}-{what}-{width}.png</c>; at 390 px nothing may stick out sideways.</summary>
    public async Task ShotAsync(string what)
    {
        var file = $"{name}-{what}";
        await page.SetViewportSizeAsync(390, 844);
        if (javaScript)
        {
            var fits = await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth + 1");
            var wide = fits ? "" : await page.EvaluateAsync<string>(
                "() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)"
                + ".slice(0, 5).map(e => e.tagName + (e.id ? '#' + e.id : '') + (e.className && e.className.baseVal === undefined ? '.' + e.className : '')).join(', ')");
            Assert.True(fits, $"{file}: the page is wider than a 390 px phone screen ({wide}).");
        }
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(fixture.Screenshots, file + "-390.png"), FullPage = true });
        await page.SetViewportSizeAsync(1280, 800);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(fixture.Screenshots, file + "-1280.png"), FullPage = true });
    }

    /// <summary>axe-core's WCAG 2.1 A/AA rules on the current page: no violations.</summary>
    public async Task AccessibleAsync()
    {
        var results = await page.RunAxe(new Deque.AxeCore.Commons.AxeRunOptions
        {
            RunOnly = new Deque.AxeCore.Commons.RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
        });
        var problems = results.Violations.Select(v => $"{v.Id}: {v.Help} ({string.Join(", ", v.Nodes.Select(n => string.Join(" ", n.Target)))})").ToList();
        Assert.True(problems.Count == 0, $"Accessibility problems on {page.Url}:\n" + string.Join("\n", problems));
    }

    /// <summary>The antiforgery token of the current page's first form.</summary>
    public Task<string> TokenAsync() => page.Locator("input[name=__RequestVerificationToken]").First.InputValueAsync();

    /// <summary>A form post from this browser (its cookies) with the given fields: a crafted request, not a form on the page.</summary>
    public async Task<int> PostAsync(string path, Dictionary<string, string> fields)
    {
        var response = await context.APIRequest.PostAsync(new Uri(Base, path).ToString(), new APIRequestContextOptions
        {
            Form = FormOf(fields),
            MaxRedirects = 0,
        });
        return response.Status;
    }

    private IFormData FormOf(Dictionary<string, string> fields)
    {
        var form = context.APIRequest.CreateFormData();
        foreach (var (key, value) in fields)
        {
            form.Set(key, value);
        }
        return form;
    }

    public async ValueTask DisposeAsync() => await context.DisposeAsync();
}
