using System.Net;
using System.Text.RegularExpressions;
using Commet.Server.Tests.Infrastructure;
using static Commet.Server.Tests.Infrastructure.BillingApi;

namespace Commet.Server.Tests;

/// <summary>
/// The review points of the portal at a glance that a customer who knows other portals checks first: the plan
/// comparison (feature by feature, the yearly saving, the current plan marked, a downgrade as a secondary action), the
/// invoice list's status badges and its filters by status and by year (the customer's year), and a free plan's copy.
/// </summary>
public abstract class PortalReviewTests<TServer>(TServer server) : IClassFixture<TServer>
    where TServer : ServerFixture
{
    private static async Task<string> TextAsync(PortalClient client, string path)
    {
        var page = await client.GetAsync(path);
        Assert.True(page.Status == HttpStatusCode.OK, page.ToString());
        return WebUtility.HtmlDecode(page.Html);
    }

    [Fact]
    public async Task Plans_ComparedFeatureByFeature_WithTheYearlySaving_TheCurrentPlanMarked_AndADowngradeAsSecondary()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Utc(2027, 3, 1));
        var group = await api.Group();
        await api.PostJson("/api/v1/features/manage", new { code = "api_calls", name = "API calls", type = "usage", unitName = "call" }).Ok();
        await api.PostJson("/api/v1/features/manage", new { code = "sso", name = "Single sign-on", type = "boolean" }).Ok();
        await api.PostJson("/api/v1/plans/manage", new { code = "basic", name = "Basic", planGroupId = group, sortOrder = 1 }).Ok();
        await api.PostJson("/api/v1/plans/basic/prices", new { billingInterval = "monthly", price = 1900, isDefault = true }).Ok();
        await api.PostJson("/api/v1/plans/basic/prices", new { billingInterval = "yearly", price = 19000 }).Ok();
        await api.PostJson("/api/v1/plans/basic/features", new { featureId = "api_calls", includedAmount = 10000, overage = new { enabled = true, unitPrice = 20 } }).Ok();
        await api.PostJson("/api/v1/plans/manage", new { code = "pro", name = "Pro", planGroupId = group, sortOrder = 2 }).Ok();
        await api.PostJson("/api/v1/plans/pro/prices", new { billingInterval = "monthly", price = 4900, isDefault = true }).Ok();
        await api.PostJson("/api/v1/plans/pro/prices", new { billingInterval = "yearly", price = 49000 }).Ok();
        await api.PostJson("/api/v1/plans/pro/features", new { featureId = "api_calls", includedAmount = 100000, overage = new { enabled = true, unitPrice = 10 } }).Ok();
        await api.PostJson("/api/v1/plans/pro/features", new { featureId = "sso" }).Ok();
        await api.Customer("ann");
        await api.Subscribe("ann", "pro");

        using var ann = await PortalClient.OpenAsync(server, api, "ann");
        var plans = await TextAsync(ann, "/portal/plans");
        // The comparison: one row per feature, the current plan's column marked; the boolean feature ticked or dashed
        // with words for screen readers. Overage prices 20 and 10 on the rate scale (10,000 = $1.00): $0.002 and $0.001 a call.
        Assert.Contains("<h2 id=\"cmp-h\">Compare plans</h2>", plans, StringComparison.Ordinal);
        Assert.Matches(@"<th scope=""col"" class=""cur"">Pro<br><span class=""badge b-active"">Current plan</span></th>", plans);
        Assert.Matches(@"<th scope=""row"">API calls</th>\s*<td class="""">10,000 calls included, then \$0\.002 per call</td>\s*<td class=""cur"">100,000 calls included, then \$0\.001 per call</td>", plans);
        Assert.Matches(@"<th scope=""row"">Single sign-on</th>\s*<td class=""""><span aria-hidden=""true"">–</span><span class=""vh"">Not included</span></td>\s*<td class=""cur""><span aria-hidden=""true"">✓</span><span class=""vh"">Included</span></td>", plans);
        Assert.Matches(@"<th scope=""row"">Price</th>\s*<td class="""">\$19\.00 per month</td>\s*<td class=""cur"">\$49\.00 per month</td>", plans);
        // The current plan's card is marked and has no action; moving down to Basic is the secondary (alt) button.
        Assert.Contains("<h2 id=\"pl-", plans, StringComparison.Ordinal);
        Assert.Matches(@">Pro <span class=""badge b-active"">Current plan</span></h2>", plans);
        Assert.Matches(@"<a class=""btn alt"" href=""/portal/plans/change\?plan=[^""]+&interval=monthly"">Downgrade<span class=""vh""> to Basic</span></a>", plans);
        Assert.DoesNotContain(">Upgrade<", plans, StringComparison.Ordinal);

        var yearly = await TextAsync(ann, "/portal/plans?interval=yearly");
        // A year on the monthly price less the yearly price: Basic 12 × $19.00 − $190.00 = $38.00; Pro 12 × $49.00 − $490.00 = $98.00.
        Assert.Contains("Save $38.00 a year", yearly, StringComparison.Ordinal);
        Assert.Contains("Save $98.00 a year", yearly, StringComparison.Ordinal);
        // Ann pays Pro monthly, so no yearly column is hers: Pro yearly is a switch, not her current plan.
        Assert.Matches(@"<th scope=""row"">Price</th>\s*<td class="""">\$190\.00 per year</td>\s*<td class="""">\$490\.00 per year</td>", yearly);
        Assert.DoesNotContain("Current plan</span>", yearly, StringComparison.Ordinal);
    }

    /// <summary>
    /// Ann in Auckland (UTC+13 in summer) is billed on the 31st at 12:00 UTC: 31 October, 30 November (the month has
    /// no 31st), 31 December 12:00 UTC — which is 1 January 2028 01:00 for her, so that invoice is of her year 2028.
    /// The December renewal fails (the card that fails later), so it stays due.
    /// </summary>
    [Fact]
    public async Task Invoices_StatusBadges_AndFiltersByStatusAndByTheCustomersYear()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(new DateTime(2027, 10, 31, 12, 0, 0, DateTimeKind.Utc));
        await api.Plan("basic", 1900);
        await api.Customer("ann");
        await api.PutJson("/api/v1/customers/ann", new { timezone = "Pacific/Auckland" }).Ok();
        await api.Subscribe("ann", "basic");
        await api.RunUntil(new DateTime(2027, 11, 30, 12, 0, 0, DateTimeKind.Utc));
        await api.Card("ann", BillingSetup.FailsLaterCard);
        await api.RunUntil(new DateTime(2027, 12, 31, 12, 0, 0, DateTimeKind.Utc));

        using var ann = await PortalClient.OpenAsync(server, api, "ann");
        var all = await TextAsync(ann, "/portal/invoices");
        Assert.Equal(3, Ids(all).Count);
        // One badge per invoice in the table and again in the phone-width cards: 2 paid, 1 due.
        Assert.Equal(4, Count(all, "<span class=\"badge b-inv-paid\">Paid</span>"));
        Assert.Equal(2, Count(all, "<span class=\"badge b-inv-outstanding\">Due</span>"));
        Assert.Matches(@"<option value="""">Any year</option>\s*<option value=""2028"">2028</option>\s*<option value=""2027"">2027</option>", all);

        var paid = await TextAsync(ann, "/portal/invoices?status=paid");
        Assert.Equal(2, Ids(paid).Count);
        Assert.Equal(0, Count(paid, "<span class=\"badge b-inv-outstanding\">"));
        Assert.Contains("<option value=\"paid\" selected=\"selected\">Paid</option>", paid, StringComparison.Ordinal);

        // Her 2028 holds only the December renewal (31 December 12:00 UTC), which is due.
        var y2028 = await TextAsync(ann, "/portal/invoices?year=2028");
        Assert.Single(Ids(y2028));
        Assert.Equal(2, Count(y2028, "<span class=\"badge b-inv-outstanding\">Due</span>"));
        Assert.Contains("Jan 1, 2028", y2028, StringComparison.Ordinal);
        Assert.Equal(2, Ids(await TextAsync(ann, "/portal/invoices?year=2027")).Count);

        var none = await TextAsync(ann, "/portal/invoices?status=paid&year=2028");
        Assert.Empty(Ids(none));
        Assert.Contains("No invoices match this filter.", none, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FreePlan_NoCancelButton_NoFreeTwice_AndItsAddonPricedPerMonth()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Utc(2027, 3, 1));
        await api.PostJson("/api/v1/features/manage", new { code = "extra_storage", name = "Extra storage", type = "boolean" }).Ok();
        await api.PostJson("/api/v1/addons", new { name = "Extra storage", featureId = "extra_storage", basePrice = 1500, consumptionModel = "boolean" }).Ok();
        await api.PostJson("/api/v1/plans/manage", new { code = "free", name = "Free", isFree = true }).Ok();
        await api.Customer("ann");
        await api.Subscribe("ann", "free");

        using var ann = await PortalClient.OpenAsync(server, api, "ann");
        var overview = await TextAsync(ann, "/portal");
        // The badge is the subscription's status ("Active"), not "Free" a second time next to a plan called Free; the price says Free.
        Assert.Contains("Free <span class=\"badge b-free\">Active</span></h2>", overview, StringComparison.Ordinal);
        Assert.Matches(@"<dt>Price</dt>\s*<dd>Free</dd>", overview);
        Assert.DoesNotContain("href=\"/portal/cancel\"", overview, StringComparison.Ordinal);
        Assert.DoesNotContain("Cancel subscription", overview, StringComparison.Ordinal);

        var purchases = await TextAsync(ann, "/portal/purchases");
        // A free plan's add-ons renew monthly.
        Assert.Contains("$15.00 per month", purchases, StringComparison.Ordinal);
        Assert.DoesNotContain("per period", purchases, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Overview_ShowsTheMetersClosestToTheirLimitsFirst_AtMostThree()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Utc(2027, 3, 1));
        await api.Plan("pro", 4900);
        foreach (var (code, name, unit, included) in new[] { ("api_calls", "API calls", "call", 1000), ("emails", "Emails", "email", 10000), ("exports", "Exports", "export", 50), ("storage", "Storage", "GB", 100) })
        {
            await api.PostJson("/api/v1/features/manage", new { code, name, type = "usage", unitName = unit }).Ok();
            await api.PostJson("/api/v1/plans/pro/features", new { featureId = code, includedAmount = included, overage = new { enabled = true, unitPrice = 100 } }).Ok();
        }
        await api.PostJson("/api/v1/features/manage", new { code = "pings", name = "Pings", type = "usage", unitName = "ping" }).Ok();
        await api.PostJson("/api/v1/plans/pro/features", new { featureId = "pings", unlimited = true }).Ok();
        await api.Customer("ann");
        await api.Subscribe("ann", "pro");
        foreach (var (feature, value) in new[] { ("api_calls", 900), ("emails", 9990), ("exports", 10), ("storage", 20), ("pings", 5000) })
        {
            await api.PostJson("/api/v1/usage/events", new { customerId = "ann", feature, value }).Ok();
        }

        using var ann = await PortalClient.OpenAsync(server, api, "ann");
        var overview = await TextAsync(ann, "/portal");
        // Shares of the allowance: Emails 9,990 / 10,000 = 99.9 %, API calls 900 / 1,000 = 90 %, Exports 10 / 50 = 20 %,
        // Storage 20 / 100 = 20 % (a tie, by name: Exports first); the unlimited Pings have no limit to be close to.
        var meters = Regex.Matches(overview, "<div class=\"meter\">\\s*<p><strong>([^<]+)</strong><span>([^<]+)</span></p>")
            .Select(m => (m.Groups[1].Value, m.Groups[2].Value)).ToList();
        Assert.Equal([("Emails", "9,990 of 10,000 emails used"), ("API calls", "900 of 1,000 calls used"), ("Exports", "10 of 50 exports used")], meters);
        Assert.Contains("<h3 class=\"meters-h\">Usage</h3>", overview, StringComparison.Ordinal);
    }

    private static List<string> Ids(string html) =>
        Regex.Matches(html, "href=\"/portal/invoices/([A-Za-z0-9_]+)\"").Select(m => m.Groups[1].Value).Distinct().ToList();

    private static int Count(string html, string what) => html.Split(what).Length - 1;
}

public sealed class PortalReviewTests_Sqlite(SqliteServer server) : PortalReviewTests<SqliteServer>(server);

public sealed class PortalReviewTests_Postgres(PostgresServer server) : PortalReviewTests<PostgresServer>(server);
