using System.Net;
using System.Text.RegularExpressions;
using Commet.Domain.Billing;
using Commet.Server.Dashboard;
using Commet.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Commet.Server.Tests.Infrastructure.BillingApi;

namespace Commet.Server.Tests;

/// <summary>
/// The dashboard's home figures (MRR, active subscriptions, revenue per day, churn) on a scenario worked out by hand,
/// moved through the sandbox test clock, on both databases; and the new-customer and start-subscription forms.
/// </summary>
public abstract class DashboardHomeTests<TServer>(TServer server) : IClassFixture<TServer>
    where TServer : ServerFixture
{
    private static string Org(TestTenant t, string rest = "", string mode = "sandbox") => $"/dashboard/{t.OrganizationId}/{mode}" + (rest.Length > 0 ? "/" + rest : "");

    private static DateTime At(int month, int day) => new(2027, month, day, 10, 0, 0, DateTimeKind.Utc);

    private static string Flat(DashboardPage page) => DashboardMarkup.Flat(page.Html);

    private async Task<DashboardClient> SignedInAsync(TestTenant t, string role)
    {
        var email = await server.AddMemberAsync(t.OrganizationId, role);
        var browser = new DashboardClient(server);
        Assert.Equal("/dashboard", (await browser.SignIn(email, DashboardMembers.Password)).Location);
        return browser;
    }

    [Fact]
    public async Task Home_ShowsMrrRevenueChurnAndRunningSubscriptions_AsWorkedOutByHand()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.Plan("basic", 1900);                       // $19.00 a month
        await api.Plan("pro", 49000, interval: "yearly");    // $490.00 a year
        // Jan 10: dan on pro, yearly, paid 49000 (before the 30-day range, inside the 90-day one).
        await api.SetClock(At(1, 10));
        await api.Customer("dan");
        await api.Subscribe("dan", "pro");
        // Mar 1: ann on basic (1900) and bob on pro (49000); eve has no card, so hers waits for a first payment.
        await api.SetClock(At(3, 1));
        await api.Customer("ann");
        await api.Subscribe("ann", "basic");
        await api.Customer("bob");
        await api.Subscribe("bob", "pro");
        await api.Customer("eve", card: null);
        Assert.Equal(SubscriptionStatus.PendingPayment, (await api.Subscribe("eve", "basic")).Str("status"));
        // Mar 3: cat on basic (1900); Mar 5: cat's payment is refunded in full, which ends cat's subscription.
        await api.SetClock(At(3, 3));
        var cat = await api.Customer("cat");
        await api.Subscribe("cat", "basic");
        await api.SetClock(At(3, 5));
        string catPayment;
        await using (var db = t.Db())
        {
            catPayment = await db.Transactions.Where(x => x.CustomerId == cat && x.Status == TransactionStatus.Succeeded).Select(x => x.Id).SingleAsync();
        }
        await api.PostJson($"/api/v1/transactions/{catPayment}/refund", new { }).Ok();

        using var support = await SignedInAsync(t, DashboardRoles.Support);
        var page = await support.Get(Org(t));
        Assert.Equal(HttpStatusCode.OK, page.Status);
        var html = Flat(page);

        // MRR: ann's 1900 a month + dan's and bob's pro, 49000 + 49000 = 98000 a year ÷ 12 = 8166.67 → 8167 (one rounding
        // per currency and interval); 1900 + 8167 = 10067. cat's is canceled, eve's is not paid yet.
        Assert.Contains("data-mrr=\"USD\">$100.67<", html, StringComparison.Ordinal);
        Assert.Contains("id=\"active-subscriptions\">3<", html, StringComparison.Ordinal);
        // The last 30 days are Feb 4 – Mar 5. Revenue: Mar 1 1900 + 49000 = 50900; Mar 3 1900; Mar 5 −1900 (the refund);
        // 50900 + 1900 − 1900 = 50900. dan's Jan 10 payment is outside.
        Assert.Contains("2027-02-04 to 2027-03-05", page.Text, StringComparison.Ordinal);
        Assert.Contains("data-revenue=\"USD\">$509.00<", html, StringComparison.Ordinal);
        // Churn: running on Feb 4 = dan (1); started in the range = ann, bob, cat (3; eve never started); ended = cat (1).
        // 1 ÷ (1 + 3) = 25.0 %.
        Assert.Contains("id=\"churn\">25.0 %<", html, StringComparison.Ordinal);
        Assert.Contains("id=\"churn-ended\">1<", html, StringComparison.Ordinal);
        Assert.Contains("id=\"churn-base\">4<", html, StringComparison.Ordinal);
        // By day: new, ended, running at the end of the day (1 before Mar 1), revenue.
        Assert.Contains("<tr id=\"day-2027-03-01\"><th scope=\"row\">2027-03-01</th><td class=\"num\">2</td><td class=\"num\">0</td><td class=\"num\">3</td><td class=\"num\">$509.00</td></tr>", html, StringComparison.Ordinal);
        Assert.Contains("<tr id=\"day-2027-03-03\"><th scope=\"row\">2027-03-03</th><td class=\"num\">1</td><td class=\"num\">0</td><td class=\"num\">4</td><td class=\"num\">$19.00</td></tr>", html, StringComparison.Ordinal);
        Assert.Contains("<tr id=\"day-2027-03-05\"><th scope=\"row\">2027-03-05</th><td class=\"num\">0</td><td class=\"num\">1</td><td class=\"num\">3</td><td class=\"num\">-$19.00</td></tr>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("day-2027-01-10", html, StringComparison.Ordinal);
        // The charts are SVG drawn here: a bar per day with a value, its day and amount in the tooltip.
        Assert.Contains("<title>2027-03-01: $509.00</title>", html, StringComparison.Ordinal);
        Assert.Contains("<title>2027-03-05: -$19.00</title>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);

        // 90 days (Dec 6 – Mar 5): dan's 49000 is in; 50900 + 49000 = 99900. Churn 1 ÷ (0 running on Dec 6 + 4 started) = 25.0 %.
        var quarter = Flat(await support.Get(Org(t) + "?days=90"));
        Assert.Contains("data-revenue=\"USD\">$999.00<", quarter, StringComparison.Ordinal);
        Assert.Contains("id=\"churn-base\">4<", quarter, StringComparison.Ordinal);
        Assert.Contains("<tr id=\"day-2027-01-10\"><th scope=\"row\">2027-01-10</th><td class=\"num\">1</td><td class=\"num\">0</td><td class=\"num\">1</td><td class=\"num\">$490.00</td></tr>", quarter, StringComparison.Ordinal);
        // 365 days: the same money; anything else than 30, 90 or 365 is 30.
        Assert.Contains("data-revenue=\"USD\">$999.00<", Flat(await support.Get(Org(t) + "?days=365")), StringComparison.Ordinal);
        Assert.Contains("data-revenue=\"USD\">$509.00<", Flat(await support.Get(Org(t) + "?days=7%27")), StringComparison.Ordinal);

        // Live has none of it.
        var live = Flat(await support.Get(Org(t, mode: "live")));
        Assert.Contains("id=\"active-subscriptions\">0<", live, StringComparison.Ordinal);
        Assert.DoesNotContain("data-revenue=", live, StringComparison.Ordinal);
        Assert.DoesNotContain("data-mrr=", live, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NewCustomerAndSubscriptionForms_UseTheApisRules_AndRefuseADeveloper()
    {
        var t = await server.NewTenantAsync();
        await t.Api.SetClock(At(3, 1));
        await t.Api.Plan("basic", 1900);
        using var support = await SignedInAsync(t, DashboardRoles.Support);
        await support.Get(Org(t, "customers"));

        // The API's validation, on the form, nothing written.
        var bad = await support.Post(Org(t, "customers") + "?handler=Create", new Dictionary<string, string> { ["email"] = "not an email", ["fullName"] = "Ann" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.Status);
        Assert.Contains("id=\"new-email-error\"", bad.Html, StringComparison.Ordinal);
        Assert.Contains("value=\"Ann\"", bad.Html, StringComparison.Ordinal);
        await using (var db = t.Db())
        {
            Assert.Equal(0, await db.Customers.CountAsync());
        }

        var made = await support.Post(Org(t, "customers") + "?handler=Create",
            new Dictionary<string, string> { ["email"] = "ann@example.com", ["fullName"] = "Ann Lee", ["externalId"] = "user_1" });
        Assert.Equal(HttpStatusCode.Redirect, made.Status);
        string id;
        await using (var db = t.Db())
        {
            var customer = await db.Customers.SingleAsync();
            Assert.Equal(("ann@example.com", "Ann Lee", "user_1"), (customer.Email, customer.FullName, customer.ExternalId));
            id = customer.Id;
        }
        Assert.Equal(Org(t, "customers/" + id) + "?created=1", made.Location);

        // A developer reads customers but may not create one or start a subscription.
        var devEmail = await server.AddMemberAsync(t.OrganizationId, DashboardRoles.Developer);
        using var developer = new DashboardClient(server);
        await developer.SignIn(devEmail, DashboardMembers.Password);
        var list = await developer.Get(Org(t, "customers"));
        Assert.Equal(HttpStatusCode.OK, list.Status);
        Assert.DoesNotContain("New customer", list.Html, StringComparison.Ordinal);
        var refused = await developer.Post(Org(t, "customers") + "?handler=Create", new Dictionary<string, string> { ["email"] = "bob@example.com" });
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);

        // No card: the API's rule, the subscription waits for its first payment. Then a card, and a second one is refused.
        var customerPage = await support.Get(Org(t, "customers/" + id));
        Assert.Contains("Start a subscription", customerPage.Html, StringComparison.Ordinal);
        string planId;
        await using (var db = t.Db())
        {
            planId = await db.Plans.Select(p => p.Id).SingleAsync();
        }
        var refusedSubscribe = await developer.Post(Org(t, "customers/" + id) + "?handler=Subscribe", new Dictionary<string, string> { ["planId"] = planId });
        Assert.Equal(HttpStatusCode.Forbidden, refusedSubscribe.Status);
        var started = await support.Post(Org(t, "customers/" + id) + "?handler=Subscribe", new Dictionary<string, string> { ["planId"] = planId });
        Assert.Equal(Org(t, "customers/" + id) + "?subscribed=pending_payment", started.Location);
        var again = await support.Post(Org(t, "customers/" + id) + "?handler=Subscribe", new Dictionary<string, string> { ["planId"] = planId });
        Assert.Equal(HttpStatusCode.Conflict, again.Status);
        await using (var db = t.Db())
        {
            Assert.Equal(1, await db.Subscriptions.CountAsync());
        }
        await using var raw = server.RawDb();
        Assert.Equal(1, await raw.AuditLog.CountAsync(a => a.OrganizationId == t.OrganizationId && a.Action == AuditActions.CustomerCreated));
        Assert.Equal(1, await raw.AuditLog.CountAsync(a => a.OrganizationId == t.OrganizationId && a.Action == AuditActions.SubscriptionCreated));
    }
}

public static partial class DashboardMarkup
{
    [GeneratedRegex(@">\s+<")]
    private static partial Regex Between();

    /// <summary>The markup with the whitespace between tags taken out, so rows read as one string.</summary>
    public static string Flat(string html) => Between().Replace(html, "><");
}

public sealed class DashboardHomeTests_Sqlite(SqliteServer server) : DashboardHomeTests<SqliteServer>(server);

public sealed class DashboardHomeTests_Postgres(PostgresServer server) : DashboardHomeTests<PostgresServer>(server);
