using System.Net;
using Commet.Domain.Billing;
using Commet.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Commet.Server.Tests.Infrastructure.BillingApi;

namespace Commet.Server.Tests;

/// <summary>
/// Promo codes end to end: applied at subscription creation, on every period invoice while they last (add-ons and overage
/// included), in the upcoming invoice and the plan-change preview, refused with their codes, and counted so that
/// concurrent redemptions never pass the limit. Amounts worked out by hand.
/// </summary>
public abstract class PromoCodeTests<TServer>(TServer server) : IClassFixture<TServer>
    where TServer : ServerFixture
{
    private static Task<ApiResponse> Promo(HttpClient api, object body) => api.PostJson("/api/v1/promo-codes", body);

    private static Task<ApiResponse> SubscribeWith(HttpClient api, string customerId, string planCode, string promoCode) =>
        api.PostJson("/api/v1/subscriptions", new { customerId, planCode, promoCode });

    private static async Task<List<Invoice>> Invoices(TestTenant t, string subscriptionId)
    {
        await using var db = t.Db();
        return await db.Invoices.AsNoTracking().Include(i => i.Lines).Where(i => i.SubscriptionId == subscriptionId)
            .OrderBy(i => i.IssueDate).ThenBy(i => i.Number).ToListAsync();
    }

    private static long DiscountLine(Invoice i) => i.Lines.Where(l => l.LineType == LineTypes.Discount).Sum(l => l.Amount);

    [Fact]
    public async Task TwentyPercentForThreeMonths_PlanAddonAndOverage_Months1To3Discounted_Month4Not()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Utc(2027, 4, 1));
        await api.PostJson("/api/v1/features/manage", new { code = "api_calls", name = "API calls", type = "usage" }).Ok();
        await api.PostJson("/api/v1/features/manage", new { code = "extra_storage", name = "Extra storage", type = "boolean" }).Ok();
        await api.PostJson("/api/v1/plans/manage", new { code = "pro", name = "Pro" }).Ok();
        await api.PostJson("/api/v1/plans/pro/prices", new { billingInterval = "monthly", price = 10000 }).Ok();
        // 1,000 calls included, then $0.01 a call (100 in rate scale).
        await api.PostJson("/api/v1/plans/pro/features", new { featureId = "api_calls", includedAmount = 1000, overage = new { enabled = true, unitPrice = 100 } }).Ok();
        var addon = await api.PostJson("/api/v1/addons", new { name = "Extra storage", featureId = "extra_storage", basePrice = 2000, consumptionModel = "boolean" }).Ok();
        var promo = await Promo(api, new { code = "save20", discountType = "percentage", discountValue = 2000, durationCycles = 3 }).Ok(HttpStatusCode.Created);
        Assert.Equal("SAVE20", promo.Str("code"));
        await api.Customer("pc");

        var id = (await SubscribeWith(api, "pc", "pro", "SAVE20").Ok()).Str("id");
        await api.PostJson($"/api/v1/subscriptions/{id}/addons", new { addonId = addon.Str("id") }).Ok();
        await api.PostJson("/api/v1/usage/events", new { customerId = "pc", feature = "api_calls", value = 1500 }).Ok();
        await api.RunUntil(Utc(2027, 5, 1));
        await api.PostJson("/api/v1/usage/events", new { customerId = "pc", feature = "api_calls", value = 1200 }).Ok();

        // The upcoming June invoice still has the discount: $100.00 + 200 × $0.01 + $20.00 = $122.00, 20 % = $24.40 off.
        var upcoming = await api.GetJson($"/api/v1/subscriptions/{id}/upcoming-invoice").Ok();
        Assert.Equal((12200L, 2440L, 9760L), (upcoming["subtotal"]!.GetValue<long>(), upcoming["discountAmount"]!.GetValue<long>(), upcoming["total"]!.GetValue<long>()));
        var upcomingDiscount = upcoming["lineItems"]!.AsArray().Single(l => l!.Str("lineType") == "discount")!;
        Assert.Equal((-2440L, "percentage", 2000L, "SAVE20"), (upcomingDiscount["amount"]!.GetValue<long>(), upcomingDiscount.Str("discountType"),
            upcomingDiscount["discountValue"]!.GetValue<long>(), upcomingDiscount.Str("discountName")));

        await api.RunUntil(Utc(2027, 6, 1));
        // The June invoice was the third and last discounted one: the discount stays in force until July 1.
        var sub = await api.Subscription(id);
        Assert.Equal(("percentage", 2000L, "SAVE20", Utc(2027, 7, 1)), (sub["discount"]!.Str("type"), sub["discount"]!["value"]!.GetValue<long>(),
            sub["discount"]!.Str("name"), sub["discount"]!.Date("endsAt")));
        await api.PostJson("/api/v1/usage/events", new { customerId = "pc", feature = "api_calls", value = 1100 }).Ok();
        // The upcoming July invoice (month 4) has no discount.
        upcoming = await api.GetJson($"/api/v1/subscriptions/{id}/upcoming-invoice").Ok();
        Assert.Equal((0L, 12100L), (upcoming["discountAmount"]!.GetValue<long>(), upcoming["total"]!.GetValue<long>()));
        await api.RunUntil(Utc(2027, 7, 1));

        var invoices = await Invoices(t, id);
        var summary = invoices.Select(i => (i.Type, i.IssueDate, i.Subtotal, i.DiscountAmount, i.Total, DiscountLine(i))).ToList();
        Assert.Equal(
        [
            // Month 1, at creation: $100.00 plan, 20 % = $20.00 off → $80.00.
            (InvoiceTypes.Recurring, Utc(2027, 4, 1), 10000L, 2000L, 8000L, -2000L),
            // The add-on bought the same day: 30 of 30 days = $20.00, the discount in force → $4.00 off → $16.00.
            (InvoiceTypes.AddonActivation, Utc(2027, 4, 1), 2000L, 400L, 1600L, -400L),
            // Month 2: $100.00 + April's 500 calls over at $0.01 = $5.00 + $20.00 add-on = $125.00; 20 % = $25.00 off → $100.00.
            (InvoiceTypes.Recurring, Utc(2027, 5, 1), 12500L, 2500L, 10000L, -2500L),
            // Month 3: $100.00 + 200 × $0.01 = $2.00 + $20.00 = $122.00; 20 % = $24.40 off → $97.60.
            (InvoiceTypes.Recurring, Utc(2027, 6, 1), 12200L, 2440L, 9760L, -2440L),
            // Month 4: $100.00 + 100 × $0.01 = $1.00 + $20.00 = $121.00, no discount.
            (InvoiceTypes.Recurring, Utc(2027, 7, 1), 12100L, 0L, 12100L, 0L),
        ], summary);
        Assert.All(invoices, i => Assert.Equal(InvoiceStatus.Paid, i.Status));
        Assert.Null((await api.Subscription(id))["discount"]);
        Assert.Equal(1, (await api.GetJson($"/api/v1/promo-codes/{promo.Str("id")}").Ok())["redemptionCount"]!.GetValue<int>());
    }

    [Fact]
    public async Task FixedAmountLargerThanTheInvoice_IsCappedAtTheSubtotal_NeverANegativeCharge()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Utc(2027, 4, 1));
        await api.Plan("basic", 3000);
        await Promo(api, new { code = "FIFTY-OFF", discountType = "amount", discountValue = 5000 }).Ok(HttpStatusCode.Created);
        await api.Customer("big");

        var created = await SubscribeWith(api, "big", "basic", "fifty-off").Ok();
        Assert.Equal("active", created.Str("status"));
        await api.RunUntil(Utc(2027, 5, 1));

        var invoices = await Invoices(t, created.Str("id"));
        // $50.00 off a $30.00 invoice takes $30.00 off, not $50.00: a total of 0, paid without a charge, each month (forever).
        Assert.Equal([(3000L, 3000L, 0L, -3000L), (3000L, 3000L, 0L, -3000L)],
            invoices.Select(i => (i.Subtotal, i.DiscountAmount, i.Total, DiscountLine(i))).ToList());
        Assert.All(invoices, i => Assert.Equal(InvoiceStatus.Paid, i.Status));
        var ids = invoices.Select(i => i.Id).ToList();
        await using var db = t.Db();
        Assert.Equal(0, await db.Transactions.CountAsync(x => ids.Contains(x.InvoiceId!)));
    }

    [Fact]
    public async Task ExpiredExhaustedInactiveOrWrongInterval_AreRefusedWithTheirCodes_AndCreateNothing()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Utc(2027, 4, 11));
        await api.Plan("basic", 3000);
        await Promo(api, new { code = "OLD", discountType = "percentage", discountValue = 1000, expiresAt = Utc(2027, 4, 10) }).Ok(HttpStatusCode.Created);
        await Promo(api, new { code = "ONCE", discountType = "percentage", discountValue = 1000, maxRedemptions = 1 }).Ok(HttpStatusCode.Created);
        var off = await Promo(api, new { code = "OFF", discountType = "percentage", discountValue = 1000 }).Ok(HttpStatusCode.Created);
        await api.Send(HttpMethod.Put, $"/api/v1/promo-codes/{off.Str("id")}", new { active = false }).Ok();
        await Promo(api, new { code = "YEARLY", discountType = "percentage", discountValue = 1000, billingInterval = "yearly" }).Ok(HttpStatusCode.Created);
        foreach (var c in new[] { "c1", "c2" })
        {
            await api.Customer(c);
        }
        await SubscribeWith(api, "c1", "basic", "ONCE").Ok();

        foreach (var (code, status, error) in new[]
        {
            ("OLD", HttpStatusCode.BadRequest, "promo_code_expired"),
            ("ONCE", HttpStatusCode.BadRequest, "promo_code_max_redemptions_reached"),
            ("OFF", HttpStatusCode.BadRequest, "promo_code_inactive"),
            ("YEARLY", HttpStatusCode.BadRequest, "promo_code_interval_not_eligible"),
            ("NOPE", HttpStatusCode.NotFound, "promo_code_not_found"),
        })
        {
            var refused = await SubscribeWith(api, "c2", "basic", code);
            Assert.Equal((status, error), (refused.Status, refused.ErrorCode));
        }
        await using var db = t.Db();
        // Only c1's subscription exists: every refusal rolled back.
        Assert.Equal(1, await db.Subscriptions.CountAsync());
        Assert.Equal(1, (await db.PromoCodes.SingleAsync(p => p.Code == "ONCE")).RedemptionCount);
    }

    [Fact]
    public async Task CreateAndUpdate_CheckEveryField()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        var bad = await Promo(api, new { code = "BAD CODE", discountType = "percentage", discountValue = 10000, durationCycles = 0, billingInterval = "daily", maxRedemptions = 0 });
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "validation_error"), (bad.Status, bad.ErrorCode));
        var fields = bad.ErrorFields.ToHashSet();
        Assert.Equal(new HashSet<string> { "code", "discountValue", "durationCycles", "billingInterval", "maxRedemptions" }, fields);

        var promo = await Promo(api, new { code = "TEN", discountType = "amount", discountValue = 1000, maxRedemptions = 5 }).Ok(HttpStatusCode.Created);
        var lower = await api.Send(HttpMethod.Put, $"/api/v1/promo-codes/{promo.Str("id")}", new { maxRedemptions = 0 });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, lower.Status);
        var dup = await Promo(api, new { code = "ten", discountType = "amount", discountValue = 5 });
        Assert.Equal((HttpStatusCode.Conflict, "duplicate"), (dup.Status, dup.ErrorCode));
    }

    [Fact]
    public async Task ConcurrentRedemptions_NeverPassTheLimit()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.Plan("basic", 3000);
        var promo = await Promo(api, new { code = "FIRST3", discountType = "percentage", discountValue = 1000, maxRedemptions = 3 }).Ok(HttpStatusCode.Created);
        var customers = Enumerable.Range(0, 8).Select(i => $"rush{i}").ToList();
        foreach (var c in customers)
        {
            await api.Customer(c, card: null);
        }

        var answers = await Task.WhenAll(customers.Select(c => SubscribeWith(api, c, "basic", "FIRST3")));

        Assert.Equal(3, answers.Count(a => a.Status == HttpStatusCode.Created || a.Status == HttpStatusCode.OK));
        Assert.All(answers.Where(a => (int)a.Status >= 300), a => Assert.Equal("promo_code_max_redemptions_reached", a.ErrorCode));
        await using var db = t.Db();
        Assert.Equal(3, (await db.PromoCodes.SingleAsync(p => p.Id == promo.Str("id"))).RedemptionCount);
        Assert.Equal(3, await db.PromoRedemptions.CountAsync(r => r.PromoCodeId == promo.Str("id")));
        Assert.Equal(3, await db.Subscriptions.CountAsync(s => s.DiscountName == "FIRST3"));
    }

    [Fact]
    public async Task UpgradePreviewWithACode_ShowsTheDiscount_AndTheChangeChargesExactlyThat()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Utc(2027, 4, 1));
        var group = await api.Group();
        await api.Plan("starter", 2900, group, sortOrder: 0);
        await api.Plan("pro", 9900, group, sortOrder: 1);
        await api.Plan("max", 19900, group, sortOrder: 2);
        var half = (await Promo(api, new { code = "HALF", discountType = "percentage", discountValue = 5000, durationCycles = 1 }).Ok(HttpStatusCode.Created)).Str("id");
        await api.Customer("up");
        var id = (await api.Subscribe("up", "starter")).Str("id");
        await api.SetClock(Utc(2027, 4, 11));

        var preview = await api.PostJson($"/api/v1/subscriptions/{id}/preview-change", new { planId = "pro", promoCode = "half" }).Ok();
        // $99.00 − round($29.00 × 20 / 30) = 9900 − 1933 = 7967; 50 % = 3983.5 → 3984 (half away from zero); 7967 − 3984 = 3983.
        Assert.Equal((1933L, 9900L, 3984L, 3983L), (preview["currentPlanCredit"]!.GetValue<long>(), preview["newPlanCharge"]!.GetValue<long>(),
            preview["discountAmount"]!.GetValue<long>(), preview["estimatedTotal"]!.GetValue<long>()));
        await using (var db = t.Db())
        {
            // A preview redeems nothing.
            Assert.Equal(0, await db.PromoRedemptions.CountAsync(r => r.PromoCodeId == half));
            Assert.Equal(0, (await db.PromoCodes.SingleAsync(p => p.Id == half)).RedemptionCount);
        }

        var change = await api.PostJson($"/api/v1/subscriptions/{id}/change-plan", new { newPlanId = "pro", promoCode = "HALF" }).Ok();
        var invoice = (await Invoices(t, id)).Single(i => i.Id == change.Str("invoiceId"));
        Assert.Equal((7967L, 3984L, 3983L, InvoiceStatus.Paid), (invoice.Subtotal, invoice.DiscountAmount, invoice.Total, invoice.Status));
        // Once: the May renewal is full price.
        await api.RunUntil(Utc(2027, 5, 11));
        var renewal = (await Invoices(t, id)).Single(i => i.IssueDate == Utc(2027, 5, 11));
        Assert.Equal((9900L, 0L), (renewal.Total, renewal.DiscountAmount));

        // Once per customer: the code cannot be used again on the next upgrade.
        var again = await api.PostJson($"/api/v1/subscriptions/{id}/preview-change", new { planId = "max", promoCode = "HALF" });
        Assert.Equal((HttpStatusCode.Conflict, "promo_code_already_redeemed"), (again.Status, again.ErrorCode));
    }

    [Fact]
    public async Task OneDiscountAtATime_ASecondCodeIsRefused_AndTheDiscountInForceTakesItsShareOfTheUpgrade()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Utc(2027, 4, 1));
        var group = await api.Group();
        await api.Plan("starter", 2900, group, sortOrder: 0);
        await api.Plan("pro", 9900, group, sortOrder: 1);
        await Promo(api, new { code = "SAVE20", discountType = "percentage", discountValue = 2000, durationCycles = 3 }).Ok(HttpStatusCode.Created);
        var half = (await Promo(api, new { code = "HALF", discountType = "percentage", discountValue = 5000 }).Ok(HttpStatusCode.Created)).Str("id");
        await api.Customer("one");
        // April 1: $29.00, 20 % = $5.80 off → $23.20 paid.
        var id = (await SubscribeWith(api, "one", "starter", "SAVE20").Ok()).Str("id");
        Assert.Equal([(2900L, 580L, 2320L)], (await Invoices(t, id)).Select(i => (i.Subtotal, i.DiscountAmount, i.Total)).ToList());
        await api.SetClock(Utc(2027, 4, 11));

        // A second code while SAVE20 is in force: refused, in the preview and in the change, and nothing is redeemed or changed.
        var preview = await api.PostJson($"/api/v1/subscriptions/{id}/preview-change", new { planId = "pro", promoCode = "HALF" });
        Assert.Equal((HttpStatusCode.Conflict, "discount_already_active", "promoCode"),
            (preview.Status, preview.ErrorCode, preview.Body!["error"]!["param"]!.GetValue<string>()));
        var change = await api.PostJson($"/api/v1/subscriptions/{id}/change-plan", new { newPlanId = "pro", promoCode = "HALF" });
        Assert.Equal((HttpStatusCode.Conflict, "discount_already_active"), (change.Status, change.ErrorCode));
        Assert.Equal("Starter", (await api.Subscription(id))["plan"]!.Str("name"));
        await using (var db = t.Db())
        {
            Assert.Equal(0, await db.PromoRedemptions.CountAsync(r => r.PromoCodeId == half));
        }

        // Without a code, the discount in force takes its share of the upgrade: $99.00 − round($23.20 paid × 20 / 30 days left)
        // = 9900 − 1547 (1546.67) = 8353; 20 % = 1670.6 → 1671 off; 8353 − 1671 = 6682.
        var quoted = await api.PostJson($"/api/v1/subscriptions/{id}/preview-change", new { planId = "pro" }).Ok();
        Assert.Equal((1547L, 1671L, 6682L), (quoted["currentPlanCredit"]!.GetValue<long>(), quoted["discountAmount"]!.GetValue<long>(),
            quoted["estimatedTotal"]!.GetValue<long>()));
        var changed = await api.PostJson($"/api/v1/subscriptions/{id}/change-plan", new { newPlanId = "pro" }).Ok();
        var invoice = (await Invoices(t, id)).Single(i => i.Id == changed.Str("invoiceId"));
        Assert.Equal((8353L, 1671L, 6682L, InvoiceStatus.Paid), (invoice.Subtotal, invoice.DiscountAmount, invoice.Total, invoice.Status));
    }
}

public sealed class PromoCodeTests_Sqlite(SqliteServer server) : PromoCodeTests<SqliteServer>(server);

public sealed class PromoCodeTests_Postgres(PostgresServer server) : PromoCodeTests<PostgresServer>(server);
