using System.Net;
using System.Text.Json.Nodes;
using Commet.Domain.Billing;
using Commet.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Commet.Server.Tests.Infrastructure.BillingApi;

namespace Commet.Server.Tests;

/// <summary>
/// Add-ons that carry an allowance (a metered add-on's included units add to the plan's) and paid add-ons on free plans,
/// with the amounts worked out by hand. April 2027 has 30 days.
/// </summary>
public abstract class AddonAllowanceTests<TServer>(TServer server) : IClassFixture<TServer>
    where TServer : ServerFixture
{
    private static Task<ApiResponse> Track(HttpClient api, string customer, string feature, decimal value) =>
        api.PostJson("/api/v1/usage/events", new { customerId = customer, feature, value });

    private static Task<ApiResponse> Activate(HttpClient api, string subscriptionId, string addonId) =>
        api.PostJson($"/api/v1/subscriptions/{subscriptionId}/addons", new { addonId });

    /// <summary>A usage feature and a metered add-on "+50,000 API calls each month" at 10.00 a period.</summary>
    private static async Task<string> ApiCallsAndAddonAsync(HttpClient api, long includedUnits = 50_000, long basePrice = 1000)
    {
        await api.PostJson("/api/v1/features/manage", new { code = "api_calls", name = "API calls", type = "usage" }).Ok();
        var addon = await api.PostJson("/api/v1/addons", new
        {
            name = "More API calls", featureId = "api_calls", basePrice, consumptionModel = "metered", includedUnits,
        }).Ok();
        return addon.Str("id");
    }

    private static async Task MeteredPlanAsync(HttpClient api, string code, long price, long included, string? group = null, int sortOrder = 0)
    {
        await api.Plan(code, price, group, sortOrder);
        await api.PostJson($"/api/v1/plans/{code}/features", new { featureId = "api_calls", includedAmount = included, overage = new { enabled = true, unitPrice = 20 } }).Ok();
    }

    private static JsonNode UsageOf(JsonNode subscription, string code) =>
        subscription["features"]!.AsArray().Single(f => f!.Str("code") == code)!["usage"]!;

    private static decimal Dec(JsonNode node, string name) => node[name]!.GetValue<decimal>();

    [Fact]
    public async Task MeteredAddon_AddsToThePlanAllowance_InTheReadOuts_AndTheRenewalBillsOnlyTheExcess()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Utc(2027, 4, 1));
        var addon = await ApiCallsAndAddonAsync(api);
        // 100,000 included, then 20 on the 10,000 scale (0.002) per call.
        await MeteredPlanAsync(api, "pro", 4900, 100_000);
        await api.Customer("within");
        await api.Customer("beyond");
        var within = (await api.Subscribe("within", "pro")).Str("id");
        var beyond = (await api.Subscribe("beyond", "pro")).Str("id");

        await api.SetClock(Utc(2027, 4, 11));
        foreach (var id in new[] { within, beyond })
        {
            var activated = await Activate(api, id, addon).Ok();
            // 10.00 × 20 of 30 days left = 6.666… → 6.67.
            Assert.Equal(667, activated["proratedCharge"]!.GetValue<long>());
        }
        await Track(api, "within", "api_calls", 120_000).Ok(HttpStatusCode.Created);
        await Track(api, "beyond", "api_calls", 170_000).Ok(HttpStatusCode.Created);

        // Read-outs: 100,000 + 50,000 = 150,000 included.
        var usage = UsageOf(await api.Subscription(within), "api_calls");
        Assert.Equal((120_000m, 150_000m, 0m), (Dec(usage, "current"), Dec(usage, "included"), Dec(usage, "overageQuantity")));
        var access = await api.GetJson("/api/v1/feature-access/api_calls?customerId=within").Ok();
        Assert.Equal((150_000m, 30_000m, 0m), (Dec(access, "included"), Dec(access, "remaining"), Dec(access, "overageQuantity")));
        var check = await api.PostJson("/api/v1/usage/check", new { customerId = "within", featureCode = "api_calls", quantity = 1 }).Ok();
        Assert.Equal((150_000m, 30_000m), (Dec(check, "included"), Dec(check, "remaining")));
        var over = UsageOf(await api.Subscription(beyond), "api_calls");
        // 170,000 − 150,000 = 20,000 over.
        Assert.Equal((170_000m, 150_000m, 20_000m), (Dec(over, "current"), Dec(over, "included"), Dec(over, "overageQuantity")));

        await api.RunUntil(Utc(2027, 5, 1));

        await using var db = t.Db();
        var renewals = await db.Invoices.Include(i => i.Lines).Where(i => i.Type == InvoiceTypes.Recurring && i.PeriodStart == Utc(2027, 5, 1)).ToListAsync();
        var inside = renewals.Single(i => i.SubscriptionId == within);
        // Within the allowance: base 49.00 + add-on 10.00, no overage line.
        Assert.DoesNotContain(inside.Lines, l => l.LineType == LineTypes.FeatureOverage);
        Assert.Equal(4900 + 1000, inside.Total);
        var outside = renewals.Single(i => i.SubscriptionId == beyond);
        var overage = outside.Lines.Single(l => l.LineType == LineTypes.FeatureOverage);
        // 20,000 × 20 / 10,000 = 40.00.
        Assert.Equal((4000L, 20_000m, 150_000m, 170_000m), (overage.Amount, overage.OverageAmount!.Value, overage.IncludedAmount!.Value, overage.UsedAmount!.Value));
        Assert.Equal(4900 + 4000 + 1000, outside.Total);
        Assert.Equal(InvoiceStatus.Paid, outside.Status);
    }

    [Fact]
    public async Task AddonDeactivatedMidMonth_StillCountsForThatMonth_NotTheNext()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Utc(2027, 4, 1));
        var addon = await ApiCallsAndAddonAsync(api);
        await MeteredPlanAsync(api, "pro", 4900, 100_000);
        await api.Customer("ann");
        var id = (await api.Subscribe("ann", "pro")).Str("id");
        await Activate(api, id, addon).Ok();
        await Track(api, "ann", "api_calls", 140_000).Ok(HttpStatusCode.Created);
        await api.SetClock(Utc(2027, 4, 20));
        await api.Delete($"/api/v1/subscriptions/{id}/addons/{addon}").Ok();

        // Paid for April in advance: its 50,000 still count until the month ends.
        var access = await api.GetJson("/api/v1/feature-access/api_calls?customerId=ann").Ok();
        Assert.Equal((150_000m, 10_000m), (Dec(access, "included"), Dec(access, "remaining")));
        await api.RunUntil(Utc(2027, 5, 1));
        var may = await api.GetJson("/api/v1/feature-access/api_calls?customerId=ann").Ok();

        await using var db = t.Db();
        var renewal = await db.Invoices.Include(i => i.Lines).SingleAsync(i => i.SubscriptionId == id && i.PeriodStart == Utc(2027, 5, 1));
        // 140,000 within April's 150,000: no overage; the add-on is no longer billed. 49.00.
        Assert.DoesNotContain(renewal.Lines, l => l.LineType is LineTypes.FeatureOverage or LineTypes.AddonBase);
        Assert.Equal(4900, renewal.Total);
        Assert.Equal(100_000m, Dec(may, "included"));
    }

    [Fact]
    public async Task FreePlan_StopsAtPlanPlusAddonAllowance()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Utc(2027, 4, 1));
        var addon = await ApiCallsAndAddonAsync(api, includedUnits: 50, basePrice: 0);
        await api.PostJson("/api/v1/plans/manage", new { code = "free", name = "Free", isFree = true }).Ok();
        await api.PostJson("/api/v1/plans/free/features", new { featureId = "api_calls", includedAmount = 100 }).Ok();
        await api.Customer("fre", card: null);
        var id = (await api.Subscribe("fre", "free")).Str("id");
        await Track(api, "fre", "api_calls", 100).Ok(HttpStatusCode.Created);
        var refused = await Track(api, "fre", "api_calls", 1);
        Assert.Equal("included_limit_reached", refused.ErrorCode);

        // A free add-on needs no card; 100 + 50 = 150 included from now.
        var activated = await Activate(api, id, addon).Ok();
        Assert.Equal(0, activated["proratedCharge"]!.GetValue<long>());
        var allowed = await api.PostJson("/api/v1/usage/check", new { customerId = "fre", featureCode = "api_calls", quantity = 50 }).Ok();
        var tooMuch = await api.PostJson("/api/v1/usage/check", new { customerId = "fre", featureCode = "api_calls", quantity = 51 }).Ok();
        Assert.Equal((true, 150m, 50m), (allowed["allowed"]!.GetValue<bool>(), Dec(allowed, "included"), Dec(allowed, "remaining")));
        Assert.False(tooMuch["allowed"]!.GetValue<bool>());
        await Track(api, "fre", "api_calls", 50).Ok(HttpStatusCode.Created);
        var stopped = await Track(api, "fre", "api_calls", 1);
        Assert.Equal((HttpStatusCode.Forbidden, "included_limit_reached"), (stopped.Status, stopped.ErrorCode));
        Assert.Equal(150, stopped.Body!["error"]!["details"]!["included"]!.GetValue<long>());
    }

    [Fact]
    public async Task PaidAddon_OnAFreePlan_NeedsACard_ChargesProRata_AndRenewsMonthly()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Utc(2027, 4, 1));
        var addon = await ApiCallsAndAddonAsync(api, includedUnits: 50, basePrice: 1000);
        await api.PostJson("/api/v1/plans/manage", new { code = "free", name = "Free", isFree = true }).Ok();
        await api.PostJson("/api/v1/plans/free/features", new { featureId = "api_calls", includedAmount = 100 }).Ok();
        var customer = await api.Customer("fre", card: null);
        var id = (await api.Subscribe("fre", "free")).Str("id");
        await api.SetClock(Utc(2027, 4, 11));

        var noCard = await Activate(api, id, addon);
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "no_payment_method"), (noCard.Status, noCard.ErrorCode));
        await api.Card(customer, "4242424242424242");
        var activated = await Activate(api, id, addon).Ok();
        // The free plan's monthly cycle runs April 1 → May 1: 10.00 × 20 of 30 days = 6.67.
        Assert.Equal(667, activated["proratedCharge"]!.GetValue<long>());

        await api.RunUntil(Utc(2027, 5, 1));

        await using var db = t.Db();
        var invoices = await db.Invoices.Include(i => i.Lines).Where(i => i.SubscriptionId == id).OrderBy(i => i.IssueDate).ToListAsync();
        var activation = invoices.Single(i => i.Type == InvoiceTypes.AddonActivation);
        Assert.Equal((667L, InvoiceStatus.Paid), (activation.Total, activation.Status));
        // May: the add-on's full 10.00 for the month; the free plan itself costs nothing.
        var may = invoices.Single(i => i.Type == InvoiceTypes.Recurring);
        Assert.Equal((1000L, InvoiceStatus.Paid, Utc(2027, 5, 1)), (may.Total, may.Status, may.PeriodStart));
        Assert.Equal(1000, may.Lines.Single(l => l.LineType == LineTypes.AddonBase).Amount);
        Assert.Equal("active", (await api.Subscription(id)).Str("status"));
    }

    [Fact]
    public async Task PaidAddon_OnAFreePlan_InThePortal_ShowsTheProratedPrice_AsksForACard_ThenCharges()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Utc(2027, 4, 1));
        var addon = await ApiCallsAndAddonAsync(api, includedUnits: 50, basePrice: 1000);
        await api.PostJson("/api/v1/plans/manage", new { code = "free", name = "Free", isFree = true }).Ok();
        await api.PostJson("/api/v1/plans/free/features", new { featureId = "api_calls", includedAmount = 100 }).Ok();
        await api.Customer("ann", card: null);
        var id = (await api.Subscribe("ann", "free")).Str("id");
        await api.SetClock(Utc(2027, 4, 11));

        using var ann = await PortalClient.OpenAsync(server, api, "ann");
        var confirm = await ann.GetAsync($"/portal/purchases/confirm?kind=addon&id={addon}");
        // 10.00 × 20 of 30 days = 6.67, never "at no charge".
        Assert.Contains("Due now: $6.67", confirm.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("no charge", confirm.Html, StringComparison.Ordinal);
        var first = await ann.ConfirmAsync($"/portal/purchases/confirm?kind=addon&id={addon}", "/portal/purchases/confirm");
        Assert.Equal(HttpStatusCode.Found, first.Status);
        Assert.StartsWith("/portal/card/", first.Location, StringComparison.Ordinal);
        Assert.Empty((await api.GetJson("/api/v1/active-addons?customerId=ann").Ok()).AsArray());
        var cardPage = await ann.GetAsync(first.Location!);
        var bought = await ann.PostAsync(first.Location!, new Dictionary<string, string?> { ["cardNumber"] = "4242 4242 4242 4242", ["expiry"] = "12/29", ["cvc"] = "123" }, PortalClient.Token(cardPage.Html));
        Assert.Equal("/portal/purchases?m=addon_on", bought.Location);

        await using var db = t.Db();
        var invoice = await db.Invoices.SingleAsync(i => i.SubscriptionId == id && i.Type == InvoiceTypes.AddonActivation);
        Assert.Equal((667L, InvoiceStatus.Paid), (invoice.Total, invoice.Status));
        var usage = await ann.GetAsync("/portal/usage");
        // 100 + 50 included.
        Assert.Contains("0 of 150", usage.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upgrade_WithAnActiveAddon_PreviewEqualsTheInvoice_AndBillsTheAddonAsTheRenewalWould()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Utc(2027, 4, 1));
        var addon = await ApiCallsAndAddonAsync(api);
        var group = await api.Group();
        await MeteredPlanAsync(api, "basic", 1900, 100_000, group, 1);
        await MeteredPlanAsync(api, "pro", 4900, 200_000, group, 2);
        await api.Customer("ann");
        var id = (await api.Subscribe("ann", "basic")).Str("id");
        // Activated on day one: 10.00 × 30 of 30 days = 10.00, paid through May 1.
        Assert.Equal(1000, (await Activate(api, id, addon).Ok())["proratedCharge"]!.GetValue<long>());
        await api.SetClock(Utc(2027, 4, 11));

        var preview = await api.PostJson($"/api/v1/subscriptions/{id}/preview-change", new { planId = "pro" }).Ok();
        var changed = await api.PostJson($"/api/v1/subscriptions/{id}/change-plan", new { newPlanId = "pro" }).Ok();

        // 20 of 30 days unused. Plan: 49.00 − round(19.00 × 20 / 30 = 12.666…) 12.67 = 36.33.
        // Add-on, as the renewal bills it: 10.00 for the new period − round(10.00 × 20 / 30) 6.67 unused = 3.33. Total 39.66.
        Assert.Equal((1267L + 667L, 4900L + 1000L, 3966L), (preview["currentPlanCredit"]!.GetValue<long>(), preview["newPlanCharge"]!.GetValue<long>(), preview["estimatedTotal"]!.GetValue<long>()));
        await using var db = t.Db();
        var invoice = await db.Invoices.Include(i => i.Lines).SingleAsync(i => i.Id == changed.Str("invoiceId"));
        Assert.Equal(InvoiceTypes.PlanChange, invoice.Type);
        Assert.Equal(preview["estimatedTotal"]!.GetValue<long>(), invoice.Total);
        Assert.Equal([(LineTypes.PlanBase, 4900L), (LineTypes.Credit, -1267L), (LineTypes.AddonBase, 1000L), (LineTypes.Credit, -667L)],
            invoice.Lines.OrderBy(l => l.Position).Select(l => (l.LineType, l.Amount)).ToList());
    }
}

public sealed class AddonAllowanceTests_Sqlite(SqliteServer server) : AddonAllowanceTests<SqliteServer>(server);

public sealed class AddonAllowanceTests_Postgres(PostgresServer server) : AddonAllowanceTests<PostgresServer>(server);
