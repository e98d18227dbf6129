using System.Net;
using System.Text.Json.Nodes;
using Commet.Server.Tests.Infrastructure;
using static Commet.Server.Tests.Infrastructure.BillingApi;

namespace Commet.Server.Tests;

/// <summary>
/// A promo code applied by the customer in the portal when starting a subscription and when reactivating a canceled
/// one: the discount is shown before paying, the charge is exactly that, and the code is redeemed with the same rules
/// as the API's <c>promoCode</c> at creation.
/// </summary>
public abstract class PortalPromoStartTests<TServer>(TServer server) : IClassFixture<TServer>
    where TServer : ServerFixture
{
    private static readonly DateTime Start = Utc(2027, 3, 1);

    private static async Task<List<JsonNode>> InvoicesAsync(HttpClient api)
    {
        var list = await api.GetJson("/api/v1/invoices?customerId=ann").Ok();
        return (list is JsonArray a ? a : list["data"]!.AsArray()).Select(i => i!).OrderBy(i => i.Date("issueDate")).ToList();
    }

    private static (long Subtotal, long Discount, long Total, string Status) Amounts(JsonNode invoice) =>
        (invoice["subtotal"]!.GetValue<long>(), invoice["discountAmount"]!.GetValue<long>(), invoice["total"]!.GetValue<long>(), invoice.Str("status"));

    [Fact]
    public async Task Start_WithAPromoCode_ShowsTheDiscountBeforePaying_AndChargesIt()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Start);
        await api.Plan("basic", 3000);
        var promo = await api.PostJson("/api/v1/promo-codes", new { code = "WELCOME25", discountType = "percentage", discountValue = 2500, durationCycles = 2 }).Ok(HttpStatusCode.Created);
        await api.Customer("ann");
        var basic = (await api.GetJson("/api/v1/plans/basic").Ok()).Str("id");

        using var ann = await PortalClient.OpenAsync(server, api, "ann");
        // The code typed in lower case is the same code.
        var url = $"/portal/start?plan={basic}&interval=monthly&promo=welcome25";
        var preview = WebUtility.HtmlDecode((await ann.GetAsync(url)).Html);
        // $30.00 a month; 25 % of 3000 = 3000 × 2500 / 10000 = 750 → $7.50 off; due today 3000 − 750 = 2250 = $22.50.
        Assert.Contains("<th scope=\"row\">Discount (WELCOME25)</th><td class=\"num\">−$7.50</td>", preview, StringComparison.Ordinal);
        Assert.Contains("<td class=\"num\">$22.50</td>", preview, StringComparison.Ordinal);
        Assert.Contains("<input type=\"hidden\" name=\"promo\" value=\"WELCOME25\">", preview, StringComparison.Ordinal);
        // Nothing is redeemed by looking.
        Assert.Equal(0, (await api.GetJson($"/api/v1/promo-codes/{promo.Str("id")}").Ok())["redemptionCount"]!.GetValue<int>());

        var started = await ann.ConfirmAsync(url, "/portal/start");
        Assert.Equal("/portal?m=started", started.Location);

        var first = Assert.Single(await InvoicesAsync(api));
        Assert.Equal((3000L, 750L, 2250L, "paid"), Amounts(first));
        var sub = await api.GetJson("/api/v1/subscriptions/active?customerId=ann").Ok();
        Assert.Equal(("percentage", 2500L, "WELCOME25"), (sub["discount"]!.Str("type"), sub["discount"]!["value"]!.GetValue<long>(), sub["discount"]!.Str("name")));
        Assert.Equal(1, (await api.GetJson($"/api/v1/promo-codes/{promo.Str("id")}").Ok())["redemptionCount"]!.GetValue<int>());

        // Two periods: April's renewal is the second discounted invoice (2250 again), May's is not (3000).
        await api.RunUntil(Utc(2027, 4, 1));
        await api.RunUntil(Utc(2027, 5, 1));
        var all = await InvoicesAsync(api);
        Assert.Equal([(3000L, 750L, 2250L, "paid"), (3000L, 750L, 2250L, "paid"), (3000L, 0L, 3000L, "paid")], all.Select(Amounts).ToList());
    }

    [Fact]
    public async Task Start_WithACodeThatDoesNotExist_SaysSo_AndOffersTheFullPrice()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Start);
        await api.Plan("basic", 3000);
        await api.Customer("ann");
        var basic = (await api.GetJson("/api/v1/plans/basic").Ok()).Str("id");

        using var ann = await PortalClient.OpenAsync(server, api, "ann");
        var url = $"/portal/start?plan={basic}&interval=monthly&promo=NOPE";
        var preview = WebUtility.HtmlDecode((await ann.GetAsync(url)).Html);
        Assert.Contains("That promo code does not exist.", preview, StringComparison.Ordinal);
        Assert.DoesNotContain("Discount (", preview, StringComparison.Ordinal);
        Assert.DoesNotContain("name=\"promo\" value=\"NOPE\"", preview, StringComparison.Ordinal);

        var started = await ann.ConfirmAsync(url, "/portal/start");
        Assert.Equal("/portal?m=started", started.Location);
        Assert.Equal((3000L, 0L, 3000L, "paid"), Amounts(Assert.Single(await InvoicesAsync(api))));
    }

    [Fact]
    public async Task Reactivate_WithAPromoCode_ShowsTheDiscountBeforePaying_AndChargesIt()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Start);
        await api.Plan("basic", 3000);
        await api.PostJson("/api/v1/promo-codes", new { code = "COMEBACK", discountType = "amount", discountValue = 1000, durationCycles = 1 }).Ok(HttpStatusCode.Created);
        await api.Customer("ann");
        var id = (await api.Subscribe("ann", "basic")).Str("id");
        await api.PostJson($"/api/v1/subscriptions/{id}/cancel", new { immediate = true }).Ok();
        await api.SetClock(Utc(2027, 4, 10));

        using var ann = await PortalClient.OpenAsync(server, api, "ann");
        var preview = WebUtility.HtmlDecode((await ann.GetAsync("/portal/reactivate?promo=comeback")).Html);
        // $30.00 a month, $10.00 off once: 3000 − 1000 = 2000 = $20.00 today.
        Assert.Contains("<th scope=\"row\">Discount (COMEBACK)</th><td class=\"num\">−$10.00</td>", preview, StringComparison.Ordinal);
        Assert.Contains("Reactivate and pay $20.00", preview, StringComparison.Ordinal);
        Assert.Contains("You pay $20.00 now with the discount; the plan costs $30.00 per month.", preview, StringComparison.Ordinal);

        var reactivated = await ann.ConfirmAsync("/portal/reactivate?promo=comeback", "/portal/reactivate");
        Assert.Equal("/portal?m=reactivated", reactivated.Location);

        // The first invoice (1 March, $30.00), the reactivation (10 April, $30.00 − $10.00 = $20.00), and the renewal on
        // 10 May after the one discounted period ($30.00).
        await api.RunUntil(Utc(2027, 5, 10));
        var all = await InvoicesAsync(api);
        Assert.Equal([(3000L, 0L, 3000L, "paid"), (3000L, 1000L, 2000L, "paid"), (3000L, 0L, 3000L, "paid")], all.Select(Amounts).ToList());
        Assert.Equal("reactivation", all[1].Str("invoiceType"));
    }

    [Fact]
    public async Task Reactivate_WithACodeTheCustomerAlreadyUsed_IsRefused_AndReactivatesAtFullPrice()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Start);
        await api.Plan("basic", 3000);
        await api.PostJson("/api/v1/promo-codes", new { code = "HELLO", discountType = "percentage", discountValue = 5000, durationCycles = 1 }).Ok(HttpStatusCode.Created);
        await api.Customer("ann");
        var id = (await api.PostJson("/api/v1/subscriptions", new { customerId = "ann", planCode = "basic", promoCode = "HELLO" }).Ok()).Str("id");
        await api.PostJson($"/api/v1/subscriptions/{id}/cancel", new { immediate = true }).Ok();
        await api.SetClock(Utc(2027, 4, 10));

        using var ann = await PortalClient.OpenAsync(server, api, "ann");
        var preview = WebUtility.HtmlDecode((await ann.GetAsync("/portal/reactivate?promo=HELLO")).Html);
        Assert.Contains("You have already used that promo code.", preview, StringComparison.Ordinal);
        Assert.Contains("Reactivate and pay $30.00", preview, StringComparison.Ordinal);

        // A form posted with the code anyway (the page would not send it) is refused by the reactivation itself.
        var forced = await ann.ConfirmAsync("/portal/reactivate", "/portal/reactivate", new Dictionary<string, string?> { ["promo"] = "HELLO" });
        Assert.Contains("You have already used that promo code.", WebUtility.HtmlDecode(forced.Html), StringComparison.Ordinal);
        Assert.Equal("canceled", (await api.Subscription(id)).Str("status"));

        var reactivated = await ann.ConfirmAsync("/portal/reactivate", "/portal/reactivate");
        Assert.Equal("/portal?m=reactivated", reactivated.Location);
        // 50 % of the first $30.00 invoice = $15.00 off; the reactivation at full price.
        var all = await InvoicesAsync(api);
        Assert.Equal([(3000L, 1500L, 1500L, "paid"), (3000L, 0L, 3000L, "paid")], all.Select(Amounts).ToList());
    }
}

public sealed class PortalPromoStartTests_Sqlite(SqliteServer server) : PortalPromoStartTests<SqliteServer>(server);

public sealed class PortalPromoStartTests_Postgres(PostgresServer server) : PortalPromoStartTests<PostgresServer>(server);
