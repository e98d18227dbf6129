using System.Collections.Concurrent;
using System.Net;
using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using Commet.AspNetCore;
using Commet.Models;
using Commet.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Commet.Sdk.Tests;

/// <summary>The ASP.NET Core Identity integration against a real server: customers follow users; features gate endpoints; usage is tracked.</summary>
public sealed class IdentityTests(SqliteServer server) : IClassFixture<SqliteServer>
{
    [Fact]
    public async Task Registering_CreatesTheCustomer_WithTheUsersId_AndAnEmailChangeFollows()
    {
        var tenant = await server.NewTenantAsync();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddIdentityCore<TestUser>().AddUserStore<InMemoryUserStore>();
        services.AddCommetClient(tenant.SandboxKey, o => o.BaseUrl = server.BaseAddress);
        services.AddCommetIdentity<TestUser>();
        await using var provider = services.BuildServiceProvider();
        await using var scope = provider.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<TestUser>>();
        var commet = scope.ServiceProvider.GetRequiredService<CommetClient>();

        var user = new TestUser { UserName = "ada", Email = "ada@example.com" };
        var created = await users.CreateAsync(user);
        var customer = await commet.Customers.GetAsync(user.Id);
        var changed = await users.SetEmailAsync(user, "ada.king@example.com");
        var after = await commet.Customers.GetAsync(user.Id);

        Assert.IsType<CommetUserManager<TestUser>>(users);
        Assert.True(created.Succeeded);
        Assert.Equal((user.Id, "ada@example.com", "ada"), (customer.ExternalId, customer.Email, customer.FullName));
        Assert.True(changed.Succeeded);
        Assert.Equal("ada.king@example.com", after.Email);
    }

    [Fact]
    public async Task RequireFeature_TrackUsage_AndThePortal_UseTheSignedInUsersCustomer()
    {
        var tenant = await server.NewTenantAsync();
        var commet = new CommetClient(tenant.SandboxKey, new CommetClientOptions { BaseUrl = server.BaseAddress });
        await commet.Features.CreateAsync(new CreateFeatureRequest { Code = "sso", Name = "SSO", Type = FeatureType.Boolean });
        await commet.Features.CreateAsync(new CreateFeatureRequest { Code = "gen", Name = "Generations", Type = FeatureType.Usage });
        await commet.Plans.CreateAsync(new CreatePlanRequest { Code = "business", Name = "Business" });
        await commet.Plans.AddPriceAsync("business", new AddPlanPriceRequest { BillingInterval = BillingInterval.Monthly, Price = 9900 });
        await commet.Plans.AddFeatureAsync("business", new AddPlanFeatureRequest { FeatureId = "sso" });
        await commet.Plans.AddFeatureAsync("business", new AddPlanFeatureRequest { FeatureId = "gen", IncludedAmount = 100 });
        foreach (var id in new[] { "user_a", "user_b" })
        {
            await commet.Customers.CreateAsync(new CreateCustomerRequest { Id = id, Email = id + "@example.com" });
        }
        using (var api = tenant.Api)
        using (var card = await api.PostAsync("/api/v1/sandbox/payment-methods",
            new StringContent("""{"customerId":"user_a","cardNumber":"4242424242424242"}""", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.Created, card.StatusCode);
        }
        await commet.Subscriptions.CreateAsync(new CreateSubscriptionRequest { CustomerId = "user_a", PlanCode = "business" });

        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddAuthentication("header").AddScheme<AuthenticationSchemeOptions, HeaderAuthentication>("header", null);
        builder.Services.AddIdentityCore<TestUser>().AddUserStore<InMemoryUserStore>();
        builder.Services.AddCommetClient(tenant.SandboxKey, o => o.BaseUrl = server.BaseAddress);
        builder.Services.AddCommetIdentity<TestUser>();
        await using var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/sso", () => "welcome").RequireFeature("sso");
        app.MapPost("/generate", () => "done").TrackUsage("gen", 2);
        app.MapCommetCustomerPortal("/billing/portal");
        await app.StartAsync();
        using var http = new HttpClient(app.GetTestServer().CreateHandler()) { BaseAddress = new Uri("http://merchant.test") };

        async Task<HttpResponseMessage> As(string? user, HttpMethod method, string path)
        {
            using var request = new HttpRequestMessage(method, path);
            if (user is not null)
            {
                request.Headers.Add("X-User", user);
            }
            return await http.SendAsync(request);
        }

        Assert.Equal(HttpStatusCode.OK, (await As("user_a", HttpMethod.Get, "/sso")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await As("user_b", HttpMethod.Get, "/sso")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await As(null, HttpMethod.Get, "/sso")).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await As("user_a", HttpMethod.Post, "/generate")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await As("user_a", HttpMethod.Post, "/generate")).StatusCode);
        // Two calls of two units each.
        Assert.Equal(4m, (await commet.FeatureAccess.GetAsync("user_a", "gen")).Current);

        var portal = await As("user_a", HttpMethod.Get, "/billing/portal");
        Assert.Equal(HttpStatusCode.Redirect, portal.StatusCode);
        Assert.StartsWith(server.BaseAddress.ToString().TrimEnd('/') + "/portal/", portal.Headers.Location!.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await As(null, HttpMethod.Get, "/billing/portal")).StatusCode);
    }

    public sealed class TestUser
    {
        public string Id { get; set; } = "usr_" + Guid.NewGuid().ToString("N")[..12];
        public string? UserName { get; set; }
        public string? NormalizedUserName { get; set; }
        public string? Email { get; set; }
        public string? NormalizedEmail { get; set; }
        public bool EmailConfirmed { get; set; }
    }

    /// <summary>The least store Identity needs for users with emails.</summary>
    public sealed class InMemoryUserStore : IUserEmailStore<TestUser>
    {
        private static readonly ConcurrentDictionary<string, TestUser> Users = new();

        public void Dispose()
        {
        }

        public Task<IdentityResult> CreateAsync(TestUser user, CancellationToken cancellationToken)
        {
            Users[user.Id] = user;
            return Task.FromResult(IdentityResult.Success);
        }

        public Task<IdentityResult> UpdateAsync(TestUser user, CancellationToken cancellationToken)
        {
            Users[user.Id] = user;
            return Task.FromResult(IdentityResult.Success);
        }

        public Task<IdentityResult> DeleteAsync(TestUser user, CancellationToken cancellationToken)
        {
            Users.TryRemove(user.Id, out _);
            return Task.FromResult(IdentityResult.Success);
        }

        public Task<TestUser?> FindByIdAsync(string userId, CancellationToken cancellationToken) => Task.FromResult(Users.GetValueOrDefault(userId));

        public Task<TestUser?> FindByNameAsync(string normalizedUserName, CancellationToken cancellationToken) =>
            Task.FromResult(Users.Values.FirstOrDefault(u => u.NormalizedUserName == normalizedUserName));

        public Task<string?> GetNormalizedUserNameAsync(TestUser user, CancellationToken cancellationToken) => Task.FromResult(user.NormalizedUserName);

        public Task<string> GetUserIdAsync(TestUser user, CancellationToken cancellationToken) => Task.FromResult(user.Id);

        public Task<string?> GetUserNameAsync(TestUser user, CancellationToken cancellationToken) => Task.FromResult(user.UserName);

        public Task SetNormalizedUserNameAsync(TestUser user, string? normalizedName, CancellationToken cancellationToken)
        {
            user.NormalizedUserName = normalizedName;
            return Task.CompletedTask;
        }

        public Task SetUserNameAsync(TestUser user, string? userName, CancellationToken cancellationToken)
        {
            user.UserName = userName;
            return Task.CompletedTask;
        }

        public Task<TestUser?> FindByEmailAsync(string normalizedEmail, CancellationToken cancellationToken) =>
            Task.FromResult(Users.Values.FirstOrDefault(u => u.NormalizedEmail == normalizedEmail));

        public Task<string?> GetEmailAsync(TestUser user, CancellationToken cancellationToken) => Task.FromResult(user.Email);

        public Task<bool> GetEmailConfirmedAsync(TestUser user, CancellationToken cancellationToken) => Task.FromResult(user.EmailConfirmed);

        public Task<string?> GetNormalizedEmailAsync(TestUser user, CancellationToken cancellationToken) => Task.FromResult(user.NormalizedEmail);

        public Task SetEmailAsync(TestUser user, string? email, CancellationToken cancellationToken)
        {
            user.Email = email;
            return Task.CompletedTask;
        }

        public Task SetEmailConfirmedAsync(TestUser user, bool confirmed, CancellationToken cancellationToken)
        {
            user.EmailConfirmed = confirmed;
            return Task.CompletedTask;
        }

        public Task SetNormalizedEmailAsync(TestUser user, string? normalizedEmail, CancellationToken cancellationToken)
        {
            user.NormalizedEmail = normalizedEmail;
            return Task.CompletedTask;
        }
    }

    /// <summary>Signs the request in as the user named in <c>X-User</c> (stands in for the Identity cookie).</summary>
    private sealed class HeaderAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            var user = Request.Headers["X-User"].ToString();
            if (user.Length == 0)
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }
            var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, user)], "header");
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), "header")));
        }
    }
}
