using System.Net;
using Commet.Server.Tests.Infrastructure;
using static Commet.Server.Tests.Infrastructure.BillingApi;

namespace Commet.Server.Tests;

/// <summary>
/// The overview at a glance (credits left, active add-ons, seats), the past-due banner's cancellation date as the
/// engine keeps it, and an invoice's payment attempts on its page — fetched over HTTP and read as text.
/// </summary>
public abstract class PortalGlanceTests<TServer>(TServer server) : IClassFixture<TServer>
    where TServer : ServerFixture
{
    private static readonly DateTime Start = Utc(2027, 3, 1);

    private static async Task<string> TextAsync(PortalClient client, string path)
    {
        var page = await client.GetAsync(path);
        Assert.True(page.Status == HttpStatusCode.OK, page.ToString());
        return WebUtility.HtmlDecode(page.Html);
    }

    [Fact]
    public async Task Overview_CreditsPlan_SaysCreditsLeft_PlanAndPurchasedApart()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Start);
        await api.PostJson("/api/v1/features/manage", new { code = "images", name = "Images", type = "usage", unitName = "image" }).Ok();
        await api.PostJson("/api/v1/plans/manage", new { code = "studio", name = "Studio", consumptionModel = "credits" }).Ok();
        await api.PostJson("/api/v1/plans/studio/prices", new { billingInterval = "monthly", price = 2900, includedCredits = 5000 }).Ok();
        await api.PostJson("/api/v1/plans/studio/features", new { featureId = "images", creditsPerUnit = 5 }).Ok();
        await api.Customer("ann");
        await api.Subscribe("ann", "studio");
        // 12 images × 5 credits = 60 credits spent from the plan's 5,000: 4,940 left, none purchased.
        await api.PostJson("/api/v1/usage/events", new { customerId = "ann", feature = "images", value = 12, idempotencyKey = "k1" }).Ok(HttpStatusCode.Created);

        using var ann = await PortalClient.OpenAsync(server, api, "ann");
        var overview = await TextAsync(ann, "/portal");

        Assert.Matches(@"<dt>Credits left</dt>\s*<dd>4,940 credits \(4,940 this month, 0 purchased\)</dd>", overview);
        Assert.DoesNotContain("<dt>Add-ons</dt>", overview, StringComparison.Ordinal);
        Assert.DoesNotContain("<dt>Seats</dt>", overview, StringComparison.Ordinal);

        // A 500-credit pack bought on the confirm page: the notice says what was added and what is left now,
        // 4,940 + 500 = 5,440; the overview then counts the 500 as purchased.
        var pack = (await api.PostJson("/api/v1/credit-packs/manage", new { name = "500 credits", credits = 500, price = 1500 }).Ok()).Str("id");
        var bought = await ann.ConfirmAsync($"/portal/purchases/confirm?kind=credit_pack&id={pack}", "/portal/purchases/confirm");
        Assert.Equal((HttpStatusCode.Found, "/portal/purchases?m=credits_bought&n=500&left=5440"), (bought.Status, bought.Location));
        Assert.Contains("500 credits added — 5,440 left.", await TextAsync(ann, bought.Location!), StringComparison.Ordinal);
        Assert.Matches(@"<dd>5,440 credits \(4,940 this month, 500 purchased\)</dd>", await TextAsync(ann, "/portal"));
    }

    [Fact]
    public async Task Overview_ListsActiveAddons_AndSeatsInUseOfIncluded()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Start);
        await api.PostJson("/api/v1/features/manage", new { code = "members", name = "Members", type = "seats" }).Ok();
        await api.PostJson("/api/v1/features/manage", new { code = "extra_storage", name = "Extra storage", type = "boolean" }).Ok();
        await api.Plan("team", 4900);
        await api.PostJson("/api/v1/plans/team/features", new { featureId = "members", includedAmount = 5 }).Ok();
        var addon = (await api.PostJson("/api/v1/addons", new { name = "Extra storage", featureId = "extra_storage", basePrice = 1000, consumptionModel = "boolean" }).Ok()).Str("id");
        await api.Customer("ann");
        var sub = (await api.Subscribe("ann", "team")).Str("id");
        await api.PostJson("/api/v1/seats", new { customerId = "ann", featureCode = "members", count = 3 }).Ok();
        using var ann = await PortalClient.OpenAsync(server, api, "ann");
        Assert.DoesNotContain("<dt>Add-ons</dt>", await TextAsync(ann, "/portal"), StringComparison.Ordinal);

        await api.PostJson($"/api/v1/subscriptions/{sub}/addons", new { addonId = addon }).Ok();
        var overview = await TextAsync(ann, "/portal");

        Assert.Matches(@"<dt>Add-ons</dt>\s*<dd>Extra storage</dd>", overview);
        Assert.Matches(@"<dt>Seats</dt>\s*<dd>3 of 5 in use</dd>", overview);
        Assert.DoesNotContain("<dt>Credits left</dt>", overview, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PastDue_BannerNamesTheDayTheEngineCancels_AndTheInvoiceShowsTheFailedPayment()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Start);
        await api.Plan("basic", 1900);
        await api.Customer("ann");
        var sub = (await api.Subscribe("ann", "basic")).Str("id");
        await api.Card("ann", BillingSetup.FailsLaterCard);
        // The renewal on Apr 1 fails; retries on days 1, 3, 5 and 7 after it; the last one failing ends the
        // subscription: Apr 1 + 7 days = Apr 8, 2027.
        await api.RunUntil(Utc(2027, 4, 1));
        Assert.Equal("past_due", (await api.Subscription(sub)).Str("status"));
        using var ann = await PortalClient.OpenAsync(server, api, "ann");

        var overview = await TextAsync(ann, "/portal");
        Assert.Contains("If it is not paid, your subscription will be canceled on Apr 8, 2027.", overview, StringComparison.Ordinal);

        var invoices = await TextAsync(ann, "/portal/invoices");
        var ids = System.Text.RegularExpressions.Regex.Matches(invoices, "href=\"/portal/invoices/([A-Za-z0-9_]+)\"").Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.Equal(2, ids.Count);
        var pages = new List<string>();
        foreach (var id in ids)
        {
            pages.Add(await TextAsync(ann, "/portal/invoices/" + id));
        }
        // The failed renewal (charged to the card that fails later), and the first month paid on Mar 1 with the good card.
        var renewal = Assert.Single(pages, x => x.Contains("Apr 1, 2027: failed", StringComparison.Ordinal));
        Assert.Matches(@"<dt>Payment</dt>\s*<dd>Visa ending in 0341 on Apr 1, 2027: failed</dd>", renewal);
        var paid = Assert.Single(pages, x => x != renewal);
        Assert.Matches(@"<dt>Payment</dt>\s*<dd>Visa ending in 4242 on Mar 1, 2027: paid</dd>", paid);

        await api.RunUntil(Utc(2027, 4, 7));
        Assert.Equal("past_due", (await api.Subscription(sub)).Str("status"));
        await api.RunUntil(Utc(2027, 4, 8));
        Assert.Equal("canceled", (await api.Subscription(sub)).Str("status"));
    }
}

public sealed class PortalGlanceTests_Sqlite(SqliteServer server) : PortalGlanceTests<SqliteServer>(server);

public sealed class PortalGlanceTests_Postgres(PostgresServer server) : PortalGlanceTests<PostgresServer>(server);
