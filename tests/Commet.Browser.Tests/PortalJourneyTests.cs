using System.Text.RegularExpressions;
using Commet.Server.Tests.Infrastructure;
using Microsoft.Playwright;
using static Commet.Server.Tests.Infrastructure.BillingApi;

namespace Commet.Browser.Tests;

/// <summary>
/// The customer portal in real Chromium, as a customer uses it: every "must show" journey of the portal issue,
/// with screenshots of every page at phone and desktop widths, and an accessibility check on the main pages.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class PortalJourneyTests(BrowserFixture fixture)
{
    private static readonly DateTime Start = Utc(2027, 3, 1);

    private ServerFixture Server => fixture.Server;

    private static async Task<TestTenant> TenantAsync(ServerFixture server, string name)
    {
        var t = await server.NewTenantAsync();
        await t.Api.SetClock(Start);
        await t.Api.PutJson("/api/v1/portal/settings", new { displayName = name, supportEmail = "help@example.com", termsUrl = "https://example.com/terms", privacyUrl = "https://example.com/privacy" }).Ok();
        return t;
    }

    private static async Task GroupOfBasicAndPro(HttpClient api)
    {
        var group = await api.Group();
        await api.PostJson("/api/v1/features/manage", new { code = "api_calls", name = "API calls", type = "usage", unitName = "call" }).Ok();
        await api.PostJson("/api/v1/features/manage", new { code = "sso", name = "Single sign-on", type = "boolean" }).Ok();
        await api.PostJson("/api/v1/plans/manage", new { code = "basic", name = "Basic", description = "For small teams", planGroupId = group, sortOrder = 1 }).Ok();
        await api.PostJson("/api/v1/plans/basic/prices", new { billingInterval = "monthly", price = 1900, isDefault = true }).Ok();
        await api.PostJson("/api/v1/plans/basic/prices", new { billingInterval = "yearly", price = 19000 }).Ok();
        await api.PostJson("/api/v1/plans/basic/features", new { featureId = "api_calls", includedAmount = 10000, overage = new { enabled = true, unitPrice = 20 } }).Ok();
        await api.PostJson("/api/v1/plans/manage", new { code = "pro", name = "Pro", description = "For growing companies", planGroupId = group, sortOrder = 2 }).Ok();
        await api.PostJson("/api/v1/plans/pro/prices", new { billingInterval = "monthly", price = 4900, isDefault = true }).Ok();
        await api.PostJson("/api/v1/plans/pro/prices", new { billingInterval = "yearly", price = 49000 }).Ok();
        await api.PostJson("/api/v1/plans/pro/features", new { featureId = "api_calls", includedAmount = 100000, overage = new { enabled = true, unitPrice = 10 } }).Ok();
        await api.PostJson("/api/v1/plans/pro/features", new { featureId = "sso" }).Ok();
    }

    private static async Task<string> LinkAsync(TestTenant t, string customer) =>
        await PortalClient.LinkAsync(t.Api, customer, "https://app.example.com/settings/billing");

    private static ILocator Button(IPage page, string name) => page.GetByRole(AriaRole.Button, new() { Name = name, Exact = true });

    private static ILocator Link(IPage page, string name) => page.GetByRole(AriaRole.Link, new() { Name = name, Exact = true });

    private static async Task SeeAsync(IPage page, string text) =>
        await Assertions.Expect(page.GetByText(text, new() { Exact = false }).First).ToBeVisibleAsync();

    private static async Task FillCardAsync(IPage page, string number)
    {
        await page.GetByLabel("Card number").FillAsync(number);
        await page.GetByLabel("Expiry date").FillAsync("12/30");
        await page.GetByLabel("Security code").FillAsync("123");
    }

    [Fact]
    public async Task FreshLink_OpensTheOverview_OnACleanUrl_AndWorksOnlyOnce()
    {
        var t = await TenantAsync(Server, "Acme Analytics");
        await GroupOfBasicAndPro(t.Api);
        await t.Api.PostJson("/api/v1/customers", new { id = "ann", email = "ann@example.com", fullName = "Ann Lee", timezone = "Europe/Madrid" }).Ok();
        await t.Api.Card("ann", "4242424242424242");
        await t.Api.Subscribe("ann", "basic");
        var link = await LinkAsync(t, "ann");
        await using var j = await fixture.StartAsync("overview");

        await j.GotoAsync(link);

        Assert.Equal(new Uri(j.Base, "/portal").ToString(), j.Page.Url);
        await Assertions.Expect(j.Page.GetByRole(AriaRole.Heading, new() { Name = "Your subscription" })).ToBeVisibleAsync();
        await SeeAsync(j.Page, "$19.00 per month");
        await SeeAsync(j.Page, "Mar 1 – Apr 1, 2027");
        await SeeAsync(j.Page, "Visa ending in 4242");
        await Assertions.Expect(Link(j.Page, "Return to Acme Analytics")).ToHaveAttributeAsync("href", "https://app.example.com/settings/billing");
        await j.AccessibleAsync();
        await j.ShotAsync("overview");

        await j.GotoAsync(link);
        await SeeAsync(j.Page, "This link has already been used or has expired");
        Assert.DoesNotContain("ann@example.com", await j.Page.ContentAsync(), StringComparison.Ordinal);
        await j.ShotAsync("link-used");

        await j.GotoAsync("/portal");
        await Button(j.Page, "Sign out").ClickAsync();
        await SeeAsync(j.Page, "You're signed out");
        await j.ShotAsync("signed-out");
    }

    [Fact]
    public async Task Usage_ShowsMetersCreditsAndADailyChart()
    {
        var t = await TenantAsync(Server, "Pixel Forge");
        var api = t.Api;
        await api.PostJson("/api/v1/features/manage", new { code = "images", name = "Image generations", type = "usage", unitName = "image" }).Ok();
        await api.PostJson("/api/v1/features/manage", new { code = "priority", name = "Priority queue", type = "boolean" }).Ok();
        await api.PostJson("/api/v1/features/manage", new { code = "members", name = "Team members", type = "seats", unitName = "seat" }).Ok();
        await api.PostJson("/api/v1/plans/manage", new { code = "studio", name = "Studio", consumptionModel = "credits" }).Ok();
        await api.PostJson("/api/v1/plans/studio/prices", new { billingInterval = "monthly", price = 2900, includedCredits = 1000 }).Ok();
        await api.PostJson("/api/v1/plans/studio/features", new { featureId = "images", creditsPerUnit = 10 }).Ok();
        await api.PostJson("/api/v1/plans/studio/features", new { featureId = "priority" }).Ok();
        await api.PostJson("/api/v1/plans/studio/features", new { featureId = "members", includedAmount = 5 }).Ok();
        await api.PostJson("/api/v1/credit-packs/manage", new { name = "500 credits", credits = 500, price = 1500 }).Ok();
        await api.Customer("bo");
        var sub = (await api.Subscribe("bo", "studio")).Str("id");
        await api.PostJson($"/api/v1/subscriptions/{sub}/credits", new { creditPackId = (await api.GetJson("/api/v1/credit-packs").Ok())[0]!.Str("id") }).Ok();
        await api.PostJson("/api/v1/seats", new { customerId = "bo", featureCode = "members", count = 3 }).Ok();
        foreach (var (day, count) in new[] { (0, 12), (1, 30), (2, 7), (4, 21), (5, 18) })
        {
            await api.SetClock(Start.AddDays(day).AddHours(10));
            await api.PostJson("/api/v1/usage/events", new { customerId = "bo", feature = "images", value = count }).Ok();
        }
        await using var j = await fixture.StartAsync("usage");
        await j.GotoAsync(await LinkAsync(t, "bo"));

        await Link(j.Page, "Usage").ClickAsync();

        // 88 images × 10 credits = 880 of the 1,000 plan credits; the 500 purchased are untouched.
        await SeeAsync(j.Page, "620");
        await SeeAsync(j.Page, "120 of 1,000 left this month");
        await SeeAsync(j.Page, "Purchased credits:");
        await SeeAsync(j.Page, "3 of 5 seats in use");
        await SeeAsync(j.Page, "88 images used this month");
        await SeeAsync(j.Page, "Priority queue");
        await Assertions.Expect(j.Page.Locator("svg.chart rect.fill")).ToHaveCountAsync(31);
        await Assertions.Expect(j.Page.Locator("svg.chart rect.fill:not([height='0'])")).ToHaveCountAsync(5);
        await j.Page.GetByText("Daily numbers").ClickAsync();
        await Assertions.Expect(j.Page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Mar 2" })).ToContainTextAsync("30");
        await j.AccessibleAsync();
        await j.ShotAsync("usage");
    }

    [Fact]
    public async Task Upgrade_WithPreview_ThenConfirm_AndTheNewInvoiceIsListed()
    {
        var t = await TenantAsync(Server, "Acme Analytics");
        await GroupOfBasicAndPro(t.Api);
        await t.Api.Customer("cy");
        await t.Api.Subscribe("cy", "basic");
        await t.Api.SetClock(Start.AddDays(10));
        await using var j = await fixture.StartAsync("upgrade");
        await j.GotoAsync(await LinkAsync(t, "cy"));

        await Link(j.Page, "Change plan").ClickAsync();
        await j.ShotAsync("plans");
        await j.AccessibleAsync();
        await Link(j.Page, "Upgrade to Pro").ClickAsync();

        // Pro $49.00 − unused Basic: $19.00 × 21/31 days = $12.87 → $36.13 today.
        await SeeAsync(j.Page, "Due today");
        await SeeAsync(j.Page, "−$12.87");
        await SeeAsync(j.Page, "$36.13");
        await j.ShotAsync("preview");
        await Button(j.Page, "Confirm and pay $36.13").ClickAsync();

        await SeeAsync(j.Page, "Your plan was changed");
        await SeeAsync(j.Page, "$49.00 per month");
        await j.ShotAsync("upgraded");
        await Link(j.Page, "Invoices").ClickAsync();
        await SeeAsync(j.Page, "Plan change");
        await Assertions.Expect(j.Page.GetByRole(AriaRole.Row).Filter(new() { HasText = "INV-000002" })).ToContainTextAsync("$36.13");
        await j.ShotAsync("invoices");
    }

    [Fact]
    public async Task Upgrade_WithAPromoCodeInThePreview_PaysTheDiscountedAmount()
    {
        var t = await TenantAsync(Server, "Acme Analytics");
        await GroupOfBasicAndPro(t.Api);
        await t.Api.PostJson("/api/v1/promo-codes", new { code = "UPGRADE25", discountType = "percentage", discountValue = 2500, durationCycles = 1 }).Ok();
        await t.Api.Customer("cpr");
        await t.Api.Subscribe("cpr", "basic");
        await t.Api.SetClock(Start.AddDays(10));
        await using var j = await fixture.StartAsync("upgrade-promo");
        await j.GotoAsync(await LinkAsync(t, "cpr"));

        await Link(j.Page, "Change plan").ClickAsync();
        await Link(j.Page, "Upgrade to Pro").ClickAsync();
        await SeeAsync(j.Page, "$36.13");
        await j.Page.GetByLabel("Promo code").FillAsync("upgrade25");
        await Button(j.Page, "Apply").ClickAsync();

        // Pro $49.00 − unused Basic $12.87 = $36.13; 25 % = $9.0325 → $9.03 off (half away from zero) → $27.10 today.
        await SeeAsync(j.Page, "Discount (UPGRADE25)");
        await SeeAsync(j.Page, "−$9.03");
        await j.ShotAsync("promo-preview");
        await j.AccessibleAsync();
        await Button(j.Page, "Confirm and pay $27.10").ClickAsync();

        await SeeAsync(j.Page, "Your plan was changed");
        await Link(j.Page, "Invoices").ClickAsync();
        await Assertions.Expect(j.Page.GetByRole(AriaRole.Row).Filter(new() { HasText = "INV-000002" })).ToContainTextAsync("$27.10");
    }

    [Fact]
    public async Task Downgrade_IsScheduled_AndUndone()
    {
        var t = await TenantAsync(Server, "Acme Analytics");
        await GroupOfBasicAndPro(t.Api);
        await t.Api.Customer("di");
        await t.Api.Subscribe("di", "pro");
        await using var j = await fixture.StartAsync("downgrade");
        await j.GotoAsync(await LinkAsync(t, "di"));

        await Link(j.Page, "Change plan").ClickAsync();
        await Link(j.Page, "Downgrade to Basic").ClickAsync();
        await SeeAsync(j.Page, "Starts Apr 1, 2027");
        await SeeAsync(j.Page, "Basic does not include Single sign-on.");
        await j.ShotAsync("preview");
        await Button(j.Page, "Confirm change").ClickAsync();

        await SeeAsync(j.Page, "Your plan change is scheduled");
        await SeeAsync(j.Page, "your plan changes to Basic");
        await j.ShotAsync("scheduled");
        await Button(j.Page, "Keep my current plan").ClickAsync();

        await SeeAsync(j.Page, "The scheduled plan change was undone");
        await Assertions.Expect(j.Page.GetByText("Scheduled change:")).ToHaveCountAsync(0);
        await j.ShotAsync("undone");
    }

    [Fact]
    public async Task FreePlan_WithoutACard_BuysCredits_IsAskedForACard_ADeclineChargesNothing_AndTheCardIsKept()
    {
        var t = await TenantAsync(Server, "Pixel Forge");
        var api = t.Api;
        await api.PostJson("/api/v1/features/manage", new { code = "gen", name = "Generations", type = "usage", unitName = "generation" }).Ok();
        await api.PostJson("/api/v1/plans/manage", new { code = "free", name = "Free", consumptionModel = "credits", isFree = true }).Ok();
        await api.PostJson("/api/v1/plans/free/features", new { featureId = "gen", creditsPerUnit = 1 }).Ok();
        await api.PostJson("/api/v1/credit-packs/manage", new { name = "Starter pack", credits = 250, price = 900 }).Ok();
        await api.Customer("el", card: null);
        await api.Subscribe("el", "free");
        await using var j = await fixture.StartAsync("first-purchase");
        await j.GotoAsync(await LinkAsync(t, "el"));

        await Link(j.Page, "Purchases").ClickAsync();
        await j.ShotAsync("purchases");
        await Link(j.Page, "Buy Starter pack").ClickAsync();
        await SeeAsync(j.Page, "Due now: $9.00");
        await j.ShotAsync("confirm");
        await Button(j.Page, "Pay $9.00").ClickAsync();

        await Assertions.Expect(j.Page.GetByRole(AriaRole.Heading, new() { Name = "Add a card to continue" })).ToBeVisibleAsync();
        await j.AccessibleAsync();
        await j.ShotAsync("card");
        await FillCardAsync(j.Page, "4000 0000 0000 0002");
        await Button(j.Page, "Save card and pay $9.00").ClickAsync();
        await SeeAsync(j.Page, "Your card was declined and nothing was charged");
        await Assertions.Expect(j.Page.GetByLabel("Card number")).ToHaveAttributeAsync("aria-invalid", "true");
        await j.ShotAsync("declined");
        await using (var db = t.Db())
        {
            Assert.Equal(0, db.Invoices.Count());
            Assert.Equal(0, db.PaymentMethods.Count());
        }

        await FillCardAsync(j.Page, "4242 4242 4242 4242");
        await Button(j.Page, "Save card and pay $9.00").ClickAsync();
        // Bought through the card step, the notice says what changed too: one Starter pack of 250, none included.
        await SeeAsync(j.Page, "250 credits added — 250 left.");
        Assert.EndsWith("/portal/purchases?m=credits_bought&n=250&left=250", j.Page.Url, StringComparison.Ordinal);
        await j.ShotAsync("bought");
        await Link(j.Page, "Buy Starter pack").ClickAsync();
        await Button(j.Page, "Pay $9.00").ClickAsync();
        // Two Starter packs of 250 on a plan with none included: 500 left.
        await SeeAsync(j.Page, "250 credits added — 500 left.");
        Assert.EndsWith("/portal/purchases?m=credits_bought&n=250&left=500", j.Page.Url, StringComparison.Ordinal);

        await Link(j.Page, "Usage").ClickAsync();
        await SeeAsync(j.Page, "500");
        await Link(j.Page, "Payment method").ClickAsync();
        await SeeAsync(j.Page, "Visa ending in 4242");
        await j.ShotAsync("card-kept");
    }

    [Fact]
    public async Task Balance_TopUp()
    {
        var t = await TenantAsync(Server, "Voice API");
        var api = t.Api;
        await api.PostJson("/api/v1/features/manage", new { code = "minutes", name = "Call minutes", type = "usage", unitName = "minute" }).Ok();
        await api.PostJson("/api/v1/plans/manage", new { code = "payg", name = "Pay as you go", consumptionModel = "balance", blockOnExhaustion = true }).Ok();
        await api.PostJson("/api/v1/plans/payg/prices", new { billingInterval = "monthly", price = 1000, includedBalance = 50000 }).Ok();
        await api.PostJson("/api/v1/plans/payg/features", new { featureId = "minutes", overage = new { enabled = true, unitPrice = 200 } }).Ok();
        await api.PutJson("/api/v1/portal/settings", new { topupMinimum = 1000, topupMaximum = 50000 }).Ok();
        await api.Customer("fa");
        await api.Subscribe("fa", "payg");
        await using var j = await fixture.StartAsync("topup");
        await j.GotoAsync(await LinkAsync(t, "fa"));

        await Link(j.Page, "Purchases").ClickAsync();
        await j.Page.GetByLabel("Amount in USD").FillAsync("2");
        await Button(j.Page, "Continue").ClickAsync();
        await SeeAsync(j.Page, "Choose an amount from $10.00 to $500.00");
        await j.ShotAsync("too-small");
        await j.Page.GetByLabel("Amount in USD").FillAsync("25");
        await Button(j.Page, "Continue").ClickAsync();
        await Button(j.Page, "Pay $25.00").ClickAsync();

        // $25.00 added to the plan's $5.00.
        await SeeAsync(j.Page, "$25.00 added — $30.00 left.");
        await Link(j.Page, "Usage").ClickAsync();
        await SeeAsync(j.Page, "$30.00");
        await j.ShotAsync("balance");
    }

    [Fact]
    public async Task Overview_ShowsTheNextPaymentAmount_AndItsLinesOnRequest()
    {
        var t = await TenantAsync(Server, "Acme Analytics");
        await GroupOfBasicAndPro(t.Api);
        await t.Api.PostJson("/api/v1/features/manage", new { code = "extra_storage", name = "Extra storage", type = "boolean" }).Ok();
        var addon = await t.Api.PostJson("/api/v1/addons", new { name = "Extra storage", featureId = "extra_storage", basePrice = 1000, consumptionModel = "boolean" }).Ok();
        await t.Api.Customer("nx");
        var id = (await t.Api.Subscribe("nx", "basic")).Str("id");
        await t.Api.PostJson($"/api/v1/subscriptions/{id}/addons", new { addonId = addon.Str("id") }).Ok();
        await t.Api.PostJson("/api/v1/usage/events", new { customerId = "nx", feature = "api_calls", value = 12500 }).Ok();
        await using var j = await fixture.StartAsync("next-payment");

        await j.GotoAsync(await LinkAsync(t, "nx"));

        // $19.00 Basic + $10.00 add-on + (12,500 − 10,000) × $0.002 = $5.00 overage = $34.00 on Apr 1.
        var summary = j.Page.Locator("details.upcoming summary");
        await Assertions.Expect(summary).ToHaveTextAsync("$34.00 on Apr 1, 2027");
        var extra = j.Page.GetByRole(AriaRole.Row, new() { Name = "Extra storage $10.00" });
        await Assertions.Expect(extra).ToBeHiddenAsync();
        await summary.ClickAsync();
        await Assertions.Expect(extra).ToBeVisibleAsync();
        await Assertions.Expect(j.Page.GetByRole(AriaRole.Row, new() { Name = "API calls: 2,500 beyond the 10,000 included $5.00" })).ToBeVisibleAsync();
        await Assertions.Expect(j.Page.GetByRole(AriaRole.Row, new() { Name = "Basic (Apr 1 – May 1, 2027) $19.00" })).ToBeVisibleAsync();
        await j.AccessibleAsync();
        await j.ShotAsync("overview-lines");
    }

    [Fact]
    public async Task Addon_ActivatedWithAProratedPrice_ThenDeactivated()
    {
        var t = await TenantAsync(Server, "Acme Analytics");
        await GroupOfBasicAndPro(t.Api);
        await t.Api.PostJson("/api/v1/features/manage", new { code = "extra_storage", name = "Extra storage", type = "boolean" }).Ok();
        await t.Api.PostJson("/api/v1/addons", new { name = "Extra storage", featureId = "extra_storage", basePrice = 1000, consumptionModel = "boolean", description = "100 GB more" }).Ok();
        await t.Api.Customer("gu");
        await t.Api.Subscribe("gu", "basic");
        await t.Api.SetClock(Start.AddDays(7));
        await using var j = await fixture.StartAsync("addon");
        await j.GotoAsync(await LinkAsync(t, "gu"));

        await Link(j.Page, "Purchases").ClickAsync();
        await Link(j.Page, "Add Extra storage").ClickAsync();
        // $10.00 a month, 24 of 31 days left: $7.74 now.
        await SeeAsync(j.Page, "$7.74 now for the rest of this billing period (24 of 31 days)");
        await j.ShotAsync("confirm");
        await Button(j.Page, "Pay $7.74").ClickAsync();
        await SeeAsync(j.Page, "The add-on is active");
        await j.ShotAsync("active");

        await Link(j.Page, "Remove Extra storage").ClickAsync();
        await j.ShotAsync("remove");
        await Button(j.Page, "Remove Extra storage").ClickAsync();
        await SeeAsync(j.Page, "The add-on was removed");
        await Assertions.Expect(Link(j.Page, "Add Extra storage")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task ReplaceTheCard()
    {
        var t = await TenantAsync(Server, "Acme Analytics");
        await GroupOfBasicAndPro(t.Api);
        await t.Api.Customer("ha");
        await t.Api.Subscribe("ha", "basic");
        await using var j = await fixture.StartAsync("replace-card");
        await j.GotoAsync(await LinkAsync(t, "ha"));

        await Link(j.Page, "Payment method").ClickAsync();
        await j.ShotAsync("payment-method");
        await Link(j.Page, "Replace card").ClickAsync();
        await Button(j.Page, "Save card").ClickAsync();
        await SeeAsync(j.Page, "Enter your card number.");
        await j.ShotAsync("empty-form");
        await FillCardAsync(j.Page, "5555 5555 5555 4444");
        await Button(j.Page, "Save card").ClickAsync();

        await SeeAsync(j.Page, "Your card was saved");
        await SeeAsync(j.Page, "Mastercard ending in 4444");
        await j.ShotAsync("replaced");
    }

    [Fact]
    public async Task BillingDetails_AValidationErrorIsShownNextToTheField_ThenFixed()
    {
        var t = await TenantAsync(Server, "Acme Analytics");
        await t.Api.Customer("ia", card: null);
        await using var j = await fixture.StartAsync("billing-details");
        await j.GotoAsync(await LinkAsync(t, "ia"));

        await Link(j.Page, "Billing details").ClickAsync();
        await j.Page.GetByLabel("Name or company").FillAsync("Ia Ltd");
        await j.Page.GetByLabel("Billing email").FillAsync("not an email");
        await j.Page.GetByLabel("Street address").FillAsync("1 King St");
        await j.Page.GetByLabel("City").FillAsync("London");
        await j.Page.GetByLabel("Postal code").FillAsync("EC2V 7HH");
        await j.Page.GetByLabel("Tax ID").FillAsync("GB123456789");
        await Button(j.Page, "Save billing details").ClickAsync();

        await SeeAsync(j.Page, "Check the highlighted fields and try again.");
        await Assertions.Expect(j.Page.GetByLabel("Billing email")).ToHaveAttributeAsync("aria-invalid", "true");
        await SeeAsync(j.Page, "Enter a valid email address");
        await SeeAsync(j.Page, "Choose the country.");
        await j.AccessibleAsync();
        await j.ShotAsync("errors");

        await j.Page.GetByLabel("Billing email").FillAsync("accounts@ia.example");
        await j.Page.GetByLabel("Country").SelectOptionAsync("GB");
        await Button(j.Page, "Save billing details").ClickAsync();
        await SeeAsync(j.Page, "Your billing details were saved");
        await Assertions.Expect(j.Page.GetByLabel("Billing email")).ToHaveValueAsync("accounts@ia.example");
        await j.ShotAsync("saved");
        var customer = await t.Api.GetJson("/api/v1/customers/ia").Ok();
        Assert.Equal(("accounts@ia.example", "GB"), (customer.Str("email"), customer["address"]!.Str("country")));
    }

    [Fact]
    public async Task Invoice_OpensWithItsLines_AndDownloadsAsPdf()
    {
        var t = await TenantAsync(Server, "Acme Analytics");
        await GroupOfBasicAndPro(t.Api);
        await t.Api.Customer("jo");
        await t.Api.Subscribe("jo", "basic");
        await using var j = await fixture.StartAsync("invoice");
        await j.GotoAsync(await LinkAsync(t, "jo"));

        await Link(j.Page, "Invoices").ClickAsync();
        await j.ShotAsync("list");
        await Link(j.Page, "INV-000001").ClickAsync();
        await SeeAsync(j.Page, "Basic (Mar 1 – Apr 1, 2027)"); // the line label rendered for the reader (a range within one year)
        await j.AccessibleAsync();
        await j.ShotAsync("detail");
        var download = await j.Page.RunAndWaitForDownloadAsync(() => Link(j.Page, "Download PDF").ClickAsync());

        Assert.Equal("INV-000001.pdf", download.SuggestedFilename);
        var bytes = await File.ReadAllBytesAsync((await download.PathAsync())!);
        Assert.Equal("%PDF", System.Text.Encoding.ASCII.GetString(bytes, 0, 4));
    }

    [Fact]
    public async Task Cancel_WithAReason_ShowsABannerWithUndo_AndUndo_WithoutJavaScript()
    {
        var t = await TenantAsync(Server, "Acme Analytics");
        await GroupOfBasicAndPro(t.Api);
        await t.Api.Customer("ka");
        await t.Api.Subscribe("ka", "pro");
        await using var j = await fixture.StartAsync("cancel-nojs", javaScript: false);
        await j.GotoAsync(await LinkAsync(t, "ka"));

        await Link(j.Page, "Cancel subscription").ClickAsync();
        await j.Page.GetByLabel("It's too expensive").CheckAsync();
        await j.Page.GetByLabel("Anything else you'd like to tell us?").FillAsync("Budget cuts this quarter.");
        await j.ShotAsync("reasons");
        await Button(j.Page, "Continue").ClickAsync();
        await SeeAsync(j.Page, "Are you sure?");
        await SeeAsync(j.Page, "Your subscription will end on Apr 1, 2027");
        await j.ShotAsync("confirm");
        await Button(j.Page, "Cancel subscription").ClickAsync();

        await SeeAsync(j.Page, "Your subscription ends on Apr 1, 2027.");
        await j.ShotAsync("banner");
        var canceled = await t.Api.Subscription((await t.Api.GetJson("/api/v1/subscriptions/active?customerId=ka").Ok()).Str("id"));
        Assert.Equal("too_expensive", canceled["cancellation"]!.Str("reason"));
        await Button(j.Page, "Keep my subscription").ClickAsync();

        await SeeAsync(j.Page, "Your subscription will continue");
        await Assertions.Expect(Button(j.Page, "Keep my subscription")).ToHaveCountAsync(0);
        await j.ShotAsync("undone");
    }

    [Fact]
    public async Task Cancel_WithAScheduledDowngrade_SaysTheSwitchWillNotHappen_AndUndoBringsItBack()
    {
        var t = await TenantAsync(Server, "Acme Analytics");
        await GroupOfBasicAndPro(t.Api);
        await t.Api.Customer("kd");
        var sub = (await t.Api.Subscribe("kd", "pro")).Str("id");
        await t.Api.PostJson($"/api/v1/subscriptions/{sub}/change-plan", new { newPlanId = "basic" }).Ok();
        await using var j = await fixture.StartAsync("cancel-scheduled");
        await j.GotoAsync(await LinkAsync(t, "kd"));
        await SeeAsync(j.Page, "Scheduled change:");

        await Link(j.Page, "Cancel subscription").ClickAsync();
        await Button(j.Page, "Continue").ClickAsync();
        await SeeAsync(j.Page, "Are you sure?");
        await SeeAsync(j.Page, "Your switch to Basic on Apr 1, 2027 will not happen because the subscription ends that day; if you undo the cancellation, the switch to Basic is kept.");
        await j.AccessibleAsync();
        await j.ShotAsync("review");
        await Button(j.Page, "Cancel subscription").ClickAsync();

        await SeeAsync(j.Page, "Your subscription ends on Apr 1, 2027.");
        await SeeAsync(j.Page, "Your switch to Basic on Apr 1, 2027 will not happen because your subscription ends that day.");
        await Assertions.Expect(j.Page.GetByText("Scheduled change:")).ToHaveCountAsync(0);
        await j.ShotAsync("banner");
        await Button(j.Page, "Keep my subscription").ClickAsync();

        await SeeAsync(j.Page, "Your subscription will continue");
        await SeeAsync(j.Page, "Scheduled change:");
        await SeeAsync(j.Page, "your plan changes to Basic");
        await Assertions.Expect(j.Page.GetByText("will not happen")).ToHaveCountAsync(0);
        await j.ShotAsync("undone");
        Assert.Equal("Basic", (await t.Api.Subscription(sub))["scheduledPlanChange"]!.Str("newPlanName"));
    }

    [Fact]
    public async Task Reactivate_ACanceledSubscription()
    {
        var t = await TenantAsync(Server, "Acme Analytics");
        await GroupOfBasicAndPro(t.Api);
        await t.Api.Customer("lu");
        var sub = (await t.Api.Subscribe("lu", "basic")).Str("id");
        await t.Api.PostJson($"/api/v1/subscriptions/{sub}/cancel", new { immediate = true }).Ok();
        await t.Api.SetClock(Start.AddDays(45));
        await using var j = await fixture.StartAsync("reactivate");
        await j.GotoAsync(await LinkAsync(t, "lu"));

        await SeeAsync(j.Page, "Your subscription ended on Mar 1, 2027.");
        await j.ShotAsync("canceled");
        await Link(j.Page, "Reactivate Basic").ClickAsync();
        await SeeAsync(j.Page, "You pay $19.00 now");
        await j.ShotAsync("confirm");
        await Button(j.Page, "Reactivate and pay $19.00").ClickAsync();

        await SeeAsync(j.Page, "Welcome back. Your subscription is active again.");
        await SeeAsync(j.Page, "Apr 15 – May 15, 2027");
        await j.ShotAsync("active");
    }

    [Fact]
    public async Task PastDue_IsRecoveredWithANewCard()
    {
        var t = await TenantAsync(Server, "Acme Analytics");
        await GroupOfBasicAndPro(t.Api);
        await t.Api.Customer("mo");
        await t.Api.Subscribe("mo", "basic");
        await t.Api.Card("mo", "4000000000000341");
        await t.Api.RunUntil(Start.AddMonths(1));
        await using var j = await fixture.StartAsync("recover");
        await j.GotoAsync(await LinkAsync(t, "mo"));

        await SeeAsync(j.Page, "Your last payment did not go through.");
        await j.ShotAsync("past-due");
        await Link(j.Page, "Pay the overdue amount").ClickAsync();
        await SeeAsync(j.Page, "You can try 3 more times today.");
        await j.ShotAsync("recover");
        await Button(j.Page, "Pay $19.00 with Visa ending in 0341").ClickAsync();
        await SeeAsync(j.Page, "Your card was declined and nothing was charged");
        await SeeAsync(j.Page, "You can try 2 more times today.");
        await Link(j.Page, "Pay with a different card").ClickAsync();
        await SeeAsync(j.Page, "Due now: $19.00");
        await FillCardAsync(j.Page, "4242 4242 4242 4242");
        await Button(j.Page, "Pay $19.00").ClickAsync();

        await SeeAsync(j.Page, "Payment received. Your subscription is active again.");
        await Assertions.Expect(j.Page.GetByText("Your last payment did not go through.")).ToHaveCountAsync(0);
        await j.ShotAsync("recovered");
    }

    [Fact]
    public async Task NoSubscription_OffersThePublicPlans_AndStartsOne()
    {
        var t = await TenantAsync(Server, "Acme Analytics");
        await GroupOfBasicAndPro(t.Api);
        await t.Api.Customer("ny", card: null);
        await using var j = await fixture.StartAsync("start");
        await j.GotoAsync(await LinkAsync(t, "ny"));

        await SeeAsync(j.Page, "You don't have a subscription yet");
        await j.AccessibleAsync();
        await j.ShotAsync("no-subscription");
        await Link(j.Page, "Choose Pro").ClickAsync();
        await SeeAsync(j.Page, "$49.00 per month, starting today.");
        await Button(j.Page, "Subscribe and pay $49.00").ClickAsync();
        await FillCardAsync(j.Page, "4242 4242 4242 4242");
        await Button(j.Page, "Save card and pay $49.00").ClickAsync();

        await SeeAsync(j.Page, "Your subscription has started.");
        await SeeAsync(j.Page, "$49.00 per month");
        await j.ShotAsync("started");
    }

    [Fact]
    public async Task NoSubscription_StartsOneWithAPromoCode_AndPaysTheDiscountedAmountOnTheCardStep()
    {
        var t = await TenantAsync(Server, "Acme Analytics");
        await GroupOfBasicAndPro(t.Api);
        await t.Api.PostJson("/api/v1/promo-codes", new { code = "WELCOME20", discountType = "percentage", discountValue = 2000 }).Ok();
        await t.Api.Customer("np", card: null);
        await using var j = await fixture.StartAsync("start-promo");
        await j.GotoAsync(await LinkAsync(t, "np"));

        await Link(j.Page, "Choose Pro").ClickAsync();
        await j.Page.GetByLabel("Promo code").FillAsync("welcome20");
        await Button(j.Page, "Apply").ClickAsync();

        // Pro $49.00; 20 % = 4900 × 2000 / 10000 = 980 → $9.80 off → $39.20 today, on the card step too.
        await SeeAsync(j.Page, "Discount (WELCOME20)");
        await SeeAsync(j.Page, "−$9.80");
        await j.AccessibleAsync();
        await j.ShotAsync("start-promo-preview");
        await Button(j.Page, "Subscribe and pay $39.20").ClickAsync();
        await FillCardAsync(j.Page, "4242 4242 4242 4242");
        await Button(j.Page, "Save card and pay $39.20").ClickAsync();

        await SeeAsync(j.Page, "Your subscription has started.");
        await Link(j.Page, "Invoices").ClickAsync();
        await Assertions.Expect(j.Page.GetByRole(AriaRole.Row).Filter(new() { HasText = "INV-000001" })).ToContainTextAsync("$39.20");
    }
}
