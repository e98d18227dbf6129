using System.Text.RegularExpressions;
using Commet.Server.Tests.Infrastructure;
using Commet.Server.Tests.Stripe;
using Microsoft.Playwright;
using static Commet.Server.Tests.Infrastructure.BillingApi;

namespace Commet.Browser.Tests;

/// <summary>The portal's card replacement when the organization connected Stripe: the card is entered on Stripe Checkout.</summary>
[Collection(BrowserCollection.Name)]
public sealed partial class StripeCardJourneyTests(BrowserFixture fixture)
{
    [Fact]
    public async Task ReplaceCard_GoesThroughStripeCheckout_AndTheNewCardIsShownInThePortal()
    {
        var t = await fixture.Server.NewTenantAsync();
        await t.Api.SetClock(Utc(2027, 3, 1));
        await t.Api.Plan("pro", 4900);
        // A card saved with the built-in sandbox provider first; then the organization connects its Stripe test account.
        await t.Api.Customer("ann", "4242424242424242");
        await t.Api.Subscribe("ann", "pro");
        await t.Api.PutJson("/api/v1/payment-provider", new { provider = "stripe", secretKey = StripeStandIn.TestKey, webhookSecret = "whsec_browser_journey" }).Ok();
        var link = await PortalClient.LinkAsync(t.Api, "ann", "https://app.example.com/settings/billing");
        await using var j = await fixture.StartAsync("stripe-card");

        await j.GotoAsync(link);
        await Assertions.Expect(j.Page.GetByText("Visa ending in 4242").First).ToBeVisibleAsync();
        await j.Page.GetByRole(AriaRole.Link, new() { Name = "Replace card", Exact = true }).First.ClickAsync();
        await Assertions.Expect(j.Page.GetByRole(AriaRole.Heading, new() { Name = "Replace your card" })).ToBeVisibleAsync();
        await j.AccessibleAsync();
        await j.ShotAsync("card-page");

        await j.Page.GetByRole(AriaRole.Link, new() { Name = "Continue to Stripe", Exact = true }).ClickAsync();
        await Assertions.Expect(j.Page).ToHaveURLAsync(new Regex("/checkout/cs_test_"));
        await j.Page.GetByLabel("Card number").FillAsync("5555555555554444");
        await j.Page.GetByRole(AriaRole.Button, new() { Name = "Save card", Exact = true }).ClickAsync();

        await Assertions.Expect(j.Page).ToHaveURLAsync(new Regex("/portal\\?m=card_saved$"));
        await Assertions.Expect(j.Page.GetByText("Your card was saved.").First).ToBeVisibleAsync();
        await Assertions.Expect(j.Page.GetByText("Mastercard ending in 4444").First).ToBeVisibleAsync();
        await j.ShotAsync("card-saved");
        // Stripe saved it with setup mode on the Stripe customer made for Ann.
        var session = Assert.Single(fixture.Server.Stripe.ObjectsOf("checkout.session"), s => (string?)s["status"] == "complete" && (string?)s["mode"] == "setup");
        Assert.StartsWith("cus_", (string?)session["customer"], StringComparison.Ordinal);
    }
}
