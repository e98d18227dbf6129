using System.Net;
using System.Security.Cryptography;
using System.Text;
using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Dashboard;
using Commet.Server.Tests.Infrastructure;
using Commet.Server.Tests.Stripe;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Tests;

/// <summary>
/// The dashboard's webhook, settings, transactions and plan pages: each renders, each form works through the API's use
/// case (the API then reads what the page wrote), support members are refused the developer and settings pages and
/// their posts, a post without antiforgery is refused, and every change is audited.
/// </summary>
public abstract class DashboardMorePagesTests<TServer>(TServer server) : IClassFixture<TServer>
    where TServer : ServerFixture
{
    private static string Org(TestTenant t, string rest = "") => $"/dashboard/{t.OrganizationId}/sandbox" + (rest.Length > 0 ? "/" + rest : "");

    private static Dictionary<string, string> Form(params (string Key, string Value)[] fields) => fields.ToDictionary(f => f.Key, f => f.Value);

    private async Task<DashboardClient> SignedInAsync(TestTenant t, string role)
    {
        var email = await server.AddMemberAsync(t.OrganizationId, role);
        var browser = new DashboardClient(server);
        Assert.Equal("/dashboard", (await browser.SignIn(email, DashboardMembers.Password)).Location);
        return browser;
    }

    private async Task<int> AuditCountAsync(TestTenant t, string action)
    {
        await using var raw = server.RawDb();
        return await raw.AuditLog.CountAsync(a => a.OrganizationId == t.OrganizationId && a.Action == action);
    }

    [Fact]
    public async Task Webhooks_CreateShowsTheSecretOnce_ThenTestRedeliverEditDisableRotateAndDelete()
    {
        var t = await server.NewTenantAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        using var developer = await SignedInAsync(t, DashboardRoles.Developer);
        var list = await developer.Get(Org(t, "webhooks"));
        Assert.Equal(HttpStatusCode.OK, list.Status);
        Assert.Contains("No webhook endpoints in sandbox", list.Text, StringComparison.Ordinal);

        // The create use case's own URL check.
        var bad = await developer.Post(Org(t, "webhooks") + "?handler=Create", Form(("url", "ftp://example.com/hook"), ("events", "*")));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.Status);
        Assert.Contains("url must be an absolute http or https URL.", bad.Text, StringComparison.Ordinal);
        await using (var db = t.Db())
        {
            Assert.Equal(0, await db.WebhookEndpoints.CountAsync());
        }

        var created = await developer.Post(Org(t, "webhooks") + "?handler=Create", Form(("url", receiver.Url.ToString()), ("description", "Orders"), ("events", "*")));
        Assert.Equal(HttpStatusCode.OK, created.Status);
        string id;
        await using (var db = t.Db())
        {
            var endpoint = await db.WebhookEndpoints.SingleAsync();
            (id, var url, var events) = (endpoint.Id, endpoint.Url, endpoint.Events);
            Assert.Equal((receiver.Url.ToString(), "*"), (url, events));
        }
        var secret = System.Text.RegularExpressions.Regex.Match(created.Text, "id=\"new-secret\">(whsec_[^<]+)<").Groups[1].Value;
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        // Shown once: neither the list nor the endpoint's page shows it again.
        Assert.DoesNotContain(secret, (await developer.Get(Org(t, "webhooks"))).Text, StringComparison.Ordinal);
        var page = await developer.Get(Org(t, "webhooks/" + id));
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.DoesNotContain(secret, page.Text, StringComparison.Ordinal);

        // A test event is sent now, signed with that secret, and logged with its payload.
        var tested = await developer.Post(Org(t, "webhooks/" + id) + "?handler=Test", Form());
        Assert.Equal(Org(t, "webhooks/" + id) + "?tested=ok", tested.Location);
        var first = Assert.Single(receiver.Received);
        Assert.True(WebhookVerify.Commet(first.Body, first.Headers.GetValueOrDefault("x-commet-signature"), secret));
        var log = await developer.Get(Org(t, "webhooks/" + id));
        Assert.Contains("webhook.test", log.Text, StringComparison.Ordinal);
        Assert.Contains($"\"webhookId\": \"{id}\"", log.Text, StringComparison.Ordinal);
        string deliveryId;
        await using (var db = t.Db())
        {
            var delivery = await db.WebhookDeliveries.SingleAsync();
            (deliveryId, var status) = (delivery.Id, delivery.Status);
            Assert.Equal(WebhookDeliveryStatus.Succeeded, status);
        }

        // Redelivered: the dispatcher sends the same body with the same webhook-id again.
        var again = await developer.Post(Org(t, "webhooks/" + id) + "?handler=Redeliver", Form(("deliveryId", deliveryId)));
        Assert.Equal(HttpStatusCode.Redirect, again.Status);
        var both = await receiver.WaitForAsync(r => r.Count >= 2, "the redelivery");
        Assert.Equal(first.Id, both[1].Id);
        Assert.Equal(first.Body, both[1].Body);

        // Edited: one event, a new description.
        var saved = await developer.Post(Org(t, "webhooks/" + id) + "?handler=Update",
            Form(("url", receiver.Url.ToString()), ("description", "Payments only"), ("events", "payment.received")));
        Assert.Equal(HttpStatusCode.Redirect, saved.Status);
        // Disabled: a redelivery is refused then, with the use case's reason.
        Assert.Equal(HttpStatusCode.Redirect, (await developer.Post(Org(t, "webhooks/" + id) + "?handler=Active", Form(("active", "false")))).Status);
        await developer.Get(Org(t, "webhooks/" + id));
        var refused = await developer.Post(Org(t, "webhooks/" + id) + "?handler=Redeliver", Form(("deliveryId", deliveryId)));
        Assert.Equal(HttpStatusCode.Conflict, refused.Status);
        Assert.Contains("The endpoint is disabled", refused.Text, StringComparison.Ordinal);
        await using (var db = t.Db())
        {
            var endpoint = await db.WebhookEndpoints.SingleAsync();
            Assert.Equal(("Payments only", "payment.received", false), (endpoint.Description, endpoint.Events, endpoint.IsActive));
        }

        // Rotated: a new secret, shown once on that answer; the old one keeps signing for the overlap asked (2 h).
        var rotated = await developer.Post(Org(t, "webhooks/" + id) + "?handler=Rotate", Form(("overlapHours", "2")));
        Assert.Equal(HttpStatusCode.OK, rotated.Status);
        var newSecret = System.Text.RegularExpressions.Regex.Match(rotated.Text, "id=\"new-secret\">(whsec_[^<]+)<").Groups[1].Value;
        Assert.StartsWith("whsec_", newSecret, StringComparison.Ordinal);
        Assert.NotEqual(secret, newSecret);

        // Another organization's endpoint is not found, in the URL and in the forms.
        var other = await server.NewTenantAsync();
        using var stranger = await SignedInAsync(other, DashboardRoles.Admin);
        await stranger.Get(Org(other, "webhooks"));
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.Get(Org(other, "webhooks/" + id))).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.Post(Org(other, "webhooks/" + id) + "?handler=Delete", Form())).Status);

        var deleted = await developer.Post(Org(t, "webhooks/" + id) + "?handler=Delete", Form());
        Assert.Equal(Org(t, "webhooks") + "?deleted=" + id, deleted.Location);
        await using (var db = t.Db())
        {
            Assert.Equal(0, await db.WebhookEndpoints.CountAsync());
            Assert.Equal(0, await db.WebhookDeliveries.CountAsync());
        }
        foreach (var action in new[]
        {
            AuditActions.WebhookCreated, AuditActions.WebhookTested, AuditActions.WebhookRedelivered, AuditActions.WebhookUpdated,
            AuditActions.WebhookDisabled, AuditActions.WebhookSecretRotated, AuditActions.WebhookDeleted,
        })
        {
            Assert.Equal(1, await AuditCountAsync(t, action));
        }
        // The audit log never holds a secret.
        await using var raw = server.RawDb();
        Assert.False(await raw.AuditLog.AnyAsync(a => a.Target != null && a.Target.Contains("whsec_")));
    }

    [Fact]
    public async Task Support_IsRefused_TheWebhookAndSettingsPages_AndTheirPosts()
    {
        var t = await server.NewTenantAsync();
        var endpoint = (await t.Api.PostJson("/api/v1/webhooks", new { url = "http://127.0.0.1:9/hook", events = new[] { "*" } }).Ok(HttpStatusCode.Created)).Str("id");
        using var support = await SignedInAsync(t, DashboardRoles.Support);

        var home = await support.Get(Org(t, "customers"));
        Assert.Equal(HttpStatusCode.OK, home.Status);
        Assert.DoesNotContain(Org(t, "webhooks"), home.Html, StringComparison.Ordinal);
        Assert.DoesNotContain(Org(t, "settings"), home.Html, StringComparison.Ordinal);
        Assert.Contains(Org(t, "transactions"), home.Html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await support.Get(Org(t, "webhooks"))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await support.Get(Org(t, "webhooks/" + endpoint))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await support.Get(Org(t, "settings"))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await support.Post(Org(t, "webhooks") + "?handler=Create", Form(("url", "http://127.0.0.1:9/x"), ("events", "*")))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await support.Post(Org(t, "webhooks/" + endpoint) + "?handler=Delete", Form())).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await support.Post(Org(t, "webhooks/" + endpoint) + "?handler=Rotate", Form())).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await support.Post(Org(t, "settings") + "?handler=Branding", Form(("displayName", "Hacked")))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await support.Post(Org(t, "settings") + "?handler=Provider", Form(("secretKey", "sk_test_x"), ("webhookSecret", "whsec_x")))).Status);
        // The transactions list is for every member.
        Assert.Equal(HttpStatusCode.OK, (await support.Get(Org(t, "transactions"))).Status);

        // Developers have webhooks but not the organization's settings.
        using var developer = await SignedInAsync(t, DashboardRoles.Developer);
        Assert.Equal(HttpStatusCode.OK, (await developer.Get(Org(t, "webhooks"))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await developer.Get(Org(t, "settings"))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await developer.Post(Org(t, "settings") + "?handler=Emails", Form(("defaultLocale", "de")))).Status);

        await using var db = t.Db();
        Assert.Equal(1, await db.WebhookEndpoints.CountAsync());
        Assert.Equal(0, await db.PortalSettings.CountAsync());
    }

    [Fact]
    public async Task Posts_WithoutAntiforgeryToken_AreRefused_AndWriteNothing()
    {
        var t = await server.NewTenantAsync();
        await t.Api.Plan("pro", 2000);
        var planId = (await t.Api.GetJson("/api/v1/plans/pro").Ok()).Str("id");
        using var admin = await SignedInAsync(t, DashboardRoles.Admin);
        await admin.Get(Org(t, "settings"));

        var branding = await admin.Post(Org(t, "settings") + "?handler=Branding", Form(("displayName", "No token")), withToken: false);
        var webhook = await admin.Post(Org(t, "webhooks") + "?handler=Create", Form(("url", "http://127.0.0.1:9/hook"), ("events", "*")), withToken: false);
        var price = await admin.Post(Org(t, "catalog/plans/" + planId) + "?handler=Price", Form(("priceId", "x"), ("price", "1.00")), withToken: false);
        Assert.Equal(HttpStatusCode.BadRequest, branding.Status);
        Assert.Equal(HttpStatusCode.BadRequest, webhook.Status);
        Assert.Equal(HttpStatusCode.BadRequest, price.Status);

        await using var db = t.Db();
        Assert.Equal(0, await db.PortalSettings.CountAsync());
        Assert.Equal(0, await db.WebhookEndpoints.CountAsync());
    }

    [Fact]
    public async Task Settings_SaveBrandingProfileAndEmails_PreviewSavesNothing_AndTheProviderRefusesALiveKeyInSandbox()
    {
        var t = await server.NewTenantAsync();
        using var admin = await SignedInAsync(t, DashboardRoles.Admin);
        var page = await admin.Get(Org(t, "settings"));
        Assert.Equal(HttpStatusCode.OK, page.Status);
        // The default accent, in the preview's own style block, allowed by its hash.
        const string defaultCss = ".preview{--accent:#1d4ed8;--on-accent:#ffffff}";
        Assert.Contains($"<style>{defaultCss}</style>", page.Html, StringComparison.Ordinal);
        Assert.Contains(Hash(defaultCss), page.Csp, StringComparison.Ordinal);

        // Preview: the typed name and colour are shown, nothing is saved.
        var preview = await admin.Post(Org(t, "settings") + "?handler=Preview", Form(("displayName", "Acme Preview"), ("accentColor", "#ff0000")));
        Assert.Equal(HttpStatusCode.OK, preview.Status);
        Assert.Contains("Acme Preview", preview.Text, StringComparison.Ordinal);
        // Text on red (#ff0000, luminance 0.2126) is near-black: contrast (0.2126 + 0.05) / (0.0092 + 0.05) ≈ 4.44 against #111827,
        // more than (1 + 0.05) / (0.2126 + 0.05) ≈ 4.00 against white.
        const string redCss = ".preview{--accent:#ff0000;--on-accent:#111827}";
        Assert.Contains(redCss, preview.Html, StringComparison.Ordinal);
        Assert.Contains(Hash(redCss), preview.Csp, StringComparison.Ordinal);
        await using (var db = t.Db())
        {
            Assert.Equal(0, await db.PortalSettings.CountAsync());
        }

        var branding = await admin.Post(Org(t, "settings") + "?handler=Branding",
            Form(("displayName", "Acme Billing"), ("accentColor", "#112233"), ("logoUrl", ""), ("supportEmail", "help@acme.test"), ("termsUrl", ""), ("privacyUrl", "")));
        Assert.Equal(HttpStatusCode.Redirect, branding.Status);
        // The API's own validation on the same form: an email that is not one.
        await admin.Get(Org(t, "settings"));
        var badEmail = await admin.Post(Org(t, "settings") + "?handler=Branding",
            Form(("displayName", "Changed"), ("accentColor", "#112233"), ("logoUrl", ""), ("supportEmail", "nope"), ("termsUrl", ""), ("privacyUrl", "")));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badEmail.Status);
        Assert.Contains("id=\"supportEmail-error\"", badEmail.Html, StringComparison.Ordinal);
        // What was typed stays in the form.
        Assert.Contains("value=\"Changed\"", badEmail.Html, StringComparison.Ordinal);

        // The billing profile: an address needs street, city, postal code and country together.
        var partial = await admin.Post(Org(t, "settings") + "?handler=Profile", Form(("legalName", "Acme GmbH"), ("line1", "Hauptstr. 1")));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, partial.Status);
        Assert.Contains("seller.address.city is required once the seller has an address.", partial.Text, StringComparison.Ordinal);
        Assert.Contains("value=\"Acme GmbH\"", partial.Html, StringComparison.Ordinal);
        var profile = await admin.Post(Org(t, "settings") + "?handler=Profile", Form(("legalName", "Acme GmbH"), ("taxId", "DE123456789"),
            ("line1", "Hauptstr. 1"), ("city", "Berlin"), ("postalCode", "10115"), ("country", "de")));
        Assert.Equal(HttpStatusCode.Redirect, profile.Status);

        // Emails: receipts off (an unticked box is not sent), the rest on, German by default.
        await admin.Get(Org(t, "settings"));
        var emails = await admin.Post(Org(t, "settings") + "?handler=Emails", Form(("paymentFailed", "true"), ("upcomingRenewal", "true"),
            ("trialEnding", "true"), ("cancellation", "true"), ("portalLinks", "true"), ("defaultLocale", "de")));
        Assert.Equal(HttpStatusCode.Redirect, emails.Status);

        // The API reads what the dashboard wrote.
        var settings = await t.Api.GetJson("/api/v1/portal/settings").Ok();
        Assert.Equal("Acme Billing", settings.Str("displayName"));
        Assert.Equal("#112233", settings.Str("accentColor"));
        Assert.Equal("help@acme.test", settings.Str("supportEmail"));
        Assert.Equal("Acme GmbH", settings["seller"]!.Str("legalName"));
        Assert.Equal("DE123456789", settings["seller"]!.Str("taxId"));
        Assert.Equal("DE", settings["seller"]!["address"]!.Str("country"));
        Assert.Equal("Berlin", settings["seller"]!["address"]!.Str("city"));
        Assert.False(settings["emails"]!["receipts"]!.GetValue<bool>());
        Assert.True(settings["emails"]!["paymentFailed"]!.GetValue<bool>());
        Assert.Equal("de", settings.Str("defaultLocale"));
        var shown = await admin.Get(Org(t, "settings"));
        Assert.Contains("value=\"Acme GmbH\"", shown.Html, StringComparison.Ordinal);

        // The payment provider: a live Stripe key is refused in sandbox before Stripe is asked; the key is never shown back.
        var provider = await admin.Post(Org(t, "settings") + "?handler=Provider", Form(("secretKey", "sk_live_abcdefghijkl1234"), ("webhookSecret", "whsec_abc")));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, provider.Status);
        Assert.Contains("A sandbox API key takes a Stripe test key", provider.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("sk_live_abcdefghijkl1234", provider.Html, StringComparison.Ordinal);
        Assert.Contains("The built-in sandbox provider", provider.Text, StringComparison.Ordinal);
        await using (var db = t.Db())
        {
            Assert.Equal(0, await db.PaymentProviderAccounts.CountAsync());
        }

        Assert.Equal(1, await AuditCountAsync(t, AuditActions.BrandingUpdated));
        Assert.Equal(1, await AuditCountAsync(t, AuditActions.BillingProfileUpdated));
        Assert.Equal(1, await AuditCountAsync(t, AuditActions.EmailSettingsUpdated));
        Assert.Equal(0, await AuditCountAsync(t, AuditActions.PaymentProviderConnected));
    }

    [Fact]
    public async Task Transactions_FilterByStatusTypeCustomerAndDay_AndLinkToTheInvoiceAndPdf()
    {
        var t = await server.NewTenantAsync();
        await t.Api.SetClock(BillingApi.Utc(2027, 3, 10).AddHours(12));
        await t.Api.Plan("pro", 2000);
        var ann = await t.Api.Customer("ann");
        var bob = await t.Api.Customer("bob");
        await t.Api.Subscribe(ann, "pro");
        await t.Api.Subscribe(bob, "pro");
        string annTxn, bobTxn, annInvoice;
        await using (var db = t.Db())
        {
            annTxn = await db.Transactions.Where(x => x.CustomerId == ann).Select(x => x.Id).SingleAsync();
            bobTxn = await db.Transactions.Where(x => x.CustomerId == bob).Select(x => x.Id).SingleAsync();
            annInvoice = await db.Invoices.Where(x => x.CustomerId == ann).Select(x => x.Id).SingleAsync();
        }
        using var support = await SignedInAsync(t, DashboardRoles.Support);

        var all = await support.Get(Org(t, "transactions"));
        Assert.Equal(HttpStatusCode.OK, all.Status);
        Assert.Contains(annTxn, all.Html, StringComparison.Ordinal);
        Assert.Contains(bobTxn, all.Html, StringComparison.Ordinal);
        // The first invoice of a $20.00 monthly plan: 2000 minor units, paid at once.
        Assert.Contains("$20.00", all.Text, StringComparison.Ordinal);
        Assert.Contains(Org(t, "invoices/" + annInvoice), all.Html, StringComparison.Ordinal);
        Assert.Contains("/invoices/pdf/", all.Html, StringComparison.Ordinal);

        var ofAnn = await support.Get(Org(t, "transactions") + "?customer=ann&status=succeeded&type=recurring");
        Assert.Contains(annTxn, ofAnn.Html, StringComparison.Ordinal);
        Assert.DoesNotContain(bobTxn, ofAnn.Html, StringComparison.Ordinal);
        var failed = await support.Get(Org(t, "transactions") + "?status=failed");
        Assert.DoesNotContain(annTxn, failed.Html, StringComparison.Ordinal);
        var credits = await support.Get(Org(t, "transactions") + "?type=credit_purchase");
        Assert.DoesNotContain(annTxn, credits.Html, StringComparison.Ordinal);
        // Days are UTC and both ends count: the charges were made on 2027-03-10 (sandbox time).
        var thatDay = await support.Get(Org(t, "transactions") + "?from=2027-03-10&to=2027-03-10");
        Assert.Contains(annTxn, thatDay.Html, StringComparison.Ordinal);
        var dayAfter = await support.Get(Org(t, "transactions") + "?from=2027-03-11");
        Assert.DoesNotContain(annTxn, dayAfter.Html, StringComparison.Ordinal);
        var dayBefore = await support.Get(Org(t, "transactions") + "?to=2027-03-09");
        Assert.DoesNotContain(annTxn, dayBefore.Html, StringComparison.Ordinal);

        var badStatus = await support.Get(Org(t, "transactions") + "?status=nonsense");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badStatus.Status);
        var badDay = await support.Get(Org(t, "transactions") + "?from=10/03/2027");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badDay.Status);
        Assert.Contains("from must be a date like 2026-01-31.", badDay.Text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await support.Get(Org(t, "transactions") + "?cursor=nonsense")).Status);
    }

    [Fact]
    public async Task PlanPage_EditsPricesAndFeatures_ExplainsAPriceChangeForSubscribers_AndReordersTheGroup()
    {
        var t = await server.NewTenantAsync();
        await t.Api.PostJson("/api/v1/features/manage", new { code = "api_calls", name = "API calls", type = "usage" }).Ok();
        var group = await t.Api.Group();
        var basic = await t.Api.Plan("basic", 1000, group, sortOrder: 0);
        var pro = await t.Api.Plan("pro", 2000, group, sortOrder: 1);
        using var developer = await SignedInAsync(t, DashboardRoles.Developer);
        var page = Org(t, "catalog/plans/" + pro);
        Assert.Equal(HttpStatusCode.OK, (await developer.Get(page)).Status);
        string priceId;
        await using (var db = t.Db())
        {
            priceId = await db.Plans.Where(p => p.Id == pro).SelectMany(p => p.Prices).Select(p => p.Id).SingleAsync();
        }

        // No subscribers yet: "25.00" is saved at once (25 × 100 = 2500 minor units).
        Assert.Equal(HttpStatusCode.Redirect, (await developer.Post(page + "?handler=Price", Form(("priceId", priceId), ("price", "25.00"), ("trialDays", "0")))).Status);
        Assert.Equal(2500, await PriceAsync(t, priceId));

        // With a live subscription on the price, a new amount is explained and not made until confirmed.
        var ann = await t.Api.Customer("ann");
        await t.Api.Subscribe(ann, "pro");
        await developer.Get(page);
        var explained = await developer.Post(page + "?handler=Price", Form(("priceId", priceId), ("price", "30.00"), ("trialDays", "0")));
        Assert.Equal(HttpStatusCode.Conflict, explained.Status);
        Assert.Contains("1 live subscription(s) pay the monthly price of pro", explained.Text, StringComparison.Ordinal);
        Assert.Contains("name=\"confirm\"", explained.Html, StringComparison.Ordinal);
        Assert.Equal(2500, await PriceAsync(t, priceId));
        var confirmed = await developer.Post(page + "?handler=Price", Form(("priceId", priceId), ("price", "30.00"), ("trialDays", "0"), ("confirm", "true")));
        Assert.Equal(HttpStatusCode.Redirect, confirmed.Status);
        Assert.Equal(3000, await PriceAsync(t, priceId));
        // A trial change alone reaches no one's renewal amount: made without asking.
        Assert.Equal(HttpStatusCode.Redirect, (await developer.Post(page + "?handler=Price", Form(("priceId", priceId), ("price", "30.00"), ("trialDays", "7")))).Status);

        // The price use case's own checks: more decimals than USD has.
        await developer.Get(page);
        var badPrice = await developer.Post(page + "?handler=AddPrice", Form(("billingInterval", "yearly"), ("price", "99.999")));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badPrice.Status);
        Assert.Equal(HttpStatusCode.Redirect, (await developer.Post(page + "?handler=AddPrice", Form(("billingInterval", "yearly"), ("price", "300")))).Status);

        // Features: added with 1000 included and overage at 0.05 per unit (0.05 × 10000 = 500 on the rate scale).
        var added = await developer.Post(page + "?handler=AddFeature",
            Form(("featureId", "api_calls"), ("enabled", "true"), ("includedAmount", "1000"), ("overageEnabled", "true"), ("overageUnitPrice", "0.05")));
        Assert.Equal(HttpStatusCode.Redirect, added.Status);
        Assert.Equal((1000L, true, 500L), await FeatureAsync(t, pro));
        await developer.Get(page);
        var badAmount = await developer.Post(page + "?handler=Feature", Form(("featureId", "api_calls"), ("enabled", "true"), ("includedAmount", "lots")));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badAmount.Status);
        Assert.Equal((1000L, true, 500L), await FeatureAsync(t, pro));
        var changed = await developer.Post(page + "?handler=Feature",
            Form(("featureId", "api_calls"), ("enabled", "true"), ("includedAmount", "2000"), ("overageEnabled", "true"), ("overageUnitPrice", "0.0025")));
        Assert.Equal(HttpStatusCode.Redirect, changed.Status);
        // 0.0025 × 10000 = 25.
        Assert.Equal((2000L, true, 25L), await FeatureAsync(t, pro));
        Assert.Equal(HttpStatusCode.Redirect, (await developer.Post(page + "?handler=RemoveFeature", Form(("featureId", "api_calls")))).Status);
        await using (var db = t.Db())
        {
            Assert.Equal(0, await db.PlanFeatures.CountAsync(f => f.PlanId == pro));
        }

        // The group's order: pro moves up, above basic (the API's reorder).
        await developer.Get(Org(t, "catalog"));
        var moved = await developer.Post(Org(t, "catalog") + "?handler=MovePlan", Form(("groupId", group), ("planId", pro), ("direction", "up")));
        Assert.Equal(HttpStatusCode.Redirect, moved.Status);
        var order = (await t.Api.GetJson($"/api/v1/plan-groups/{group}").Ok())["plans"]!.AsArray().Select(p => p!["id"]!.GetValue<string>()).ToList();
        Assert.Equal([pro, basic], order);

        // Support may not edit the catalog; another organization's plan is not found.
        using var support = await SignedInAsync(t, DashboardRoles.Support);
        await support.Get(Org(t, "customers"));
        Assert.Equal(HttpStatusCode.Forbidden, (await support.Get(page)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await support.Post(page + "?handler=Price", Form(("priceId", priceId), ("price", "1.00"), ("confirm", "true")))).Status);
        var other = await server.NewTenantAsync();
        using var stranger = await SignedInAsync(other, DashboardRoles.Developer);
        await stranger.Get(Org(other, "catalog"));
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.Get(Org(other, "catalog/plans/" + pro))).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.Post(Org(other, "catalog/plans/" + pro) + "?handler=Price",
            Form(("priceId", priceId), ("price", "1.00"), ("confirm", "true")))).Status);
        Assert.Equal(3000, await PriceAsync(t, priceId));
        // Price saved three times (25.00, 30.00, trial), a price and a feature added, the feature changed and removed, the group reordered.
        Assert.Equal(5, await AuditCountAsync(t, AuditActions.CatalogUpdated));
        Assert.Equal(2, await AuditCountAsync(t, AuditActions.CatalogCreated));
        Assert.Equal(1, await AuditCountAsync(t, AuditActions.CatalogArchived));
    }

    private static async Task<long> PriceAsync(TestTenant t, string priceId)
    {
        await using var db = t.Db();
        return await db.Plans.SelectMany(p => p.Prices).Where(p => p.Id == priceId).Select(p => p.Price).SingleAsync();
    }

    private static async Task<(long Included, bool Overage, long Rate)> FeatureAsync(TestTenant t, string planId)
    {
        await using var db = t.Db();
        var f = await db.PlanFeatures.AsNoTracking().SingleAsync(x => x.PlanId == planId);
        return (f.IncludedAmount, f.OverageEnabled, f.OverageUnitPrice);
    }

    private static string Hash(string css) => "'sha256-" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(css))) + "'";
}

public sealed class DashboardMorePagesTests_Sqlite(SqliteServer server) : DashboardMorePagesTests<SqliteServer>(server);

public sealed class DashboardMorePagesTests_Postgres(PostgresServer server) : DashboardMorePagesTests<PostgresServer>(server);

/// <summary>The Settings page connects Stripe through the API's use case (checked against a Stripe stand-in); the secrets are never shown back.</summary>
public abstract class DashboardStripeSettingsTests<TServer>(TServer fixture) : IClassFixture<TServer>
    where TServer : ServerFixture, IStripeServer
{
    private const string WebhookSecret = "whsec_standin_0123456789abcdef";

    [Fact]
    public async Task Settings_ConnectsStripe_WithTheApisChecks_AndNeverShowsTheSecrets()
    {
        var t = await fixture.NewTenantAsync();
        var email = await fixture.AddMemberAsync(t.OrganizationId, DashboardRoles.Admin);
        using var admin = new DashboardClient(fixture);
        Assert.Equal("/dashboard", (await admin.SignIn(email, DashboardMembers.Password)).Location);
        var settings = $"/dashboard/{t.OrganizationId}/sandbox/settings";
        await admin.Get(settings);

        // A key Stripe does not know: refused after asking Stripe, nothing stored.
        var unknown = await admin.Post(settings + "?handler=Provider", new Dictionary<string, string>
        {
            ["secretKey"] = "sk_test_not_a_real_key_0000", ["webhookSecret"] = WebhookSecret,
        });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknown.Status);
        Assert.Contains("Stripe did not accept this secret key.", unknown.Text, StringComparison.Ordinal);

        var connected = await admin.Post(settings + "?handler=Provider", new Dictionary<string, string>
        {
            ["secretKey"] = StripeStandIn.TestKey, ["webhookSecret"] = WebhookSecret,
        });
        Assert.Equal(settings + "?saved=provider#provider", connected.Location);
        var page = await admin.Get(settings);
        Assert.Contains($"Connected to Stripe account {StripeStandIn.AccountId}", page.Text, StringComparison.Ordinal);
        Assert.Contains(StripeStandIn.TestKey[^4..], page.Text, StringComparison.Ordinal);
        Assert.Contains($"/stripe/webhooks/{t.OrganizationId}/sandbox", page.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(StripeStandIn.TestKey, page.Html, StringComparison.Ordinal);
        Assert.DoesNotContain(WebhookSecret, page.Html, StringComparison.Ordinal);

        // The API sees the same connection; the audit row names the account and the key's last four only.
        var api = await t.Api.GetJson("/api/v1/payment-provider").Ok();
        Assert.Equal(("stripe", StripeStandIn.AccountId), (api.Str("provider"), api.Str("accountId")));
        await using var raw = fixture.RawDb();
        var audit = await raw.AuditLog.SingleAsync(a => a.OrganizationId == t.OrganizationId && a.Action == AuditActions.PaymentProviderConnected);
        Assert.Contains(StripeStandIn.TestKey[^4..], audit.Target, StringComparison.Ordinal);
        Assert.DoesNotContain(StripeStandIn.TestKey, audit.Target, StringComparison.Ordinal);
    }
}

public sealed class DashboardStripeSettingsTests_Sqlite(StripeSqliteServer server) : DashboardStripeSettingsTests<StripeSqliteServer>(server);

public sealed class DashboardStripeSettingsTests_Postgres(StripePostgresServer server) : DashboardStripeSettingsTests<StripePostgresServer>(server);
