using Commet.Server.Tests.Infrastructure;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Commet.Browser.Tests;

/// <summary>
/// One server (real Kestrel, SQLite) and one headless Debian Chromium for the whole browser suite; each test has
/// its own organization and its own browser context (cookies, viewport, JavaScript on or off).
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string Chromium = "/usr/bin/chromium";

    private IPlaywright? playwright;

    /// <summary>SQLite, with Stripe.net pointed at a Stripe stand-in (used only by organizations that connect Stripe).</summary>
    public Commet.Server.Tests.Stripe.StripeSqliteServer Server { get; } = new();

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>tests/Commet.Browser.Tests/screenshots (kept out of git).</summary>
    public string Screenshots { get; } = ScreenshotDirectory();

    public async Task InitializeAsync()
    {
        if (!File.Exists(Chromium))
        {
            throw new InvalidOperationException($"{Chromium} is missing: run scripts/setup.sh (apt-get install chromium). Never 'playwright install'.");
        }
        await Server.InitializeAsync();
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
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

    public async Task<Journey> StartAsync(string name, bool javaScript = true)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
            JavaScriptEnabled = javaScript,
            AcceptDownloads = true,
            Locale = "en-US",
        });
        context.SetDefaultTimeout(10_000);
        var page = await context.NewPageAsync();
        return new Journey(this, context, page, name, javaScript);
    }

    private static string ScreenshotDirectory()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Commet.slnx")))
        {
            dir = dir.Parent;
        }
        var path = dir is null
            ? Path.Combine(AppContext.BaseDirectory, "screenshots")
            : Path.Combine(dir.FullName, "tests", "Commet.Browser.Tests", "screenshots");
        Directory.CreateDirectory(path);
        return path;
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}

/// <summary>A customer's visit: one browser context, screenshots of every page at phone and desktop widths.</summary>
public sealed class Journey(BrowserFixture fixture, IBrowserContext context, IPage page, string name, bool javaScript) : IAsyncDisposable
{
    private int step;

    public IPage Page => page;

    public Uri Base => fixture.Server.BaseAddress;

    public async Task GotoAsync(string pathOrUrl)
    {
        var url = pathOrUrl.StartsWith("http", StringComparison.Ordinal) ? pathOrUrl : new Uri(Base, pathOrUrl).ToString();
        await page.GotoAsync(url);
    }

    /// <summary>Full-page screenshots at 390 px and 1280 px; at 390 px nothing may stick out sideways.</summary>
    public async Task ShotAsync(string what)
    {
        step++;
        var file = $"{name}-{step:00}-{what}";
        await page.SetViewportSizeAsync(390, 844);
        if (javaScript)
        {
            var fits = await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth + 1");
            Assert.True(fits, $"{file}: the page is wider than a 390 px phone screen.");
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

    public async ValueTask DisposeAsync() => await context.DisposeAsync();
}
