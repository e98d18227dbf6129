using System.Net;
using Commet.Domain.Billing;
using Commet.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Commet.Server.Tests.Infrastructure.BillingApi;

namespace Commet.Server.Tests;

/// <summary>
/// What the portal tells the customer, fetched over HTTP and read as text: plan cards of credits and balance plans,
/// plans grouped by plan group, an overdrawn balance and when it is billed, and the warnings before a plan change.
/// Every amount is worked out by hand, and where the portal announces a charge the renewal is run to see it billed.
/// </summary>
public abstract class PortalTextsTests<TServer>(TServer server) : IClassFixture<TServer>
    where TServer : ServerFixture
{
    private static readonly DateTime Start = Utc(2027, 3, 1);

    private static async Task<string> TextAsync(PortalClient client, string path)
    {
        var page = await client.GetAsync(path);
        Assert.True(page.Status == HttpStatusCode.OK, page.ToString());
        return WebUtility.HtmlDecode(page.Html);
    }

    private static Task<System.Text.Json.Nodes.JsonNode> Feature(HttpClient api, string code, string name, string type, string? unitName = null) =>
        api.PostJson("/api/v1/features/manage", new { code, name, type, unitName }).Ok();

    private static Task<System.Text.Json.Nodes.JsonNode> Track(HttpClient api, string customer, string feature, long value, string key) =>
        api.PostJson("/api/v1/usage/events", new { customerId = customer, feature, value, idempotencyKey = key }).Ok();

    private static void InOrder(string text, params string[] parts)
    {
        var at = -1;
        foreach (var part in parts)
        {
            var next = text.IndexOf(part, at + 1, StringComparison.Ordinal);
            Assert.True(next > at, $"'{part}' is missing or out of order.");
            at = next;
        }
    }

    [Fact]
    public async Task PlanCards_CreditsAndBalancePlans_ShowMonthlyAllowanceAndCostPerUse_GroupedByPlanGroup()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Start);
        await Feature(api, "images", "Images", "usage", "image");
        await Feature(api, "calls", "Calls", "usage", "call");
        await Feature(api, "api_calls", "API calls", "usage", "call");
        // Groups are listed in the order they were created; plans by the group's sortOrder, not by name or price.
        var studio = (await api.PostJson("/api/v1/plan-groups", new { name = "Studio", description = "Credits for image work" }).Ok()).Str("id");
        var voice = await api.Group("Voice");
        var hidden = (await api.PostJson("/api/v1/plan-groups", new { name = "Internal", isPublic = false }).Ok()).Str("id");
        await api.PostJson("/api/v1/plans/manage", new { code = "studio_pro", name = "Studio Pro", consumptionModel = "credits", planGroupId = studio, sortOrder = 2 }).Ok();
        await api.PostJson("/api/v1/plans/studio_pro/prices", new { billingInterval = "monthly", price = 4900, includedCredits = 20000 }).Ok();
        await api.PostJson("/api/v1/plans/studio_pro/features", new { featureId = "images", creditsPerUnit = 4 }).Ok();
        await api.PostJson("/api/v1/plans/manage", new { code = "studio", name = "Studio", consumptionModel = "credits", planGroupId = studio, sortOrder = 1 }).Ok();
        await api.PostJson("/api/v1/plans/studio/prices", new { billingInterval = "monthly", price = 2900, includedCredits = 5000 }).Ok();
        await api.PostJson("/api/v1/plans/studio/features", new { featureId = "images", creditsPerUnit = 5 }).Ok();
        await api.PostJson("/api/v1/plans/manage", new { code = "payg", name = "Pay as you go", consumptionModel = "balance", blockOnExhaustion = false, planGroupId = voice, sortOrder = 1 }).Ok();
        // includedBalance is rate scale: 100,000 / 10,000 = $10.00 a month; 4,500 = $0.45 per call.
        await api.PostJson("/api/v1/plans/payg/prices", new { billingInterval = "monthly", price = 1000, includedBalance = 100000 }).Ok();
        await api.PostJson("/api/v1/plans/payg/features", new { featureId = "calls", overage = new { enabled = true, unitPrice = 4500 } }).Ok();
        await api.PostJson("/api/v1/plans/manage", new { code = "staff", name = "Staff only", planGroupId = hidden, sortOrder = 1 }).Ok();
        await api.PostJson("/api/v1/plans/staff/prices", new { billingInterval = "monthly", price = 100 }).Ok();
        await api.PostJson("/api/v1/plans/manage", new { code = "legacy", name = "Legacy" }).Ok();
        await api.PostJson("/api/v1/plans/legacy/prices", new { billingInterval = "monthly", price = 1500 }).Ok();
        await api.PostJson("/api/v1/plans/legacy/features", new { featureId = "api_calls", includedAmount = 10000 }).Ok();
        await api.Customer("ann");

        using var ann = await PortalClient.OpenAsync(server, api, "ann");
        var overview = await TextAsync(ann, "/portal");

        InOrder(overview,
            "<h3>Studio</h3>", "<p class=\"muted\">Credits for image work</p>",
            "<h4>Studio</h4>", "<li>5,000 credits a month</li>", "<li>Images: 5 credits per image</li>",
            "<h4>Studio Pro</h4>", "<li>20,000 credits a month</li>", "<li>Images: 4 credits per image</li>",
            "<h3>Voice</h3>",
            "<h4>Pay as you go</h4>", "<li>$10.00 balance a month</li>", "<li>Calls: $0.45 per call</li>",
            "<h3>Other plans</h3>",
            "<h4>Legacy</h4>", "<li>API calls: 10,000 calls included</li>");
        Assert.DoesNotContain("Staff only", overview, StringComparison.Ordinal);
        Assert.DoesNotContain("Images: 0 images included", overview, StringComparison.Ordinal);
        Assert.DoesNotContain("Calls: 0 calls included", overview, StringComparison.Ordinal);

        // The same lines on the change-plan page of a subscriber, at the price of the interval shown.
        await api.Subscribe("ann", "studio");
        var plans = await TextAsync(ann, "/portal/plans");
        InOrder(plans, "Studio", "<li>5,000 credits a month</li>", "Studio Pro", "<li>20,000 credits a month</li>", "<li>Images: 4 credits per image</li>");
    }

    [Fact]
    public async Task OverdrawnBalance_SaysByHowMuchAndWhenItIsBilled_AsTheRenewalBillsIt()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Start);
        await Feature(api, "calls", "Calls", "usage", "call");
        await api.PostJson("/api/v1/plans/manage", new { code = "payg", name = "Pay as you go", consumptionModel = "balance", blockOnExhaustion = false }).Ok();
        await api.PostJson("/api/v1/plans/payg/prices", new { billingInterval = "monthly", price = 1000, includedBalance = 100000 }).Ok();
        await api.PostJson("/api/v1/plans/payg/features", new { featureId = "calls", overage = new { enabled = true, unitPrice = 12350 } }).Ok();
        await api.Customer("ann");
        await api.Subscribe("ann", "payg");
        using var ann = await PortalClient.OpenAsync(server, api, "ann");
        var before = await TextAsync(ann, "/portal/usage");

        await api.SetClock(Start.AddDays(10));
        await Track(api, "ann", "calls", 23, "k1");
        var overview = await TextAsync(ann, "/portal");
        var usage = await TextAsync(ann, "/portal/usage");
        var purchases = await TextAsync(ann, "/portal/purchases");

        // $10.00 included = 100,000; 23 calls × 12,350 = 284,050; balance −184,050 = −$18.405,
        // rounded half away from zero to the cent as the renewal's balance_overage line rounds it: $18.41.
        const string billed = "$18.41 will be added to your next invoice on Apr 1, 2027.";
        Assert.Contains("<p class=\"big\">$10.00 <span class=\"muted\">left</span></p>", before, StringComparison.Ordinal);
        Assert.Contains($"<dd>Overdrawn by $18.41. {billed}</dd>", overview, StringComparison.Ordinal);
        foreach (var page in new[] { usage, purchases })
        {
            Assert.Contains($"<p class=\"big\">Overdrawn by $18.41</p>", page, StringComparison.Ordinal);
            Assert.Contains($"<p>{billed}</p>", page, StringComparison.Ordinal);
            Assert.DoesNotContain("left</span>", page, StringComparison.Ordinal);
            Assert.DoesNotContain("−$18", page, StringComparison.Ordinal);
        }

        await api.RunUntil(Utc(2027, 4, 1));
        await using (var db = t.Db())
        {
            var renewal = await db.Invoices.Include(i => i.Lines).SingleAsync(i => i.Type == InvoiceTypes.Recurring && i.PeriodStart == Utc(2027, 4, 1));
            Assert.Equal(1841, renewal.Lines.Single(l => l.LineType == LineTypes.BalanceOverage).Amount);
        }
        var after = await TextAsync(ann, "/portal/usage");
        Assert.Contains("<p class=\"big\">$10.00 <span class=\"muted\">left</span></p>", after, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OverdrawnBalance_SetToCancel_PromisesNoInvoice()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Start);
        await Feature(api, "calls", "Calls", "usage", "call");
        await api.PostJson("/api/v1/plans/manage", new { code = "payg", name = "Pay as you go", consumptionModel = "balance", blockOnExhaustion = false }).Ok();
        await api.PostJson("/api/v1/plans/payg/prices", new { billingInterval = "monthly", price = 1000, includedBalance = 50000 }).Ok();
        await api.PostJson("/api/v1/plans/payg/features", new { featureId = "calls", overage = new { enabled = true, unitPrice = 10000 } }).Ok();
        await api.Customer("ann");
        var sub = (await api.Subscribe("ann", "payg")).Str("id");
        // $5.00 included − 7 calls × $1.00 = −$2.00.
        await Track(api, "ann", "calls", 7, "k1");
        await api.PostJson($"/api/v1/subscriptions/{sub}/cancel", new { }).Ok();
        using var ann = await PortalClient.OpenAsync(server, api, "ann");

        var overview = await TextAsync(ann, "/portal");

        Assert.Contains("<dd>Overdrawn by $2.00</dd>", overview, StringComparison.Ordinal);
        Assert.DoesNotContain("will be added to your next invoice", overview, StringComparison.Ordinal);
    }

    private static async Task GroupOfStarterAndPro(HttpClient api, int trialDays = 0)
    {
        var group = await api.Group();
        await Feature(api, "api_calls", "API calls", "usage", "call");
        await Feature(api, "members", "Members", "seats", "member");
        await api.PostJson("/api/v1/plans/manage", new { code = "starter", name = "Starter", planGroupId = group, sortOrder = 1 }).Ok();
        await api.PostJson("/api/v1/plans/starter/prices", new { billingInterval = "monthly", price = 1900 }).Ok();
        await api.PostJson("/api/v1/plans/starter/features", new { featureId = "api_calls", includedAmount = 10000, overage = new { enabled = true, unitPrice = 20 } }).Ok();
        // $8.00 per extra member per period (80,000 rate scale).
        await api.PostJson("/api/v1/plans/starter/features", new { featureId = "members", includedAmount = 5, overage = new { enabled = true, unitPrice = 80000 } }).Ok();
        await api.PostJson("/api/v1/plans/manage", new { code = "pro", name = "Pro", planGroupId = group, sortOrder = 2 }).Ok();
        await api.PostJson("/api/v1/plans/pro/prices", new { billingInterval = "monthly", price = 4900, trialDays }).Ok();
        await api.PostJson("/api/v1/plans/pro/features", new { featureId = "api_calls", includedAmount = 100000, overage = new { enabled = true, unitPrice = 10 } }).Ok();
        await api.PostJson("/api/v1/plans/pro/features", new { featureId = "members", includedAmount = 10 }).Ok();
        await api.Customer("ann");
    }

    [Fact]
    public async Task DowngradeAtPeriodEnd_WarnsAboutSeatsThatCarryOver_NotAboutThisPeriodsUsage_AndTheRenewalBillsWhatItSaid()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Start);
        await GroupOfStarterAndPro(api);
        await api.Subscribe("ann", "pro");
        await api.SetClock(Start.AddDays(20));
        await Track(api, "ann", "api_calls", 52600, "k1");
        await api.PostJson("/api/v1/seats", new { customerId = "ann", featureCode = "members", count = 8 }).Ok();
        using var ann = await PortalClient.OpenAsync(server, api, "ann");
        var starter = (await api.GetJson("/api/v1/plans/starter").Ok()).Str("id");

        var preview = await TextAsync(ann, $"/portal/plans/change?plan={starter}&interval=monthly");

        // 8 members in use − 5 included = 3 extra × $8.00 = $24.00 with each monthly renewal on Starter.
        Assert.Contains("<li>You have 8 members in use; Starter includes 5. From Apr 1, 2027 the 3 extra members are billed with each renewal: $24.00 per month ($8.00 each).</li>",
            preview, StringComparison.Ordinal);
        Assert.DoesNotContain("You have used", preview, StringComparison.Ordinal);
        Assert.DoesNotContain("52,600", preview, StringComparison.Ordinal);

        var scheduled = await ann.ConfirmAsync($"/portal/plans/change?plan={starter}&interval=monthly", "/portal/plans/change");
        Assert.Equal("/portal?m=change_scheduled", scheduled.Location);
        await api.RunUntil(Utc(2027, 4, 1));
        await using var db = t.Db();
        var renewal = await db.Invoices.Include(i => i.Lines).SingleAsync(i => i.Type == InvoiceTypes.Recurring && i.PeriodStart == Utc(2027, 4, 1));
        // Starter $19.00 + 3 extra members $24.00; Pro's 52,600 of 100,000 calls bill no overage.
        Assert.Equal(1900 + 2400, renewal.Total);
        Assert.Equal(2400, renewal.Lines.Single(l => l.LineType == LineTypes.FeatureSeats).Amount);
        Assert.DoesNotContain(renewal.Lines, l => l.LineType == LineTypes.FeatureOverage);
    }

    [Fact]
    public async Task DowngradeAtPeriodEnd_ToAPlanWithoutExtraSeats_SaysSeatsCannotBeAdded()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Start);
        var group = await api.Group();
        await Feature(api, "members", "Members", "seats", "member");
        await api.PostJson("/api/v1/plans/manage", new { code = "starter", name = "Starter", planGroupId = group, sortOrder = 1 }).Ok();
        await api.PostJson("/api/v1/plans/starter/prices", new { billingInterval = "monthly", price = 1900 }).Ok();
        await api.PostJson("/api/v1/plans/starter/features", new { featureId = "members", includedAmount = 5 }).Ok();
        await api.PostJson("/api/v1/plans/manage", new { code = "pro", name = "Pro", planGroupId = group, sortOrder = 2 }).Ok();
        await api.PostJson("/api/v1/plans/pro/prices", new { billingInterval = "monthly", price = 4900 }).Ok();
        await api.PostJson("/api/v1/plans/pro/features", new { featureId = "members", includedAmount = 10 }).Ok();
        await api.Customer("ann");
        await api.Subscribe("ann", "pro");
        await api.PostJson("/api/v1/seats", new { customerId = "ann", featureCode = "members", count = 7 }).Ok();
        using var ann = await PortalClient.OpenAsync(server, api, "ann");
        var starter = (await api.GetJson("/api/v1/plans/starter").Ok()).Str("id");

        var preview = await TextAsync(ann, $"/portal/plans/change?plan={starter}&interval=monthly");

        // 7 in use − 5 included = 2 to remove.
        Assert.Contains("<li>You have 7 members in use; Starter includes 5. From Apr 1, 2027 you can't add members until fewer than 5 are in use. Remove 2 to stay within the plan.</li>",
            preview, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TrialSwitch_IsImmediate_SoItStillWarnsAboutThisPeriodsUsage()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Start);
        await GroupOfStarterAndPro(api, trialDays: 14);
        await api.Subscribe("ann", "pro");
        await Track(api, "ann", "api_calls", 52600, "k1");
        using var ann = await PortalClient.OpenAsync(server, api, "ann");
        var starter = (await api.GetJson("/api/v1/plans/starter").Ok()).Str("id");

        var preview = await TextAsync(ann, $"/portal/plans/change?plan={starter}&interval=monthly");

        // Starter's overage price: 20 rate scale = $0.002 a call.
        Assert.Contains("Switch your trial to Starter", preview, StringComparison.Ordinal);
        Assert.Contains("<li>You have used 52,600 calls this period; Starter includes 10,000. Usage above that costs $0.002 each.</li>", preview, StringComparison.Ordinal);
    }
}

public sealed class PortalTextsTests_Sqlite(SqliteServer server) : PortalTextsTests<SqliteServer>(server);

public sealed class PortalTextsTests_Postgres(PostgresServer server) : PortalTextsTests<PostgresServer>(server);
