using System.Net;
using System.Text.Json.Nodes;
using Commet.Domain.Billing;
using Commet.Server.Tests.Events;
using Commet.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Commet.Server.Tests.Infrastructure.BillingApi;

namespace Commet.Server.Tests;

/// <summary>
/// Quota features through the API (<c>/usage/quota</c>): set, add, remove, get and all; the units beyond the included
/// ones billed in advance at renewal plus the pro rata true-up of a raise; quota.threshold_reached and quota.exceeded
/// once per period; feature access and the portal's usage page. Amounts worked out by hand.
/// </summary>
public abstract class QuotaTests<TServer>(TServer server) : IClassFixture<TServer>
    where TServer : ServerFixture
{
    private static async Task QuotaPlan(HttpClient api, long included, object? overage)
    {
        await api.PostJson("/api/v1/features/manage", new { code = "projects", name = "Projects", type = "quota" }).Ok();
        await api.PostJson("/api/v1/plans/manage", new { code = "studio", name = "Studio" }).Ok();
        await api.PostJson("/api/v1/plans/studio/prices", new { billingInterval = "monthly", price = 4900 }).Ok();
        await api.PostJson("/api/v1/plans/studio/features", new { featureId = "projects", includedAmount = included, overage }).Ok();
    }

    private static Task<ApiResponse> Add(HttpClient api, long? count, string? key = null) =>
        api.PostJson("/api/v1/usage/quota", new { customerId = "qa", featureCode = "projects", count, idempotencyKey = key });

    private static async Task<List<(string Type, JsonObject Data)>> EventsAsync(TestTenant t)
    {
        await using var db = t.Db();
        var rows = await db.Events.AsNoTracking().OrderBy(e => e.CreatedAt).ThenBy(e => e.Id).Select(e => new { e.Type, e.DataJson }).ToListAsync();
        return rows.Select(r => (r.Type, JsonNode.Parse(r.DataJson)!.AsObject())).ToList();
    }

    [Fact]
    public async Task Quota_SetAddRemove_BillsTheRaiseProRataAtRenewal_AndTheExtraUnitsInAdvance()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Utc(2027, 4, 1));
        // 10 projects included, $2.00 a project beyond them per month (rate scale: 20000 = 2.00).
        await QuotaPlan(api, 10, new { enabled = true, unitPrice = 20000 });
        var plan = await api.GetJson("/api/v1/plans/studio").Ok();
        Assert.Contains(plan["features"]!.AsArray(), f => f!["code"]!.GetValue<string>() == "projects" && f["type"]!.GetValue<string>() == "quota");
        await api.Customer("qa");
        var id = (await api.Subscribe("qa", "studio")).Str("id");

        var set = await api.PutJson("/api/v1/usage/quota", new { customerId = "qa", featureCode = "projects", count = 7 }).Ok();
        Assert.Equal((0L, 7L, "usage_quota"), (set["previousBalance"]!.GetValue<long>(), set["newBalance"]!.GetValue<long>(), set.Str("object")));
        // count defaults to 1: 7 → 8 reaches 80 % of the 10 included (threshold_reached).
        var one = await Add(api, null, key: "raise-1").Ok();
        var again = await Add(api, null, key: "raise-1").Ok();
        Assert.Equal((8L, one.Str("id")), (again["newBalance"]!.GetValue<long>(), again.Str("id")));

        await api.SetClock(Utc(2027, 4, 16));
        // 8 → 12 passes the 10 included (exceeded). What April paid for covers 10 (the included ones): 2 new units,
        // 2 × $2.00 = 400 cents for the month, × 15 of 30 days left = 200 cents, billed as the true-up at renewal.
        await Add(api, 4).Ok();
        // Lowering refunds nothing and raising again up to 12 within April costs nothing more.
        await api.Send(HttpMethod.Delete, "/api/v1/usage/quota", new { customerId = "qa", featureCode = "projects", count = 3 }).Ok();
        await Add(api, 2).Ok();
        var tooMany = await api.Send(HttpMethod.Delete, "/api/v1/usage/quota", new { customerId = "qa", featureCode = "projects", count = 50 });
        Assert.Equal((HttpStatusCode.BadRequest, "insufficient_balance"), (tooMany.Status, tooMany.ErrorCode));

        var quota = await api.GetJson("/api/v1/usage/quota?customerId=qa&featureCode=projects").Ok();
        // 11 in use, 10 included, 12 − 10 = 2 billed for April (the highest the month reached beyond the included).
        Assert.Equal((11L, 10L, 0L, 2L), (quota["current"]!.GetValue<long>(), quota["included"]!.GetValue<long>(),
            quota["remaining"]!.GetValue<long>(), quota["billedQuantity"]!.GetValue<long>()));
        Assert.True(quota["overageEnabled"]!.GetValue<bool>());
        var all = (await api.GetJson("/api/v1/usage/quota/all?customerId=qa").Ok()).AsArray();
        Assert.Equal("projects", Assert.Single(all)!.Str("featureCode"));
        var access = await api.GetJson("/api/v1/feature-access/projects?customerId=qa").Ok();
        Assert.Equal((true, 11m, 10m, 1m, 2m), (access["allowed"]!.GetValue<bool>(), access["current"]!.GetValue<decimal>(),
            access["included"]!.GetValue<decimal>(), access["overageQuantity"]!.GetValue<decimal>(), access["billedQuantity"]!.GetValue<decimal>()));
        await using (var db = t.Db())
        {
            // Nothing is charged mid-period: only the first invoice (4900) exists.
            Assert.Equal([4900L], await db.Invoices.Where(i => i.SubscriptionId == id).Select(i => i.Total).ToListAsync());
        }

        using (var portal = await PortalClient.OpenAsync(server, api, "qa"))
        {
            var usage = await portal.GetAsync("/portal/usage");
            Assert.Contains("11 of 10 projects in use", usage.Html, StringComparison.Ordinal);
        }

        // The upcoming invoice shows the same 5300 (below) before the renewal, and asking twice changes nothing.
        var upcoming = await api.GetJson($"/api/v1/subscriptions/{id}/upcoming-invoice").Ok();
        var upcomingAgain = await api.GetJson($"/api/v1/subscriptions/{id}/upcoming-invoice").Ok();
        Assert.Equal((5300L, 5300L), (upcoming["total"]!.GetValue<long>(), upcomingAgain["total"]!.GetValue<long>()));

        await api.RunUntil(Utc(2027, 5, 1));

        await using (var db = t.Db())
        {
            var renewal = await db.Invoices.Include(i => i.Lines).SingleAsync(i => i.SubscriptionId == id && i.PeriodStart == Utc(2027, 5, 1));
            var quotaLines = renewal.Lines.Where(l => l.LineType == LineTypes.FeatureQuota).OrderBy(l => l.ChargeType).ToList();
            // advance: 11 − 10 = 1 unit × $2.00 = 200 for May; true_up: 200 for April's raise (above).
            Assert.Equal([("advance", 1m, 200L), ("true_up", 2m, 200L)], quotaLines.Select(l => (l.ChargeType, l.Quantity, l.Amount)));
            // 4900 + 200 + 200 = 5300.
            Assert.Equal(5300, renewal.Total);
        }

        var events = await EventsAsync(t);
        var threshold = Assert.Single(events, e => e.Type == "quota.threshold_reached").Data;
        var exceeded = Assert.Single(events, e => e.Type == "quota.exceeded").Data;
        Assert.Equal(("qa", id, "projects", 8L, 10L), (threshold.Str("customerId"), threshold.Str("subscriptionId"), threshold.Str("featureCode"),
            threshold["currentUsage"]!.GetValue<long>(), threshold["includedAmount"]!.GetValue<long>()));
        Assert.Equal((12L, true, "2027-04-01T00:00:00.000Z"), (exceeded["currentUsage"]!.GetValue<long>(), exceeded["overageEnabled"]!.GetValue<bool>(),
            exceeded["periodStart"]!.ToJsonString().Trim('"')));
        Assert.Empty(SdkShapes.Problems(events.Where(e => e.Type.StartsWith("quota.", StringComparison.Ordinal))));

        // May starts billed for 11; raising to 12 on 1 May costs 1 × $2.00 × 31/31 = 200 at the June renewal.
        await Add(api, 1).Ok();
        await api.RunUntil(Utc(2027, 6, 1));
        await using (var db = t.Db())
        {
            var june = await db.Invoices.Include(i => i.Lines).SingleAsync(i => i.SubscriptionId == id && i.PeriodStart == Utc(2027, 6, 1));
            // advance: 12 − 10 = 2 × 200 = 400; true-up 200; 4900 + 400 + 200 = 5500.
            Assert.Equal(5500, june.Total);
        }
    }

    [Fact]
    public async Task Quota_InABrlSubscription_IsBilledInBrl_TrueUpAndAdvance()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Utc(2027, 4, 1));
        // US$49.00 a month, 10 projects included, US$2.00 a project beyond them (rate scale: 20000 = 2.00); sold in BRL
        // at 5.25: R$257.25 a month (4900 × 5.25 = 25725) and R$10.50 a project (20000 × 5.25 = 105000).
        await QuotaPlan(api, 10, new { enabled = true, unitPrice = 20000 });
        await api.PutJson("/api/v1/plans/studio/regional", new { currency = "brl", exchangeRate = 5.25m }).Ok();
        await api.PostJson("/api/v1/customers", new
        {
            id = "qa", email = "qa@example.com", fullName = "Ana Souza",
            address = new { line1 = "Rua Augusta 100", city = "São Paulo", postalCode = "01305-000", country = "BR" },
        }).Ok();
        await api.Card("qa", BillingSetup.GoodCard);
        var subscription = await api.Subscribe("qa", "studio");
        var id = subscription.Str("id");

        await api.PutJson("/api/v1/usage/quota", new { customerId = "qa", featureCode = "projects", count = 8 }).Ok();
        await api.SetClock(Utc(2027, 4, 16));
        // 8 → 12: 2 units past the 10 April paid for, 2 × R$10.50 = 2100 for the month, × 15 of 30 days left = 1050.
        await Add(api, 4).Ok();
        await api.RunUntil(Utc(2027, 5, 1));

        await using var db = t.Db();
        var renewal = await db.Invoices.Include(i => i.Lines).SingleAsync(i => i.SubscriptionId == id && i.PeriodStart == Utc(2027, 5, 1));
        Assert.Equal("BRL", renewal.Currency);
        var quotaLines = renewal.Lines.Where(l => l.LineType == LineTypes.FeatureQuota).OrderBy(l => l.ChargeType).ToList();
        // advance: 12 − 10 = 2 units × R$10.50 = 2100 for May; true_up: 1050 for April's raise.
        Assert.Equal([("advance", 2m, 2100L), ("true_up", 2m, 1050L)], quotaLines.Select(l => (l.ChargeType, l.Quantity, l.Amount)));
        // 25725 + 2100 + 1050 = 28875.
        Assert.Equal(28875, renewal.Total);
    }

    [Fact]
    public async Task Quota_WithoutOverage_StopsAtTheIncluded_ExceededOncePerPeriod()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Utc(2027, 4, 1));
        await QuotaPlan(api, 5, null);
        await api.Customer("qa");
        var id = (await api.Subscribe("qa", "studio")).Str("id");

        // 80 % of 5 is 4: set 4 reaches the threshold; 5 reaches the limit (exceeded, overage off); 6 is refused.
        await api.PutJson("/api/v1/usage/quota", new { customerId = "qa", featureCode = "projects", count = 4 }).Ok();
        await Add(api, 1).Ok();
        var refused = await Add(api, 1);
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "quota_exceeded"), (refused.Status, refused.ErrorCode));
        var access = await api.GetJson("/api/v1/feature-access/projects?customerId=qa").Ok();
        Assert.Equal((false, "quota_exceeded"), (access["allowed"]!.GetValue<bool>(), access.Str("reason")));
        var check = await api.PostJson("/api/v1/usage/check", new { customerId = "qa", featureCode = "projects", quantity = 1 }).Ok();
        Assert.Equal((false, 5m, "quota_exceeded"), (check["allowed"]!.GetValue<bool>(), check["current"]!.GetValue<decimal>(), check.Str("reason")));
        // Down and up again within April: no second event.
        await api.PutJson("/api/v1/usage/quota", new { customerId = "qa", featureCode = "projects", count = 1 }).Ok();
        await api.PutJson("/api/v1/usage/quota", new { customerId = "qa", featureCode = "projects", count = 5 }).Ok();
        var set = await api.PutJson("/api/v1/usage/quota", new { customerId = "qa", featureCode = "projects", count = -1 });
        Assert.Equal(["count"], set.ErrorFields);

        await api.RunUntil(Utc(2027, 5, 1));
        await api.PutJson("/api/v1/usage/quota", new { customerId = "qa", featureCode = "projects", count = 1 }).Ok();
        await api.PutJson("/api/v1/usage/quota", new { customerId = "qa", featureCode = "projects", count = 5 }).Ok();

        var events = await EventsAsync(t);
        var exceeded = events.Where(e => e.Type == "quota.exceeded").Select(e => e.Data).ToList();
        // Once in April, once in May.
        Assert.Equal([("2027-04-01T00:00:00.000Z", false), ("2027-05-01T00:00:00.000Z", false)],
            exceeded.Select(d => (d["periodStart"]!.ToJsonString().Trim('"'), d["overageEnabled"]!.GetValue<bool>())));
        Assert.Equal(2, events.Count(e => e.Type == "quota.threshold_reached"));
        Assert.Contains(events, e => e.Type == "customer.state_changed" && e.Data.Str("trigger") == "quota_exceeded");
        await using var db = t.Db();
        // No overage: the renewal bills the base price only.
        Assert.Equal([4900L, 4900L], await db.Invoices.Where(i => i.SubscriptionId == id).OrderBy(i => i.PeriodStart).Select(i => i.Total).ToListAsync());
    }

    [Fact]
    public async Task Quota_Errors_AreCoded()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await QuotaPlan(api, 5, null);
        await api.PostJson("/api/v1/features/manage", new { code = "members", name = "Members", type = "seats" }).Ok();
        await api.PostJson("/api/v1/plans/studio/features", new { featureId = "members", includedAmount = 1 }).Ok();
        await api.Customer("qa");
        await api.Subscribe("qa", "studio");

        var missing = await api.PostJson("/api/v1/usage/quota", new { featureCode = "projects", count = 0 });
        var seats = await api.PostJson("/api/v1/usage/quota", new { customerId = "qa", featureCode = "members" });
        var other = await api.GetJson("/api/v1/usage/quota?customerId=qa&featureCode=nope");
        var nobody = await api.GetJson("/api/v1/usage/quota/all?customerId=ghost");
        var byExternal = await api.PostJson("/api/v1/usage/quota", new { externalId = "qa", featureCode = "projects", count = 2 }).Ok();

        Assert.Equal(["count", "customerId"], missing.ErrorFields.Order());
        Assert.Equal("invalid_feature_type", seats.ErrorCode);
        Assert.Equal((HttpStatusCode.Forbidden, "feature_not_in_plan"), (other.Status, other.ErrorCode));
        Assert.Equal("customer_not_found", nobody.ErrorCode);
        Assert.Equal(2, byExternal["newBalance"]!.GetValue<long>());
    }
}

public sealed class QuotaTests_Sqlite(SqliteServer server) : QuotaTests<SqliteServer>(server);

public sealed class QuotaTests_Postgres(PostgresServer server) : QuotaTests<PostgresServer>(server);
