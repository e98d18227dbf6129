using System.Net;
using Commet.Domain.Billing;
using Commet.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Commet.Server.Tests.Infrastructure.BillingApi;

namespace Commet.Server.Tests;

/// <summary>
/// Regional prices end to end: the currency fixed at checkout from the billing country, every amount billed and shown in
/// it (first invoice, renewal with overage, portal overview and invoice page, PDF), a zero-decimal currency, and
/// <c>missing_regional_price</c> where the plan or its group cannot bill the currency. Amounts worked out by hand.
/// </summary>
public abstract class RegionalPriceTests<TServer>(TServer server) : IClassFixture<TServer>
    where TServer : ServerFixture
{
    /// <summary>A customer billed in <paramref name="country"/>, with a card.</summary>
    private static async Task CustomerIn(HttpClient api, string id, string country)
    {
        await api.PostJson("/api/v1/customers", new
        {
            id, email = $"{id}@example.com", fullName = "Ana Souza",
            address = new { line1 = "Rua Augusta 100", city = "São Paulo", postalCode = "01305-000", country },
        }).Ok();
        await api.Card(id, BillingSetup.GoodCard);
    }

    /// <summary>Pro: US$19.00 a month, 1,000 API calls included, then US$0.01 a call (100 on the 10,000 scale).</summary>
    private static async Task<string> ProPlan(HttpClient api, string code = "pro", string? group = null, int sortOrder = 0)
    {
        if ((await api.GetJson("/api/v1/features/api_calls")).Status != HttpStatusCode.OK)
        {
            await api.PostJson("/api/v1/features/manage", new { code = "api_calls", name = "API calls", type = "usage" }).Ok();
        }
        await api.Plan(code, 1900, group, sortOrder);
        await api.PostJson($"/api/v1/plans/{code}/features", new { featureId = "api_calls", includedAmount = 1000, overage = new { enabled = true, unitPrice = 100 } }).Ok();
        return (await api.GetJson($"/api/v1/plans/{code}").Ok())["prices"]![0]!.Str("id");
    }

    private static async Task<List<Invoice>> Invoices(TestTenant t, string subscriptionId)
    {
        await using var db = t.Db();
        return await db.Invoices.AsNoTracking().Include(i => i.Lines).Where(i => i.SubscriptionId == subscriptionId)
            .OrderBy(i => i.IssueDate).ThenBy(i => i.Number).ToListAsync();
    }

    private static string PdfText(byte[] pdf)
    {
        using var document = UglyToad.PdfPig.PdfDocument.Open(pdf);
        return string.Join("\n", document.GetPages().Select(p => p.Text));
    }

    private static async Task<string> Html(PortalClient portal, string path)
    {
        var page = await portal.GetAsync(path);
        Assert.True(page.Status == HttpStatusCode.OK, page.ToString());
        return WebUtility.HtmlDecode(page.Html);
    }

    [Fact]
    public async Task Brl_FromTheBillingCountry_BilledAndShownInBrl_EndToEnd()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Utc(2027, 4, 1));
        await ProPlan(api);
        // R$5.25 to the dollar: the price 19.00 × 5.25 = R$99.75; the call 0.01 × 5.25 = R$0.0525 (100 × 5.25 = 525 on the scale).
        var set = await api.PutJson("/api/v1/plans/pro/regional", new { currency = "brl", exchangeRate = 5.25m }).Ok();
        Assert.Equal(("BRL", 5.25m, 1, 1), (set.Str("currency"), set["exchangeRate"]!.GetValue<decimal>(),
            set["pricesConfigured"]!.GetValue<int>(), set["featuresConfigured"]!.GetValue<int>()));
        var plan = await api.GetJson("/api/v1/plans/pro").Ok();
        var regional = plan["prices"]![0]!["regionalPrices"]![0]!;
        Assert.Equal(("BRL", 9975L, true), (regional.Str("currency"), regional["price"]!.GetValue<long>(), regional["autoSynced"]!.GetValue<bool>()));
        Assert.Equal(525L, plan["features"]![0]!["regionalPrices"]![0]!["overageUnitPrice"]!.GetValue<long>());

        await CustomerIn(api, "ana", "BR");
        var created = await api.Subscribe("ana", "pro");
        var id = created.Str("id");
        Assert.Equal(("active", 9975L), (created.Str("status"), created["plan"]!["basePrice"]!.GetValue<long>()));
        // An add-on is priced in USD (US$5.00) and converted at the plan's rate: 5.00 × 5.25 = R$26.25, all 30 of 30 days.
        await api.PostJson("/api/v1/features/manage", new { code = "sso", name = "SSO", type = "boolean" }).Ok();
        var addon = await api.PostJson("/api/v1/addons", new { name = "SSO", featureId = "sso", basePrice = 500, consumptionModel = "boolean" }).Ok();
        await api.PostJson($"/api/v1/subscriptions/{id}/addons", new { addonId = addon.Str("id") }).Ok();

        // April: 1,500 calls, 500 beyond the 1,000 included.
        await api.PostJson("/api/v1/usage/events", new { customerId = "ana", feature = "api_calls", value = 1500 }).Ok(HttpStatusCode.Created);
        await api.RunUntil(Utc(2027, 5, 1));

        var invoices = await Invoices(t, id);
        Assert.Equal(
        [
            // At creation: the month in advance, R$99.75; then the add-on, R$26.25.
            ("BRL", Utc(2027, 4, 1), 9975L, InvoiceStatus.Paid),
            ("BRL", Utc(2027, 4, 1), 2625L, InvoiceStatus.Paid),
            // May 1: R$99.75 + 500 calls × R$0.0525 = R$26.25 (500 × 525 / 10,000 × 100 = 2,625 centavos) + the add-on R$26.25
            // = R$152.25.
            ("BRL", Utc(2027, 5, 1), 15225L, InvoiceStatus.Paid),
        ], invoices.Select(i => (i.Currency, i.IssueDate, i.Total, i.Status)).ToList());
        var renewal = invoices[2];
        Assert.Equal([(LineTypes.PlanBase, 9975L), (LineTypes.FeatureOverage, 2625L), (LineTypes.AddonBase, 2625L)],
            renewal.Lines.OrderBy(l => l.Position).Select(l => (l.LineType, l.Amount)).ToList());
        Assert.Equal(525L, renewal.Lines.Single(l => l.LineType == LineTypes.FeatureOverage).UnitAmount);
        var fromApi = await api.GetJson($"/api/v1/invoices/{renewal.Id}").Ok();
        Assert.Equal(("BRL", 15225L), (fromApi.Str("currency"), fromApi["total"]!.GetValue<long>()));

        using var portal = await PortalClient.OpenAsync(server, api, "ana");
        var overview = await Html(portal, "/portal");
        Assert.Contains("R$99.75", overview, StringComparison.Ordinal);
        Assert.DoesNotContain("$19.00", overview, StringComparison.Ordinal);
        var page = await Html(portal, $"/portal/invoices/{renewal.Id}");
        Assert.Contains("R$152.25", page, StringComparison.Ordinal);
        Assert.Contains("R$26.25", page, StringComparison.Ordinal);
        var pdf = PdfText(await portal.GetBytesAsync($"/portal/invoices/{renewal.Id}?handler=pdf"));
        Assert.Contains("R$152.25", pdf, StringComparison.Ordinal);
        Assert.Contains("R$99.75", pdf, StringComparison.Ordinal);
        Assert.Contains("R$26.25", pdf, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Jpy_ZeroDecimal_PriceSetByHand_OverageRoundedToTheYen()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Utc(2027, 4, 1));
        var priceId = await ProPlan(api);
        // ¥150 to the dollar for the call (100 × 150 = 15,000 on the scale: ¥1.5 a call); the price set by hand at ¥2,800
        // instead of the derived 19.00 × 150 = ¥2,850.
        var set = await api.PutJson("/api/v1/plans/pro/regional", new
        {
            currency = "jpy", exchangeRate = 150, prices = new[] { new { priceId, price = 2800 } },
        }).Ok();
        Assert.Equal(("JPY", 1, 1), (set.Str("currency"), set["pricesConfigured"]!.GetValue<int>(), set["featuresConfigured"]!.GetValue<int>()));
        var regional = (await api.GetJson("/api/v1/plans/pro").Ok())["prices"]![0]!["regionalPrices"]![0]!;
        Assert.Equal(("JPY", 2800L, false), (regional.Str("currency"), regional["price"]!.GetValue<long>(), regional["autoSynced"]!.GetValue<bool>()));

        await CustomerIn(api, "ken", "JP");
        var id = (await api.Subscribe("ken", "pro")).Str("id");
        // 1,333 calls: 333 beyond the 1,000 included × ¥1.5 = ¥499.5, rounded half away from zero to ¥500.
        await api.PostJson("/api/v1/usage/events", new { customerId = "ken", feature = "api_calls", value = 1333 }).Ok(HttpStatusCode.Created);
        await api.RunUntil(Utc(2027, 5, 1));

        var invoices = await Invoices(t, id);
        // At creation ¥2,800; May 1: ¥2,800 + ¥500 = ¥3,300. JPY has no minor unit: the amounts are whole yen.
        Assert.Equal([("JPY", 2800L), ("JPY", 3300L)], invoices.Select(i => (i.Currency, i.Total)).ToList());
        Assert.Equal([(LineTypes.PlanBase, 2800L), (LineTypes.FeatureOverage, 500L)],
            invoices[1].Lines.OrderBy(l => l.Position).Select(l => (l.LineType, l.Amount)).ToList());

        using var portal = await PortalClient.OpenAsync(server, api, "ken");
        Assert.Contains("¥2,800", await Html(portal, "/portal"), StringComparison.Ordinal);
        var page = await Html(portal, $"/portal/invoices/{invoices[1].Id}");
        Assert.Contains("¥3,300", page, StringComparison.Ordinal);
        Assert.DoesNotContain("¥3,300.00", page, StringComparison.Ordinal);
        var pdf = PdfText(await portal.GetBytesAsync($"/portal/invoices/{invoices[1].Id}?handler=pdf"));
        Assert.Contains("¥3,300", pdf, StringComparison.Ordinal);
        Assert.Contains("¥500", pdf, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingRegionalPrice_IsRefusedWithItsCode_WhereThePlanOrItsGroupCannotBillTheCurrency()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Utc(2027, 4, 1));
        var group = await api.Group();
        var proPrice = await ProPlan(api, "pro", group, sortOrder: 1);
        await ProPlan(api, "max", group, sortOrder: 2);

        // Pro's price set in BRL by hand, but not the price of its calls: a BR checkout cannot bill them in BRL.
        var upserted = await api.PutJson($"/api/v1/plans/pro/prices/{proPrice}/regional", new { overrides = new[] { new { currency = "BRL", price = 9900 } } }).Ok();
        Assert.Equal((proPrice, "BRL", 9900L), (upserted.Str("priceId"), upserted["overrides"]![0]!.Str("currency"), upserted["overrides"]![0]!["price"]!.GetValue<long>()));
        await CustomerIn(api, "bia", "BR");
        var refused = await api.PostJson("/api/v1/subscriptions", new { customerId = "bia", planCode = "pro" });
        Assert.Equal((HttpStatusCode.BadRequest, "missing_regional_price"), (refused.Status, refused.ErrorCode));
        await using (var db = t.Db())
        {
            Assert.Equal(0, await db.Subscriptions.CountAsync());
            Assert.Equal(0, await db.Invoices.CountAsync());
        }

        // With the calls priced (R$0.05 = 500 on the scale) the BR checkout goes through in BRL: R$99.00.
        var calls = (await api.GetJson("/api/v1/features/api_calls").Ok()).Str("id");
        await api.PutJson("/api/v1/plans/pro/regional", new
        {
            currency = "brl", exchangeRate = 5.2m, prices = new[] { new { priceId = proPrice, price = 9900 } },
            features = new[] { new { featureId = calls, overageUnitPrice = 500 } },
        }).Ok();
        var id = (await api.Subscribe("bia", "pro")).Str("id");
        Assert.Equal([("BRL", 9900L)], (await Invoices(t, id)).Select(i => (i.Currency, i.Total)).ToList());

        // Max, the next plan of the group, is sold in USD only: the BRL subscription cannot move to it.
        var preview = await api.PostJson($"/api/v1/subscriptions/{id}/preview-change", new { planId = "max" });
        Assert.Equal((HttpStatusCode.BadRequest, "missing_regional_price"), (preview.Status, preview.ErrorCode));
        var change = await api.PostJson($"/api/v1/subscriptions/{id}/change-plan", new { newPlanId = "max" });
        Assert.Equal((HttpStatusCode.BadRequest, "missing_regional_price"), (change.Status, change.ErrorCode));
        Assert.Equal((await api.GetJson("/api/v1/plans/pro").Ok()).Str("id"), (await api.Subscription(id))["plan"]!.Str("id"));

        // A customer in a country whose currency the plan is not sold in pays the USD price.
        await CustomerIn(api, "mia", "MX");
        var usd = (await api.Subscribe("mia", "max")).Str("id");
        Assert.Equal([("USD", 1900L)], (await Invoices(t, usd)).Select(i => (i.Currency, i.Total)).ToList());
    }

    [Fact]
    public async Task FreeStart_InTheCustomersCurrency_WhenTheFreePlanIsSoldInIt_SoTheUpgradeIsBilledInBrl()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Utc(2027, 4, 1));
        var group = await api.Group();
        await api.PostJson("/api/v1/plans/manage", new { code = "free", name = "Free", isFree = true, planGroupId = group, sortOrder = 0 }).Ok();
        await ProPlan(api, "pro", group, sortOrder: 1);
        // Pro in BRL at 5.25: 19.00 × 5.25 = R$99.75; its calls 0.01 × 5.25 = R$0.0525 (525 on the 10,000 scale).
        await api.PutJson("/api/v1/plans/pro/regional", new { currency = "brl", exchangeRate = 5.25m }).Ok();

        // Without a rate on the free plan, a Brazilian customer's free start is in USD, and so is the upgrade.
        await CustomerIn(api, "rui", "BR");
        var rui = (await api.Subscribe("rui", "free")).Str("id");
        // With one, the free plan is sold in BRL: the free start is in BRL. The free plan has no price: nothing is configured.
        var set = await api.PutJson("/api/v1/plans/free/regional", new { currency = "brl", exchangeRate = 5.25m }).Ok();
        Assert.Equal(("BRL", 0), (set.Str("currency"), set["pricesConfigured"]!.GetValue<int>()));
        await CustomerIn(api, "leo", "BR");
        var leo = (await api.Subscribe("leo", "free")).Str("id");
        // A customer elsewhere stays in USD even so.
        await CustomerIn(api, "ann", "US");
        var ann = (await api.Subscribe("ann", "free")).Str("id");
        await using (var db = t.Db())
        {
            var currencies = await db.Subscriptions.AsNoTracking().ToDictionaryAsync(s => s.Id, s => s.Currency);
            Assert.Equal(("USD", "BRL", "USD"), (currencies[rui], currencies[leo], currencies[ann]));
        }

        // The BRL free subscription's portal offers Pro at its BRL price.
        using (var free = await PortalClient.OpenAsync(server, api, "leo"))
        {
            var plans = await Html(free, "/portal/plans");
            Assert.Contains("R$99.75", plans, StringComparison.Ordinal);
            Assert.DoesNotContain("$19.00", plans, StringComparison.Ordinal);
        }

        // April 11: both Brazilians move to Pro. A move from a free plan charges the whole first period now: R$99.75 for
        // the BRL subscription, US$19.00 for the USD one.
        await api.SetClock(Utc(2027, 4, 11));
        var preview = await api.PostJson($"/api/v1/subscriptions/{leo}/preview-change", new { planId = "pro" }).Ok();
        Assert.Equal(("BRL", 9975L), (preview.Str("currency"), preview["estimatedTotal"]!.GetValue<long>()));
        await api.PostJson($"/api/v1/subscriptions/{leo}/change-plan", new { newPlanId = "pro" }).Ok();
        await api.PostJson($"/api/v1/subscriptions/{rui}/change-plan", new { newPlanId = "pro" }).Ok();

        // The BRL one's renewal on May 11 (a month from the move): R$99.75 + 200 calls beyond the 1,000 included
        // × R$0.0525 = R$10.50 (200 × 525 / 10,000 × 100 = 1,050 centavos) = R$110.25.
        await api.PostJson("/api/v1/usage/events", new { customerId = "leo", feature = "api_calls", value = 1200 }).Ok(HttpStatusCode.Created);
        await api.RunUntil(Utc(2027, 5, 11));
        Assert.Equal([("BRL", 9975L), ("BRL", 11025L)],
            (await Invoices(t, leo)).Where(i => i.Total > 0).Select(i => (i.Currency, i.Total)).ToList());
        Assert.All(await Invoices(t, leo), i => Assert.Equal("BRL", i.Currency));
        Assert.Equal(("USD", 1900L), (await Invoices(t, rui)).Where(i => i.Total > 0).Select(i => (i.Currency, i.Total)).First());

        using var portal = await PortalClient.OpenAsync(server, api, "leo");
        var overview = await Html(portal, "/portal");
        Assert.Contains("R$99.75", overview, StringComparison.Ordinal);
        Assert.DoesNotContain("$19.00", overview, StringComparison.Ordinal);
    }
}

public sealed class RegionalPriceTests_Sqlite(SqliteServer server) : RegionalPriceTests<SqliteServer>(server);

public sealed class RegionalPriceTests_Postgres(PostgresServer server) : RegionalPriceTests<PostgresServer>(server);
