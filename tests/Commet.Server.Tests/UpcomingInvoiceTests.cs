using System.Net;
using System.Text.Json.Nodes;
using Commet.Domain.Billing;
using Commet.Domain.Usage;
using Commet.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Commet.Server.Tests.Infrastructure.BillingApi;

namespace Commet.Server.Tests;

/// <summary>
/// The upcoming invoice (<c>GET /subscriptions/{id}/upcoming-invoice</c>) is the renewal invoice before it exists: asked
/// for just before the period end, it equals line by line and to the cent the invoice the engine then makes, and asking
/// for it writes nothing. Amounts worked out by hand.
/// </summary>
public abstract class UpcomingInvoiceTests<TServer>(TServer server) : IClassFixture<TServer>
    where TServer : ServerFixture
{
    private static async Task Feature(HttpClient api, string code, string type = "usage") =>
        await api.PostJson("/api/v1/features/manage", new { code, name = code.Replace('_', ' '), type }).Ok();

    private static async Task PlanWith(HttpClient api, string code, object plan, object price, params object[] features)
    {
        await api.PostJson("/api/v1/plans/manage", plan).Ok();
        await api.PostJson($"/api/v1/plans/{code}/prices", price).Ok();
        foreach (var f in features)
        {
            await api.PostJson($"/api/v1/plans/{code}/features", f).Ok();
        }
    }

    private static Task<ApiResponse> Track(HttpClient api, string customer, string feature, decimal value) =>
        api.PostJson("/api/v1/usage/events", new { customerId = customer, feature, value });

    /// <summary>Everything a preview must leave alone: rows, numbers, ledgers, seats, the subscription itself.</summary>
    private static async Task<string> Footprint(TestTenant t, string subscriptionId)
    {
        await using var db = t.Db();
        var invoices = await db.Invoices.CountAsync();
        var lines = await db.InvoiceLines.CountAsync();
        var next = await db.InvoiceSequences.Select(x => x.Next).SumAsync();
        var events = await db.Events.CountAsync();
        var ledger = await db.Ledger.CountAsync();
        var accounts = await db.ConsumptionAccounts.Where(a => a.SubscriptionId == subscriptionId).Select(a => a.PlanAmount + ":" + a.PurchasedAmount).ToListAsync();
        var seats = await db.SeatBalances.Where(b => b.SubscriptionId == subscriptionId).Select(b => b.Current + ":" + b.PaidThrough).ToListAsync();
        var s = await db.Subscriptions.AsNoTracking().SingleAsync(x => x.Id == subscriptionId);
        return $"{invoices} {lines} {next} {events} {ledger} [{string.Join(",", accounts)}] [{string.Join(",", seats)}] {s.Version} {s.PlanId} {s.Status} {s.CurrentPeriodEnd:O} {s.BasePrice} {s.ScheduledPlanId}";
    }

    /// <summary>
    /// Reads the upcoming invoice (checking it wrote nothing), runs the engine to <paramref name="renewsAt"/>, and
    /// checks that the renewal invoice it made is the same, line by line; answers the upcoming invoice.
    /// </summary>
    private static async Task<JsonNode> UpcomingEqualsRenewal(TestTenant t, string id, DateTime renewsAt)
    {
        var api = t.Api;
        var before = await Footprint(t, id);
        var upcoming = await api.GetJson($"/api/v1/subscriptions/{id}/upcoming-invoice").Ok();
        var again = await api.GetJson($"/api/v1/subscriptions/{id}/upcoming-invoice").Ok();
        Assert.Equal(before, await Footprint(t, id));
        Assert.Equal(upcoming.ToJsonString(), again.ToJsonString());
        Assert.Equal(("draft", "recurring", "invoice"), (upcoming.Str("status"), upcoming.Str("invoiceType"), upcoming.Str("object")));
        Assert.Null(upcoming["invoiceNumber"]);
        Assert.Null(upcoming["id"]);

        await api.RunUntil(renewsAt);

        await using var db = t.Db();
        var renewal = await db.Invoices.Include(i => i.Lines).SingleAsync(i => i.SubscriptionId == id && i.Type == InvoiceTypes.Recurring && i.IssueDate == renewsAt);
        var expected = renewal.Lines.OrderBy(l => l.Position).Select(l => (l.LineType, l.Description, l.Quantity, l.Amount)).ToList();
        var actual = upcoming["lineItems"]!.AsArray().Select(l => (l!.Str("lineType"), l!.Str("description"), l!["quantity"]!.GetValue<decimal>(), l!["amount"]!.GetValue<long>())).ToList();
        Assert.Equal(expected, actual);
        Assert.Equal((renewal.Subtotal, renewal.Total, renewal.Currency, renewal.PlanName),
            (upcoming["subtotal"]!.GetValue<long>(), upcoming["total"]!.GetValue<long>(), upcoming.Str("currency"), upcoming.Str("planName")));
        Assert.Equal((renewal.PeriodStart, renewal.PeriodEnd, renewal.IssueDate), (upcoming.Date("periodStart"), upcoming.Date("periodEnd"), upcoming.Date("issueDate")));
        Assert.Equal(renewal.CustomerId, upcoming.Str("customerId"));
        return upcoming;
    }

    [Fact]
    public async Task MeteredOverage_AndAnAddon_Upcoming34Dollars_IsTheRenewal()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Utc(2027, 4, 4));
        await Feature(api, "api_calls");
        await Feature(api, "extra_storage", "boolean");
        await PlanWith(api, "metered", new { code = "metered", name = "Metered" }, new { billingInterval = "monthly", price = 2500 },
            new { featureId = "api_calls", includedAmount = 10000, overage = new { enabled = true, unitPrice = 20 } });
        var addon = await api.PostJson("/api/v1/addons", new { name = "Extra storage", featureId = "extra_storage", basePrice = 500, consumptionModel = "boolean" }).Ok();
        await api.Customer("met");
        var id = (await api.Subscribe("met", "metered")).Str("id");
        await api.SetClock(Utc(2027, 4, 20));
        await api.PostJson($"/api/v1/subscriptions/{id}/addons", new { addonId = addon.Str("id") }).Ok();
        await Track(api, "met", "api_calls", 12000).Ok(HttpStatusCode.Created);

        var upcoming = await UpcomingEqualsRenewal(t, id, Utc(2027, 5, 4));

        // $25.00 plan + (12,000 − 10,000) × $0.002 = $4.00 overage + $5.00 add-on = $34.00.
        Assert.Equal(3400, upcoming["total"]!.GetValue<long>());
        Assert.Equal([(LineTypes.PlanBase, 2500L), (LineTypes.FeatureOverage, 400L), (LineTypes.AddonBase, 500L)],
            upcoming["lineItems"]!.AsArray().Select(l => (l!.Str("lineType"), l!["amount"]!.GetValue<long>())));
        Assert.Equal("Metered (May 4, 2027 – Jun 4, 2027)", upcoming["lineItems"]![0]!.Str("description"));
    }

    [Fact]
    public async Task Seats_TwoBeyondTheIncluded_UpcomingIsTheRenewal()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Utc(2027, 4, 1));
        await Feature(api, "members", "seats");
        await PlanWith(api, "team", new { code = "team", name = "Team" }, new { billingInterval = "monthly", price = 4900 },
            new { featureId = "members", includedAmount = 1, overage = new { enabled = true, unitPrice = 100000 } });
        await api.Customer("sea");
        var id = (await api.PostJson("/api/v1/subscriptions", new { customerId = "sea", planCode = "team", initialSeats = new { members = 4 } }).Ok()).Str("id");
        await api.SetClock(Utc(2027, 4, 16));
        // Removing a seat takes effect for billing at the period end: 3 seats, not 4, are billed for May.
        await api.Send(HttpMethod.Delete, "/api/v1/seats", new { customerId = "sea", featureCode = "members", count = 1 }).Ok();

        var upcoming = await UpcomingEqualsRenewal(t, id, Utc(2027, 5, 1));

        // 3 seats, 1 included, $10.00 a seat: 2 × 1000 = 2000 in advance, on top of 4900.
        Assert.Equal(6900, upcoming["total"]!.GetValue<long>());
        var seats = upcoming["lineItems"]!.AsArray().Single(l => l!.Str("lineType") == LineTypes.FeatureSeats)!;
        Assert.Equal((2000L, 2m), (seats["amount"]!.GetValue<long>(), seats["quantity"]!.GetValue<decimal>()));
    }

    [Fact]
    public async Task BalanceOverspend_UpcomingIsTheRenewal_AndThePreviewLeavesTheLedgerAlone()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Utc(2027, 4, 1));
        await Feature(api, "calls");
        await PlanWith(api, "payg", new { code = "payg", name = "Pay as you go", consumptionModel = "balance", blockOnExhaustion = false },
            new { billingInterval = "monthly", price = 1000, includedBalance = 50000 },
            new { featureId = "calls", overage = new { enabled = true, unitPrice = 100 } });
        await api.Customer("bal");
        var id = (await api.Subscribe("bal", "payg")).Str("id");
        await Track(api, "bal", "calls", 820).Ok();

        var upcoming = await UpcomingEqualsRenewal(t, id, Utc(2027, 5, 1));

        // $5.00 included; 820 calls at $0.01 = $8.20: $3.20 beyond the balance, on top of $10.00.
        Assert.Equal(1320, upcoming["total"]!.GetValue<long>());
        Assert.Equal(320, upcoming["lineItems"]!.AsArray().Single(l => l!.Str("lineType") == LineTypes.BalanceOverage)!["amount"]!.GetValue<long>());
        // The renewal (not the preview) billed the overspend: one overage_billed entry, and May starts at the $5.00 allowance.
        await using var db = t.Db();
        Assert.Equal(1, await db.Ledger.CountAsync(l => l.SubscriptionId == id && l.Reason == "overage_billed"));
        var account = await db.ConsumptionAccounts.SingleAsync(a => a.SubscriptionId == id && a.Kind == AccountKinds.Balance);
        Assert.Equal((50000L, 0L), (account.PlanAmount, account.PurchasedAmount));
    }

    [Fact]
    public async Task ScheduledDowngrade_UpcomingIsOnTheNewPlan_AndIsTheRenewal()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Utc(2027, 4, 1));
        var group = await api.Group();
        await api.Plan("starter", 2900, group, sortOrder: 0);
        await api.Plan("pro", 9900, group, sortOrder: 1);
        await api.Customer("dov");
        var id = (await api.Subscribe("dov", "pro")).Str("id");
        await api.SetClock(Utc(2027, 4, 11));
        await api.PostJson($"/api/v1/subscriptions/{id}/change-plan", new { newPlanId = "starter" }).Ok();

        var upcoming = await UpcomingEqualsRenewal(t, id, Utc(2027, 5, 1));

        // Starter's $29.00 from May 1, not Pro's $99.00.
        Assert.Equal((2900L, "Starter"), (upcoming["total"]!.GetValue<long>(), upcoming.Str("planName")));
        Assert.Equal("Starter", (await api.Subscription(id))["plan"]!.Str("name"));
    }

    [Fact]
    public async Task ScheduledMoveFromMonthlyToYearly_UpcomingIsTheYear_AndIsTheRenewal()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Utc(2027, 4, 1));
        var group = await api.Group();
        await api.Plan("starter", 29000, group, sortOrder: 0, interval: "yearly");
        await api.Plan("pro", 9900, group, sortOrder: 1);
        await api.Customer("yea");
        var id = (await api.Subscribe("yea", "pro")).Str("id");
        await api.SetClock(Utc(2027, 4, 11));
        var change = await api.PostJson($"/api/v1/subscriptions/{id}/change-plan", new { newPlanId = "starter", newBillingInterval = "yearly" }).Ok();
        Assert.True(change["scheduled"]!.GetValue<bool>());

        var upcoming = await UpcomingEqualsRenewal(t, id, Utc(2027, 5, 1));

        // A year of Starter, $290.00, from May 1, 2027 to May 1, 2028.
        Assert.Equal(29000, upcoming["total"]!.GetValue<long>());
        Assert.Equal((Utc(2027, 5, 1), Utc(2028, 5, 1)), (upcoming.Date("periodStart"), upcoming.Date("periodEnd")));
        Assert.Equal("yearly", (await api.Subscription(id)).Str("billingInterval"));
    }

    [Fact]
    public async Task Trial_UpcomingIsTheFirstInvoiceAtTheTrialEnd()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Utc(2027, 4, 1));
        await api.Plan("trial", 2900, trialDays: 14);
        await api.Customer("tri");
        var sub = await api.Subscribe("tri", "trial");
        Assert.Equal("trialing", sub.Str("status"));

        var upcoming = await UpcomingEqualsRenewal(t, sub.Str("id"), Utc(2027, 4, 15));

        // The whole first month after 14 days of trial: $29.00 for Apr 15 – May 15.
        Assert.Equal(2900, upcoming["total"]!.GetValue<long>());
        Assert.Equal((Utc(2027, 4, 15), Utc(2027, 5, 15)), (upcoming.Date("periodStart"), upcoming.Date("periodEnd")));
    }

    [Fact]
    public async Task NoUpcomingInvoice_WhenCanceledAtPeriodEnd_OnAFreePlan_OrUnknown()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Utc(2027, 4, 1));
        await api.Plan("basic", 4900);
        await api.PostJson("/api/v1/plans/manage", new { code = "free", name = "Free", isFree = true }).Ok();
        await api.Customer("can");
        await api.Customer("fre");
        var canceled = (await api.Subscribe("can", "basic")).Str("id");
        var free = (await api.Subscribe("fre", "free")).Str("id");
        Assert.Equal(4900, (await api.GetJson($"/api/v1/subscriptions/{canceled}/upcoming-invoice").Ok())["total"]!.GetValue<long>());
        await api.PostJson($"/api/v1/subscriptions/{canceled}/cancel", new { }).Ok();

        var afterCancel = await api.GetJson($"/api/v1/subscriptions/{canceled}/upcoming-invoice");
        var onFree = await api.GetJson($"/api/v1/subscriptions/{free}/upcoming-invoice");
        var unknown = await api.GetJson("/api/v1/subscriptions/sub_nope/upcoming-invoice");

        Assert.Equal((HttpStatusCode.NotFound, "no_upcoming_invoice"), (afterCancel.Status, afterCancel.ErrorCode));
        Assert.Equal((HttpStatusCode.NotFound, "no_upcoming_invoice"), (onFree.Status, onFree.ErrorCode));
        Assert.Equal((HttpStatusCode.NotFound, "subscription_not_found"), (unknown.Status, unknown.ErrorCode));
    }

    [Fact]
    public async Task PortalOverview_ShowsTheNextPaymentAmount_WithItsLines()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Utc(2027, 4, 4));
        await Feature(api, "api_calls");
        await Feature(api, "extra_storage", "boolean");
        await PlanWith(api, "metered", new { code = "metered", name = "Metered" }, new { billingInterval = "monthly", price = 2500 },
            new { featureId = "api_calls", includedAmount = 10000, overage = new { enabled = true, unitPrice = 20 } });
        var addon = await api.PostJson("/api/v1/addons", new { name = "Extra storage", featureId = "extra_storage", basePrice = 500, consumptionModel = "boolean" }).Ok();
        await api.Customer("por");
        var id = (await api.Subscribe("por", "metered")).Str("id");
        await api.PostJson($"/api/v1/subscriptions/{id}/addons", new { addonId = addon.Str("id") }).Ok();
        await Track(api, "por", "api_calls", 12000).Ok(HttpStatusCode.Created);
        using var portal = await PortalClient.OpenAsync(server, api, "por");
        var before = await Footprint(t, id);

        var overview = await portal.GetAsync("/portal");

        Assert.Equal(HttpStatusCode.OK, overview.Status);
        var text = WebUtility.HtmlDecode(overview.Html);
        // $25.00 + $4.00 overage + $5.00 add-on, on the renewal date.
        Assert.Contains("<summary>$34.00 on May 4, 2027</summary>", text, StringComparison.Ordinal);
        Assert.Contains("<td>Extra storage</td><td class=\"num\">$5.00</td>", text, StringComparison.Ordinal);
        // The line's label is rendered for the reader from the line's data (quantities grouped for the page's language).
        Assert.Contains("<td>api calls: 2,000 beyond the 10,000 included</td><td class=\"num\">$4.00</td>", text, StringComparison.Ordinal);
        Assert.Equal(before, await Footprint(t, id));
    }
}

public sealed class UpcomingInvoiceTests_Sqlite(SqliteServer server) : UpcomingInvoiceTests<SqliteServer>(server);

public sealed class UpcomingInvoiceTests_Postgres(PostgresServer server) : UpcomingInvoiceTests<PostgresServer>(server);
