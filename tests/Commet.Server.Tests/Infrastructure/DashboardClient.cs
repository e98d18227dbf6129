using System.Net;
using Commet.Server.Dashboard;
using Commet.Server.Persistence;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Commet.Server.Tests.Infrastructure;

/// <summary>A dashboard answer: status, markup, where a redirect leads.</summary>
public sealed record DashboardPage(HttpStatusCode Status, string Html, string? Location)
{
    public string Text => WebUtility.HtmlDecode(Html);

    /// <summary>The answer's Content-Security-Policy header.</summary>
    public string? Csp { get; init; }

    public override string ToString() => $"{(int)Status} → {Location} {Html}";
}

/// <summary>
/// A browser without JavaScript for the dashboard: a cookie jar (sign-in and antiforgery cookies), no redirects
/// followed, forms posted with the antiforgery token of the last page read that had one.
/// </summary>
public sealed class DashboardClient : IDisposable
{
    private readonly HttpClient http;

    public DashboardClient(ServerFixture server)
    {
        var handler = new HttpClientHandler { CookieContainer = new CookieContainer(), UseCookies = true, AllowAutoRedirect = false };
        http = new HttpClient(handler, disposeHandler: true) { BaseAddress = server.BaseAddress };
    }

    public string? Token { get; private set; }

    public async Task<DashboardPage> Get(string url)
    {
        using var response = await http.GetAsync(url);
        return await Read(response);
    }

    public async Task<DashboardPage> Post(string url, IDictionary<string, string> fields, bool withToken = true)
    {
        var all = new Dictionary<string, string>(fields);
        if (withToken && Token is not null)
        {
            all["__RequestVerificationToken"] = Token;
        }
        using var content = new FormUrlEncodedContent(all);
        using var response = await http.PostAsync(url, content);
        return await Read(response);
    }

    /// <summary>Reads the sign-in page (for its token) and posts the credentials.</summary>
    public async Task<DashboardPage> SignIn(string email, string password)
    {
        await Get("/dashboard/sign-in");
        return await Post("/dashboard/sign-in", new Dictionary<string, string> { ["email"] = email, ["password"] = password });
    }

    public void Dispose() => http.Dispose();

    private async Task<DashboardPage> Read(HttpResponseMessage response)
    {
        var page = new DashboardPage(response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers.Location?.ToString())
        {
            Csp = response.Headers.TryGetValues("Content-Security-Policy", out var csp) ? string.Join(", ", csp) : null,
        };
        Token = new HtmlPage(response.StatusCode, page.Html).AntiforgeryToken ?? Token;
        return page;
    }
}

public static class DashboardMembers
{
    public const string Password = "correct horse battery";

    /// <summary>A member (Identity's own code, so the password is hashed as sign-in expects) with a role in an organization.</summary>
    public static async Task<string> AddMemberAsync(this ServerFixture server, string organizationId, string role, string? email = null)
    {
        email ??= $"{role}-{Guid.NewGuid():N}@example.com";
        await using var scope = server.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<DashboardUser>>();
        var user = new DashboardUser { UserName = email, Email = email, CreatedAt = DateTime.UtcNow };
        var created = await users.CreateAsync(user, Password);
        Assert.True(created.Succeeded, string.Join(", ", created.Errors.Select(e => e.Description)));
        var db = scope.ServiceProvider.GetRequiredService<CommetDb>();
        db.Memberships.Add(new Membership { OrganizationId = organizationId, UserId = user.Id, Role = role, CreatedAt = DateTime.UtcNow });
        await db.SaveChangesAsync();
        return email;
    }

    /// <summary>A fresh context over the whole database (no tenant), for reading dashboard tables.</summary>
    public static CommetDb RawDb(this ServerFixture server) =>
        server.Services.GetRequiredService<IDbContextFactory<CommetDb>>().CreateDbContext();
}
