using Commet.Models;
using Commet.Server.Tests.Infrastructure;
using Microsoft.Playwright;
using static Commet.Server.Tests.Infrastructure.BillingApi;

namespace Commet.Browser.Tests;

/// <summary>
/// samples/Acme as a merchant's user meets it: the sample runs as its own process against the fixture's real server,
/// and Chromium registers, opens "Manage billing", lands in that user's portal and comes back.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class SampleJourneyTests(BrowserFixture fixture)
{
    private const string Password = "Sample-pass-1";

    private static async Task<TestTenant> TenantAsync(ServerFixture server)
    {
        var t = await server.NewTenantAsync();
        await t.Api.PutJson("/api/v1/portal/settings", new { displayName = "Acme Reports" }).Ok();
        var group = await t.Api.Group();
        await t.Api.PostJson("/api/v1/features/manage", new { code = "reports", name = "Reports", type = "boolean" }).Ok();
        await t.Api.PostJson("/api/v1/plans/manage", new { code = "team", name = "Team", planGroupId = group, sortOrder = 1 }).Ok();
        await t.Api.PostJson("/api/v1/plans/team/prices", new { billingInterval = "monthly", price = 2900, isDefault = true }).Ok();
        await t.Api.PostJson("/api/v1/plans/team/features", new { featureId = "reports" }).Ok();
        return t;
    }

    private static async Task<string> RegisterAsync(IPage page, Uri sample, string email)
    {
        await page.GotoAsync(new Uri(sample, "/Identity/Account/Register").ToString());
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(Password);
        await page.GetByLabel("Confirm password").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Register" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
        await page.GotoAsync(new Uri(sample, "/Billing").ToString());
        return (await page.GetByTestId("customer-id").TextContentAsync())!.Trim();
    }

    [Fact]
    public async Task Register_ManageBilling_OpensThatUsersPortal_AndTheReturnLinkComesBack()
    {
        var t = await TenantAsync(fixture.Server);
        await using var sample = await SampleApp.StartAsync(fixture.Server.BaseAddress, t.SandboxKey);
        await using var j = await fixture.StartAsync("sample");
        var email = $"ada-{Guid.NewGuid().ToString("N")[..8]}@example.com";

        var customerId = await RegisterAsync(j.Page, sample.BaseAddress, email);

        // Registration created the Commet customer: the user's ID is its ID, with the user's email.
        Assert.NotEmpty(customerId);
        var customer = await t.Api.GetJson($"/api/v1/customers/{customerId}").Ok();
        Assert.Equal(email, customer.Str("email"));
        await j.ShotAsync("billing");

        await j.Page.GetByRole(AriaRole.Link, new() { Name = "Manage billing" }).ClickAsync();

        await Assertions.Expect(j.Page).ToHaveURLAsync(new Uri(fixture.Server.BaseAddress, "/portal").ToString());
        await Assertions.Expect(j.Page.Locator(".who")).ToHaveTextAsync(email);
        await j.ShotAsync("portal");

        await j.Page.GetByRole(AriaRole.Link, new() { Name = "Return to Acme Reports" }).ClickAsync();

        await Assertions.Expect(j.Page).ToHaveURLAsync(new Uri(sample.BaseAddress, "/Billing").ToString());
        await Assertions.Expect(j.Page.GetByTestId("customer-id")).ToHaveTextAsync(customerId);
    }

    /// <summary>
    /// A cancellation made in the portal reaches the sample's webhook receiver: the server signs the delivery and
    /// <c>MapCommetWebhooks</c> verifies it before the sample stores it.
    /// </summary>
    [Fact]
    public async Task PortalCancellation_ReachesTheSamplesWebhookReceiver()
    {
        var t = await TenantAsync(fixture.Server);
        var port = SampleApp.FreePort();
        var commet = new CommetClient(t.SandboxKey, new CommetClientOptions { BaseUrl = fixture.Server.BaseAddress, MaxRetries = 0 });
        // The portal's cancel button schedules the cancellation at the period end: subscription.cancellation_scheduled.
        var endpoint = await commet.Webhooks.CreateAsync(new CreateWebhookRequest
        {
            Url = $"http://127.0.0.1:{port}/webhooks/commet",
            Events = ["subscription.canceled", "subscription.cancellation_scheduled"],
            Description = "samples/Acme in the browser test",
        });
        await using var sample = await SampleApp.StartAsync(fixture.Server.BaseAddress, t.SandboxKey, endpoint.SecretKey, port);
        await using var j = await fixture.StartAsync("sample-webhook");
        var customerId = await RegisterAsync(j.Page, sample.BaseAddress, $"bo-{Guid.NewGuid().ToString("N")[..8]}@example.com");
        // A card on file, so the subscription starts paid (without one it waits on checkout and has nothing to cancel).
        await t.Api.Card(customerId, "4242424242424242");
        Assert.Equal("active", (await t.Api.Subscribe(customerId, "team")).Str("status"));

        await j.Page.GetByRole(AriaRole.Link, new() { Name = "Manage billing" }).ClickAsync();
        await j.Page.GetByRole(AriaRole.Link, new() { Name = "Cancel subscription", Exact = true }).ClickAsync();
        await j.Page.GetByRole(AriaRole.Button, new() { Name = "Continue", Exact = true }).ClickAsync();
        await j.Page.GetByRole(AriaRole.Button, new() { Name = "Cancel subscription", Exact = true }).ClickAsync();
        await Assertions.Expect(j.Page.GetByRole(AriaRole.Button, new() { Name = "Keep my subscription" })).ToBeVisibleAsync();

        // The delivery is asynchronous: reload the sample's Events page until the row is there (at most 30 s).
        await j.Page.GotoAsync(new Uri(sample.BaseAddress, "/Events").ToString());
        var row = j.Page.GetByRole(AriaRole.Row).Filter(new() { HasText = "subscription.cancel" });
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await row.CountAsync() == 0 && DateTime.UtcNow < deadline)
        {
            await j.Page.WaitForTimeoutAsync(250);
            await j.Page.ReloadAsync();
        }
        await Assertions.Expect(row).ToContainTextAsync(customerId);
        await j.ShotAsync("events");
    }
}
