using System.Net;
using System.Text.RegularExpressions;
using Commet.Server.Persistence;
using Commet.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;
using static Commet.Server.Tests.Infrastructure.BillingApi;

namespace Commet.Server.Tests;

/// <summary>
/// The overview's "Next payment" (the upcoming invoice, lines included) is right on the very next page after anything it
/// depends on changed, although the page takes plans from the catalog cache shared between requests and skips the
/// add-on queries of tenants without add-ons: usage adding overage, a plan change, an add-on added and removed, a catalog
/// price change, the clock moving past the period end. Each test reads the overview first (so the cache is warm), then
/// changes one thing, then reads it again. Amounts worked out by hand. Also: what the warm page costs in round trips, and
/// the link request's one-statement insert storing the row a link always had.
/// </summary>
public abstract class PortalOverviewFreshnessTests<TServer>(TServer server, ITestOutputHelper output) : IClassFixture<TServer>
    where TServer : ServerFixture
{
    /// <summary>The summary ("$25.00 on May 4, 2027"), the lines' amounts in order ("$25.00 + $4.00") and the whole page.</summary>
    private sealed record Next(string Summary, string Lines, string Html)
    {
        public (string, string) Shown => (Summary, Lines);
    }

    /// <summary>The overview's upcoming invoice.</summary>
    private static async Task<Next> NextPaymentAsync(PortalClient client)
    {
        var page = await client.GetAsync("/portal");
        Assert.True(page.Status == HttpStatusCode.OK, page.ToString());
        var html = WebUtility.HtmlDecode(page.Html);
        var m = Regex.Match(html, @"<details class=""upcoming"">\s*<summary>(.*?)</summary>(.*?)</details>", RegexOptions.Singleline);
        Assert.True(m.Success, "the overview shows no upcoming invoice");
        var amounts = Regex.Matches(m.Groups[2].Value, @"<tr><td>.*?</td><td class=""num"">(.*?)</td></tr>").Select(x => x.Groups[1].Value);
        return new Next(m.Groups[1].Value, string.Join(" + ", amounts), html);
    }

    private static async Task MeteredPlanAsync(HttpClient api)
    {
        await api.PostJson("/api/v1/features/manage", new { code = "api_calls", name = "API calls", type = "usage", unitName = "call" }).Ok();
        await api.PostJson("/api/v1/plans/manage", new { code = "metered", name = "Metered" }).Ok();
        await api.PostJson("/api/v1/plans/metered/prices", new { billingInterval = "monthly", price = 2500 }).Ok();
        // 10,000 calls included, then $0.002 a call (20 in rate scale, where 10,000 = $1.00).
        await api.PostJson("/api/v1/plans/metered/features", new { featureId = "api_calls", includedAmount = 10000, overage = new { enabled = true, unitPrice = 20 } }).Ok();
    }

    private static Task<System.Text.Json.Nodes.JsonNode> Track(HttpClient api, string customer, decimal value, string key) =>
        api.PostJson("/api/v1/usage/events", new { customerId = customer, feature = "api_calls", value, idempotencyKey = key }).Ok(HttpStatusCode.Created);

    [Fact]
    public async Task UsageAddingOverage_ThenThePeriodEnd_AreOnTheNextPage()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Utc(2027, 4, 4));
        await MeteredPlanAsync(api);
        await api.Customer("ann");
        await api.Subscribe("ann", "metered");
        using var ann = await PortalClient.OpenAsync(server, api, "ann");
        // Nothing used yet: the plan's $25.00 on May 4.
        Assert.Equal(("$25.00 on May 4, 2027", "$25.00"), (await NextPaymentAsync(ann)).Shown);

        await Track(api, "ann", 12000, "u1");
        // 12,000 − 10,000 included = 2,000 calls × $0.002 = $4.00 of overage: $25.00 + $4.00 = $29.00.
        Assert.Equal(("$29.00 on May 4, 2027", "$25.00 + $4.00"), (await NextPaymentAsync(ann)).Shown);

        await Track(api, "ann", 500, "u2");
        // 12,500 − 10,000 = 2,500 × $0.002 = $5.00: $30.00.
        Assert.Equal(("$30.00 on May 4, 2027", "$25.00 + $5.00"), (await NextPaymentAsync(ann)).Shown);

        // The clock passes May 4 and the engine renews (billing the $30.00): the next payment is June's, with nothing used yet.
        await api.RunUntil(Utc(2027, 5, 4));
        Assert.Equal(("$25.00 on Jun 4, 2027", "$25.00"), (await NextPaymentAsync(ann)).Shown);
    }

    [Fact]
    public async Task ScheduledPlanChange_IsOnTheNextPage()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Utc(2027, 4, 1));
        var group = await api.Group();
        await api.Plan("starter", 2900, group, sortOrder: 0);
        await api.Plan("pro", 9900, group, sortOrder: 1);
        await api.Customer("bob");
        var id = (await api.Subscribe("bob", "pro")).Str("id");
        using var bob = await PortalClient.OpenAsync(server, api, "bob");
        Assert.Equal("$99.00 on May 1, 2027", (await NextPaymentAsync(bob)).Summary);

        await api.SetClock(Utc(2027, 4, 11));
        var change = await api.PostJson($"/api/v1/subscriptions/{id}/change-plan", new { newPlanId = "starter" }).Ok();
        Assert.True(change["scheduled"]!.GetValue<bool>());

        // The downgrade applies at the period end: May 1 bills Starter's $29.00, not Pro's $99.00.
        var next = await NextPaymentAsync(bob);
        Assert.Equal(("$29.00 on May 1, 2027", "$29.00"), next.Shown);
        Assert.Contains("Starter", next.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddonAddedThenRemoved_InATenantThatHadNone_IsOnTheNextPage()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Utc(2027, 4, 1));
        await api.PostJson("/api/v1/features/manage", new { code = "extra_storage", name = "Extra storage", type = "boolean" }).Ok();
        await api.Plan("team", 4900);
        await api.Customer("cat");
        var id = (await api.Subscribe("cat", "team")).Str("id");
        using var cat = await PortalClient.OpenAsync(server, api, "cat");
        // No add-on exists in the tenant yet (the page remembers that under the catalog version): $49.00.
        var before = await NextPaymentAsync(cat);
        Assert.Equal(("$49.00 on May 1, 2027", "$49.00"), before.Shown);
        Assert.DoesNotContain("<dt>Add-ons</dt>", before.Html, StringComparison.Ordinal);

        var addon = (await api.PostJson("/api/v1/addons", new { name = "Extra storage", featureId = "extra_storage", basePrice = 1000, consumptionModel = "boolean" }).Ok()).Str("id");
        await api.PostJson($"/api/v1/subscriptions/{id}/addons", new { addonId = addon }).Ok();

        // $49.00 plan + $10.00 add-on for May = $59.00.
        var with = await NextPaymentAsync(cat);
        Assert.Equal(("$59.00 on May 1, 2027", "$49.00 + $10.00"), with.Shown);
        Assert.Matches(@"<dt>Add-ons</dt>\s*<dd>Extra storage</dd>", with.Html);

        // Removing it changes no catalog row (only the subscription's add-on): back to $49.00 on the next page.
        await api.Delete($"/api/v1/subscriptions/{id}/addons/{addon}").Ok();
        var without = await NextPaymentAsync(cat);
        Assert.Equal(("$49.00 on May 1, 2027", "$49.00"), without.Shown);
        Assert.DoesNotContain("<dt>Add-ons</dt>", without.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CatalogPriceChange_IsOnTheNextPage_AndIsWhatTheRenewalBills()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Utc(2027, 4, 1));
        await api.PostJson("/api/v1/plans/manage", new { code = "basic", name = "Basic" }).Ok();
        var price = (await api.PostJson("/api/v1/plans/basic/prices", new { billingInterval = "monthly", price = 1900 }).Ok()).Str("id");
        await api.Customer("dan");
        var id = (await api.Subscribe("dan", "basic")).Str("id");
        using var dan = await PortalClient.OpenAsync(server, api, "dan");
        Assert.Equal("$19.00 on May 1, 2027", (await NextPaymentAsync(dan)).Summary);

        await api.PutJson($"/api/v1/plans/basic/prices/{price}", new { price = 2400 }).Ok();

        // The renewal bills the plan's price as it is then: $24.00.
        var next = await NextPaymentAsync(dan);
        Assert.Equal(("$24.00 on May 1, 2027", "$24.00"), next.Shown);
        await api.RunUntil(Utc(2027, 5, 1));
        await using var db = t.Db();
        var renewal = await db.Invoices.AsNoTracking().SingleAsync(i => i.SubscriptionId == id && i.IssueDate == Utc(2027, 5, 1));
        Assert.Equal(2400, renewal.Total);
    }

    [Fact]
    public async Task WarmOverview_RoundTrips()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Utc(2027, 4, 1));
        await api.Plan("basic", 1900);
        await api.Customer("eve");
        await api.Subscribe("eve", "basic");
        using var eve = await PortalClient.OpenAsync(server, api, "eve");
        var meter = server.Services.GetRequiredService<RoundTripMeter>();
        await NextPaymentAsync(eve);

        // The fewest of three, so that the branding cache (15 s) expiring on a slow machine, or the session's once-a-minute
        // touch, does not count.
        var counts = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            var before = meter.Count;
            Assert.Equal("$19.00 on May 1, 2027", (await NextPaymentAsync(eve)).Summary);
            counts.Add(meter.Count - before);
        }

        output.WriteLine($"[{server.Name}] round trips of a warm overview (paid plan, card, one invoice, no features or add-ons): {string.Join(", ", counts)}");
        // The session with its customer, test clock and catalog version; the subscription; the card with the latest invoices
        // (one command). On PostgreSQL all of it in one batch. The plan, and the tenant having no add-on, come from the catalog cache.
        var most = server is PostgresServer ? 1 : 3;
        Assert.True(counts.Min() <= most, $"warm overviews took {string.Join(", ", counts)} round trips (at most {most} expected)");

        // What was read with the session is what the page shows: the card, and the one invoice.
        string number;
        await using (var db = t.Db())
        {
            number = (await db.Invoices.SingleAsync()).Number;
        }
        var html = (await NextPaymentAsync(eve)).Html;
        Assert.Contains("Visa ending in 4242", html);
        Assert.Single(Regex.Matches(html, @"<a href=""/portal/invoices/inv_[A-Za-z0-9]+"">" + Regex.Escape(number) + "</a>"));
    }

    [Fact]
    public async Task LinkRequest_StoresTheLinkRow_ByOurIdOrTheMerchants_InThisTenantOnly()
    {
        var a = await server.NewTenantAsync();
        var b = await server.NewTenantAsync();
        var ours = await a.Api.Customer("fay", card: null);
        await b.Api.Customer("fay", card: null);

        var byExternal = await a.Api.PostJson("/api/v1/portal/request-access", new { customerId = "fay", returnUrl = "https://app.example.com/account", locale = "es" }).Ok();
        var byOurs = await a.Api.PostJson("/api/v1/portal/request-access", new { customerId = ours }).Ok();
        var otherTenants = await b.Api.PostJson("/api/v1/portal/request-access", new { customerId = ours });

        // Our cus_ ID belongs to tenant a: tenant b cannot reach it.
        Assert.Equal((HttpStatusCode.NotFound, "customer_not_found"), (otherTenants.Status, otherTenants.ErrorCode));

        // A warm link request (key and branding already read): the customer is found and the link stored in one statement.
        // The fewest of three, so that a key or branding cache entry expiring on a slow machine does not count.
        var meter = server.Services.GetRequiredService<RoundTripMeter>();
        var counts = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            var before = meter.Count;
            await a.Api.PostJson("/api/v1/portal/request-access", new { customerId = "fay" }).Ok();
            counts.Add(meter.Count - before);
        }
        output.WriteLine($"[{server.Name}] round trips of warm link requests: {string.Join(", ", counts)}");
        Assert.True(counts.Min() <= 1, $"warm link requests took {string.Join(", ", counts)} round trips");
        await using var db = a.Db();
        var rows = await db.PortalSessions.AsNoTracking().ToListAsync();
        Assert.Equal(5, rows.Count);
        var stored = new List<Domain.PortalSession>();
        foreach (var answer in new[] { byExternal, byOurs })
        {
            var url = answer.Str("portalUrl");
            var token = url[(url.LastIndexOf('/') + 1)..];
            // Only the token's SHA-256 is stored.
            var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)));
            var row = Assert.Single(rows, r => r.LinkHash == hash);
            stored.Add(row);
            Assert.Equal((ours, a.OrganizationId, false), (row.CustomerId, row.OrganizationId, row.Livemode));
            // Unopened; the defaults: the link lives 120 minutes, the session dies after 120 idle minutes (7,200 s) and
            // 12 hours after the link was made at the latest.
            Assert.Null(row.SessionHash);
            Assert.Null(row.RedeemedAt);
            Assert.Null(row.LastSeenAt);
            Assert.Null(row.EndedAt);
            Assert.Equal((TimeSpan.FromMinutes(120), 7200, TimeSpan.FromHours(12)), (row.LinkExpiresAt - row.CreatedAt, row.IdleTimeoutSeconds, row.AbsoluteExpiresAt - row.CreatedAt));
            Assert.Equal(DateTimeKind.Utc, row.CreatedAt.Kind);
            Assert.True(Math.Abs((row.CreatedAt - DateTime.UtcNow).TotalMinutes) < 10, $"created at {row.CreatedAt:O}: real time, not the test clock");
        }
        Assert.Equal(("https://app.example.com/account", "es"), (stored[0].ReturnUrl, stored[0].Locale));
        Assert.Null(stored[1].ReturnUrl);
        Assert.Null(stored[1].Locale);

        // The link opens once.
        using var browser = new PortalClient(server.BaseAddress);
        var opened = await browser.GetAsync(byOurs.Str("portalUrl"));
        Assert.Equal((HttpStatusCode.Found, "/portal"), (opened.Status, opened.Location));
        using var again = new PortalClient(server.BaseAddress);
        Assert.NotEqual("/portal", (await again.GetAsync(byOurs.Str("portalUrl"))).Location);
    }

    /// <summary>
    /// The session and subscription reads every portal page starts with (on SQLite statements kept prepared on the native
    /// connection, on PostgreSQL one command of both statements; read column by column) give exactly what the compiled EF
    /// Core queries give: every field of the session,
    /// the customer (the address included, or null when none is set), the subscription, the test clock and the catalog
    /// version, each time's kind included; null where those give null. So do the overview's card and latest invoices,
    /// read with the session on PostgreSQL and by their own command on both databases. The current subscription is the
    /// live one even when an ended one is newer.
    /// </summary>
    [Fact]
    public async Task PortalReads_GiveWhatTheCompiledQueriesGive_FieldByField()
    {
        var a = await server.NewTenantAsync();
        await a.Api.SetClock(Utc(2027, 4, 1));
        await a.Api.Plan("basic", 1900);
        await a.Api.PostJson("/api/v1/customers", new
        {
            id = "gus", email = "gus@example.com", fullName = "Gus Grant", timezone = "Europe/Madrid",
            address = new { line1 = "Calle Mayor 1", city = "Madrid", postalCode = "28013", country = "es" },
        }).Ok();
        await a.Api.Card("gus", "4242424242424242");
        var sub = (await a.Api.Subscribe("gus", "basic")).Str("id");
        await a.Api.PostJson($"/api/v1/subscriptions/{sub}/cancel", new { reason = "too_expensive" }).Ok();
        await a.Api.Customer("hal", card: null);
        // Kit's live subscription is older than an ended one (written straight into the table: the API starts no second one).
        await a.Api.Customer("kit");
        var kitsLive = (await a.Api.Subscribe("kit", "basic")).Str("id");
        await using (var db = a.Db())
        {
            var ended = await db.Subscriptions.AsNoTracking().SingleAsync(x => x.Id == kitsLive);
            ended.Id = kitsLive + "z";
            ended.Status = Domain.Billing.SubscriptionStatus.Canceled;
            db.Subscriptions.Add(ended);
            await db.SaveChangesAsync();
        }
        // No test clock, no catalog change, no address, no subscription.
        var b = await server.NewTenantAsync();
        await b.Api.Customer("ivy", card: null);
        using var gus = await PortalClient.OpenAsync(server, a.Api, "gus");
        using var hal = await PortalClient.OpenAsync(server, a.Api, "hal");
        using var ivy = await PortalClient.OpenAsync(server, b.Api, "ivy");
        using var kit = await PortalClient.OpenAsync(server, a.Api, "kit");

        var json = new System.Text.Json.JsonSerializerOptions { IncludeFields = true };
        string Json(object? value) => System.Text.Json.JsonSerializer.Serialize(value, json);
        foreach (var (tenant, customer) in new[] { (a, "gus"), (a, "hal"), (b, "ivy"), (a, "kit") })
        {
            await using var db = tenant.Db();
            var hash = await db.PortalSessions.Where(s => s.SessionHash != null && db.Customers.Any(c => c.Id == s.CustomerId && c.ExternalId == customer))
                .Select(s => s.SessionHash!).SingleAsync();
            await db.Database.OpenConnectionAsync();
            var read = await db.ReadPortalSessionAsync(hash, overview: false, CancellationToken.None);
            var withOverview = await db.ReadPortalSessionAsync(hash, overview: true, CancellationToken.None);
            var compiled = await Portal.PortalQueries.SessionByHash.Invoke(db, hash, CancellationToken.None);
            Assert.NotNull(read);
            // The session's fields; the subscription, card and invoices read with it (PostgreSQL only) are compared below.
            Assert.Equal(Json(compiled), Json(read with { Subscription = null }));
            Assert.NotNull(withOverview);
            Assert.Equal(Json(compiled), Json(withOverview with { Subscription = null, Overview = null }));
            Assert.Null(read.Overview);
            Assert.Equal((customer, DateTimeKind.Utc), (read.Customer.ExternalId, read.Session.CreatedAt.Kind));
            var subscription = await db.ReadCurrentSubscriptionAsync(read.Customer.Id, CancellationToken.None);
            var expected = Json(await Portal.PortalQueries.CurrentSubscription.Invoke(db, read.Customer.Id, CancellationToken.None));
            Assert.Equal(expected, Json(subscription));
            // The card and latest invoices: the compiled card query, and the invoices as EF Core reads them.
            db.ScopeTo(read.Session.OrganizationId, read.Session.Livemode);
            var card = Json(await Portal.PortalQueries.DefaultCard.Invoke(db, read.Customer.Id, CancellationToken.None));
            var invoices = Json(await db.Invoices.AsNoTracking().Where(i => i.CustomerId == read.Customer.Id && i.Status != "draft")
                .OrderByDescending(i => i.Id).Take(3)
                .Select(i => new Portal.InvoiceRow(i.Id, i.Number, i.IssueDate, i.Status, i.Total, i.Currency)).ToListAsync());
            var (byCommand, byCommandInvoices) = await db.ReadCardAndInvoicesAsync(read.Session.OrganizationId, false, read.Customer.Id, 3, CancellationToken.None);
            Assert.Equal((card, invoices), (Json(byCommand), Json(byCommandInvoices)));
            if (server is PostgresServer)
            {
                // Read in the session's command, through the same session hash: the same subscription, card and invoices, field by field.
                Assert.NotNull(read.Subscription);
                Assert.Equal(expected, Json(read.Subscription.Value));
                Assert.NotNull(withOverview.Overview);
                Assert.Equal((expected, card, invoices), (Json(withOverview.Subscription!.Value), Json(withOverview.Overview.Card), Json(withOverview.Overview.LatestInvoices)));
            }
            else
            {
                Assert.Null(read.Subscription);
                Assert.Null(withOverview.Overview);
            }
            switch (customer)
            {
                case "gus":
                    Assert.Equal((Utc(2027, 4, 1), "Madrid", "ES"), (read.Clock, read.Customer.Address?.City, read.Customer.Address?.Country));
                    Assert.True(read.CatalogVersion > 0, $"catalog version {read.CatalogVersion}");
                    Assert.NotNull(subscription);
                    Assert.Equal((sub, true, 1900L, DateTimeKind.Utc), (subscription.Id, subscription.CancelAtPeriodEnd, subscription.BasePrice,
                        subscription.CancelRequestedAt!.Value.Kind));
                    Assert.Contains("\"4242\"", card);
                    Assert.Single(byCommandInvoices);
                    break;
                case "hal":
                    Assert.Null(subscription);
                    Assert.Null(read.Customer.Address);
                    Assert.Equal(("null", "[]"), (card, invoices));
                    break;
                case "kit":
                    Assert.Equal((kitsLive, Domain.Billing.SubscriptionStatus.Active), (subscription?.Id, subscription?.Status));
                    Assert.Contains("\"4242\"", card);
                    Assert.Single(byCommandInvoices);
                    break;
                default:
                    Assert.Equal(((DateTime?)null, 0L, (Domain.Address?)null), (read.Clock, read.CatalogVersion, read.Customer.Address));
                    Assert.Null(subscription);
                    break;
            }
        }
        // Not a session's hash: nothing.
        await using var other = a.Db();
        await other.Database.OpenConnectionAsync();
        Assert.Null(await other.ReadPortalSessionAsync(new string('0', 64), overview: true, CancellationToken.None));
    }
}

public sealed class PortalOverviewFreshnessTests_Sqlite(SqliteServer server, ITestOutputHelper output) : PortalOverviewFreshnessTests<SqliteServer>(server, output);

public sealed class PortalOverviewFreshnessTests_Postgres(PostgresServer server, ITestOutputHelper output) : PortalOverviewFreshnessTests<PostgresServer>(server, output);
