using System.Text.RegularExpressions;
using Commet.Domain.Billing;
using Commet.Server.Dashboard;
using Commet.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Commet.Server.Tests.Infrastructure.BillingApi;

namespace Commet.Browser.Tests;

/// <summary>
/// The merchant's dashboard in real Chromium: the first run through to a refund, roles, organizations kept apart
/// (tampered IDs in URLs and forms), antiforgery and the sign-in lockout; axe on every page, and screenshots of every
/// page at phone and desktop widths (tests/Commet.Browser.Tests/screenshots/dashboard, not kept in git).
/// </summary>
[Collection(DashboardBrowserCollection.Name)]
public sealed class DashboardJourneyTests(DashboardBrowserFixture fixture)
{
    private const string OwnerPassword = "a long owner passphrase";

    private static ILocator Button(IPage page, string name) => page.GetByRole(AriaRole.Button, new() { Name = name, Exact = true });

    private static ILocator Link(IPage page, string name) => page.GetByRole(AriaRole.Link, new() { Name = name, Exact = true });

    private static ILocator Heading(IPage page, string name) => page.GetByRole(AriaRole.Heading, new() { Name = name, Exact = true });

    private static async Task SeeAsync(IPage page, string text) =>
        await Assertions.Expect(page.GetByText(text, new() { Exact = false }).First).ToBeVisibleAsync();

    private static async Task SignInAsync(DashboardVisit v, string email, string password = DashboardMembers.Password)
    {
        await v.GotoAsync("/dashboard/sign-in");
        await v.Page.GetByLabel("Email").FillAsync(email);
        await v.Page.GetByLabel("Password", new() { Exact = true }).FillAsync(password);
        await Button(v.Page, "Sign in").ClickAsync();
    }

    [Fact]
    public async Task FirstRun_ToOrganization_Plan_Customer_Subscription_Portal_AndRefund_WithEveryPageShotAndChecked()
    {
        var server = await DashboardBrowserFixture.FreshServerAsync();
        try
        {
            await using var v = await fixture.StartAsync("dashboard", server);
            var p = v.Page;

            // A fresh server: the first visit asks for the owner.
            await v.GotoAsync("/dashboard");
            Assert.Equal("/dashboard/setup", v.PathNow);
            await v.AccessibleAsync();
            await v.ShotAsync("setup");
            await p.GetByLabel("Your email").FillAsync("owner@example.com");
            await p.GetByLabel("Password").FillAsync(OwnerPassword);
            await Button(p, "Create the owner").ClickAsync();
            await Assertions.Expect(Heading(p, "Home")).ToBeVisibleAsync();

            // A second organization, its keys shown once.
            await v.GotoAsync("/dashboard/organizations/new");
            await v.AccessibleAsync();
            await v.ShotAsync("organization-new");
            await p.GetByLabel("Name").FillAsync("Northwind Labs");
            await Button(p, "Create").ClickAsync();
            await Assertions.Expect(Heading(p, "Northwind Labs is ready")).ToBeVisibleAsync();
            Assert.StartsWith("ck_test_", await p.Locator("#sandbox-key").InnerTextAsync(), StringComparison.Ordinal);
            await Link(p, "Open Northwind Labs").ClickAsync();
            await Assertions.Expect(Heading(p, "Home")).ToBeVisibleAsync();
            var org = new Uri(p.Url).AbsolutePath;
            Assert.Matches("^/dashboard/org_[^/]+/sandbox$", org);

            // The catalog: a group, then a $20.00 monthly plan in it.
            await Link(p, "Catalog").ClickAsync();
            await p.Locator("#group-name").FillAsync("Main");
            await Button(p, "Create group").ClickAsync();
            await SeeAsync(p, "Created");
            await p.Locator("#plan-name").FillAsync("Pro");
            await p.Locator("#plan-code").FillAsync("pro");
            await p.Locator("#plan-group").SelectOptionAsync(new SelectOptionValue { Label = "Main" });
            await p.Locator("#plan-price").FillAsync("20.00");
            await Button(p, "Create plan").ClickAsync();
            await SeeAsync(p, "Created pro");
            var planRow = p.Locator("#plans tbody tr").Filter(new() { HasText = "pro" });
            await Assertions.Expect(planRow).ToContainTextAsync("Main");
            await Assertions.Expect(planRow).ToContainTextAsync("$20.00 monthly");
            var plan = await planRow.Locator("a").First.GetAttributeAsync("href");
            Assert.NotNull(plan);

            // A customer, a sandbox card, a subscription (charged now: $20.00).
            await Link(p, "Customers").ClickAsync();
            await p.Locator("#new-email").FillAsync("ann@example.com");
            await p.Locator("#new-name").FillAsync("Ann Lee");
            await Button(p, "Create customer").ClickAsync();
            await SeeAsync(p, "Customer created.");
            await Button(p, "Add as default card").ClickAsync();
            await SeeAsync(p, "Test card ending 4242 added");
            await p.Locator("#subscribe-plan").SelectOptionAsync(new SelectOptionValue { Label = "Pro (pro)" });
            await Button(p, "Start subscription").ClickAsync();
            await SeeAsync(p, "Subscription started; it is active.");
            var customer = new Uri(p.Url).AbsolutePath;

            // Home counts it: MRR $20.00, one active, $20.00 collected today.
            await Link(p, "Home").ClickAsync();
            await Assertions.Expect(p.Locator("[data-mrr=USD]")).ToHaveTextAsync("$20.00");
            await Assertions.Expect(p.Locator("#active-subscriptions")).ToHaveTextAsync("1");
            await Assertions.Expect(p.Locator("[data-revenue=USD]")).ToHaveTextAsync("$20.00");
            await Assertions.Expect(p.Locator("svg.chart rect")).Not.ToHaveCountAsync(0);

            // Support's view of the customer's portal.
            await v.GotoAsync(customer);
            await Button(p, "Open the portal as this customer").ClickAsync();
            await Assertions.Expect(p).ToHaveURLAsync(new Regex("/portal$"));
            await Assertions.Expect(Heading(p, "Your subscription")).ToBeVisibleAsync();
            await SeeAsync(p, "$20.00 per month");
            await v.ShotAsync("portal-as-customer");

            // The invoice, refunded in full from its page (which ends the subscription).
            await v.GotoAsync(customer);
            await p.Locator("table a[href*='/invoices/']").First.ClickAsync();
            await Button(p, "Refund $20.00 in full").ClickAsync();
            await SeeAsync(p, "Refunded in full.");
            var invoice = new Uri(p.Url).AbsolutePath;
            await v.GotoAsync(org);
            // $20.00 in, $20.00 back: $0.00; the one subscription that ran ended: 100.0 % churn.
            await Assertions.Expect(p.Locator("[data-revenue=USD]")).ToHaveTextAsync("$0.00");
            await Assertions.Expect(p.Locator("#churn")).ToHaveTextAsync("100.0 %");

            // A sandbox webhook endpoint (loopback is allowed in sandbox), so its page has something to show.
            await v.GotoAsync(org + "/webhooks");
            await p.Locator("#url").FillAsync("http://127.0.0.1:9/commet-hooks");
            await Button(p, "Add endpoint").ClickAsync();
            await Assertions.Expect(p.Locator("#new-secret")).ToBeVisibleAsync();
            var webhook = await p.Locator("table a[href*='/webhooks/']").First.GetAttributeAsync("href");
            Assert.NotNull(webhook);

            // An invitation link for someone new (shown once on the members page), opened below once signed out.
            await v.GotoAsync(org + "/members");
            await p.Locator("#email").FillAsync("new-hire@example.com");
            await Button(p, "Create invitation link").ClickAsync();
            var invitation = new Uri(await p.Locator("#invitation-link").InnerTextAsync()).PathAndQuery;
            Assert.StartsWith("/dashboard/invitations/", invitation, StringComparison.Ordinal);

            // Every page of the organization and the account: it loads, passes axe, and is shot at both widths.
            var pages = new (string Name, string Path)[]
            {
                ("home", org), ("home-365-days", org + "?days=365"), ("home-live", org[..^"sandbox".Length] + "live"),
                ("customers", org + "/customers"), ("customer", customer), ("invoices", org + "/invoices"), ("invoice", invoice),
                ("events", org + "/events"), ("catalog", org + "/catalog"), ("plan", plan!), ("developers", org + "/developers"),
                ("webhooks", org + "/webhooks"), ("webhook", webhook!), ("settings", org + "/settings"), ("transactions", org + "/transactions"),
                ("test-clock", org + "/test-clock"), ("members", org + "/members"), ("audit-log", org + "/audit"),
                ("account", "/dashboard/account"), ("organization-new-form", "/dashboard/organizations/new"),
            };
            foreach (var (name, path) in pages)
            {
                Assert.Equal(200, await v.GotoAsync(path));
                await v.AccessibleAsync();
                await v.ShotAsync(name);
            }
            await Button(p, "Sign out").ClickAsync();
            await v.GotoAsync("/dashboard/sign-in");
            await v.AccessibleAsync();
            await v.ShotAsync("sign-in");
            // The pages of a forgotten password (this server has no SMTP: the page says what to do instead).
            foreach (var (name, path) in new[] { ("forgot-password", "/dashboard/forgot-password"), ("reset-password", "/dashboard/reset-password?email=a%40example.com&token=x") })
            {
                Assert.Equal(200, await v.GotoAsync(path));
                await v.AccessibleAsync();
                await v.ShotAsync(name);
            }
            // The invitation as the invited person sees it, signed out: join the organization with a new account.
            Assert.Equal(200, await v.GotoAsync(invitation));
            await Assertions.Expect(Heading(p, "Join Northwind Labs")).ToBeVisibleAsync();
            await v.AccessibleAsync();
            await v.ShotAsync("invitation");
            // A member with two-factor sign-in on: the password leads to the code page.
            var guarded = await server.AddMemberAsync(org.Split('/')[2], DashboardRoles.Developer);
            await using (var scope = server.Services.CreateAsyncScope())
            {
                var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<DashboardUser>>();
                var user = await users.FindByEmailAsync(guarded);
                Assert.NotNull(user);
                Assert.True((await users.ResetAuthenticatorKeyAsync(user)).Succeeded);
                Assert.True((await users.SetTwoFactorEnabledAsync(user, true)).Succeeded);
            }
            await SignInAsync(v, guarded);
            await Assertions.Expect(p).ToHaveURLAsync(new Regex("/dashboard/sign-in/two-factor"));
            await Assertions.Expect(Heading(p, "Enter your code")).ToBeVisibleAsync();
            await v.AccessibleAsync();
            await v.ShotAsync("two-factor-code");
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task Home_DrawsAMonthOfRevenueAndSubscriptions_WithExactFigures()
    {
        var server = fixture.Server;
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.Plan("basic", 1900);
        await api.Plan("pro", 4900);
        var start = new DateTime(2027, 3, 1, 9, 0, 0, DateTimeKind.Utc);
        // Twelve customers, one every other day from Mar 1: basic for even k, pro for odd k, each charged at once.
        var customers = new List<string>();
        for (var k = 0; k < 12; k++)
        {
            await api.SetClock(start.AddDays(2 * k));
            customers.Add(await api.Customer($"c{k}"));
            await api.Subscribe($"c{k}", k % 2 == 0 ? "basic" : "pro");
        }
        // Mar 26: c3 (pro) and c8 (basic) refunded in full, which ends their subscriptions.
        await api.SetClock(start.AddDays(25));
        foreach (var k in new[] { 3, 8 })
        {
            await using var db = t.Db();
            var payment = await db.Transactions.Where(x => x.CustomerId == customers[k]).Select(x => x.Id).SingleAsync();
            await api.PostJson($"/api/v1/transactions/{payment}/refund", new { }).Ok();
        }
        await api.SetClock(start.AddDays(29));
        var email = await server.AddMemberAsync(t.OrganizationId, DashboardRoles.Owner);
        await using var v = await fixture.StartAsync("home", server);
        var p = v.Page;
        await SignInAsync(v, email);

        // Collected: 6 × 1900 + 6 × 4900 = 11400 + 29400 = 40800; refunded 4900 + 1900 = 6800; 40800 − 6800 = 34000.
        await Assertions.Expect(p.Locator("[data-revenue=USD]")).ToHaveTextAsync("$340.00");
        // MRR: five basic left (5 × 1900 = 9500) and five pro (5 × 4900 = 24500): 34000.
        await Assertions.Expect(p.Locator("[data-mrr=USD]")).ToHaveTextAsync("$340.00");
        await Assertions.Expect(p.Locator("#active-subscriptions")).ToHaveTextAsync("10");
        // Churn: 2 ended ÷ (0 running on Mar 1 + 12 started) = 16.67 % → 16.7 %.
        await Assertions.Expect(p.Locator("#churn")).ToHaveTextAsync("16.7 %");
        // A bar on each of the twelve paying days, and the refund day below the line.
        await Assertions.Expect(p.Locator("svg.chart").First.Locator("rect:not(.neg)")).ToHaveCountAsync(12);
        await Assertions.Expect(p.Locator("svg.chart").First.Locator("rect.neg")).ToHaveCountAsync(1);
        await p.GetByText("The figures by day").ClickAsync();
        await Assertions.Expect(p.Locator("#day-2027-03-26")).ToContainTextAsync("-$68.00");
        await v.AccessibleAsync();
        await v.ShotAsync("month");
    }

    [Fact]
    public async Task Support_SeesNeitherKeysNorCatalog_AndTheirFormPostsAreRefused()
    {
        var server = fixture.Server;
        var t = await server.NewTenantAsync();
        var email = await server.AddMemberAsync(t.OrganizationId, DashboardRoles.Support);
        var org = $"/dashboard/{t.OrganizationId}/sandbox";
        await using var v = await fixture.StartAsync("support", server);
        var p = v.Page;
        await SignInAsync(v, email);
        await Assertions.Expect(Heading(p, "Home")).ToBeVisibleAsync();

        await Assertions.Expect(Link(p, "Customers")).ToBeVisibleAsync();
        await Assertions.Expect(Link(p, "Catalog")).ToHaveCountAsync(0);
        await Assertions.Expect(Link(p, "Developers")).ToHaveCountAsync(0);
        Assert.Equal(403, await v.GotoAsync(org + "/developers"));
        await Assertions.Expect(Heading(p, "Not allowed")).ToBeVisibleAsync();
        Assert.DoesNotContain("ck_test_", await p.ContentAsync(), StringComparison.Ordinal);
        await v.AccessibleAsync();
        await v.ShotAsync("refused");
        Assert.Equal(403, await v.GotoAsync(org + "/catalog"));

        // Crafted posts from the signed-in browser, with a valid token taken from a page support may use.
        await v.GotoAsync(org + "/customers");
        var token = await v.TokenAsync();
        Assert.Equal(403, await v.PostAsync(org + "/developers?handler=Create", new() { ["name"] = "mine", ["__RequestVerificationToken"] = token }));
        Assert.Equal(403, await v.PostAsync(org + "/catalog?handler=Feature",
            new() { ["name"] = "Seats", ["code"] = "seats", ["type"] = "seats", ["__RequestVerificationToken"] = token }));
        Assert.Equal(403, await v.PostAsync(org + "/catalog?handler=Plan",
            new() { ["name"] = "Pro", ["code"] = "pro", ["billingInterval"] = "monthly", ["price"] = "20", ["__RequestVerificationToken"] = token }));
        // The token was good: the same token creates a customer, which support may.
        Assert.Equal(302, await v.PostAsync(org + "/customers?handler=Create", new() { ["email"] = "ann@example.com", ["__RequestVerificationToken"] = token }));

        await using var db = t.Db();
        Assert.Equal(0, await db.Features.CountAsync());
        Assert.Equal(0, await db.Plans.CountAsync());
        Assert.Equal(1, await db.Customers.CountAsync());
        await using var raw = server.RawDb();
        Assert.Equal(1, await raw.ApiKeys.IgnoreQueryFilters().CountAsync(k => k.OrganizationId == t.OrganizationId));
    }

    [Fact]
    public async Task AMemberOfOneOrganization_NeverSeesAnothers_WithTamperedIdsInUrlsAndForms()
    {
        var server = fixture.Server;
        var a = await server.NewTenantAsync();
        var b = await server.NewTenantAsync();
        await b.Api.Plan("basic", 1900);
        var bob = await b.Api.Customer("bob");
        await b.Api.Subscribe("bob", "basic");
        string bInvoice, bPlan, bTransaction;
        await using (var db = b.Db())
        {
            var txn = await db.Transactions.SingleAsync();
            (bInvoice, bTransaction) = (txn.InvoiceId!, txn.Id);
            bPlan = await db.Plans.Select(x => x.Id).SingleAsync();
        }
        await a.Api.Plan("basic", 1900);
        var ann = await a.Api.Customer("ann", card: null);
        var email = await server.AddMemberAsync(a.OrganizationId, DashboardRoles.Admin);
        var orgA = $"/dashboard/{a.OrganizationId}/sandbox";
        await using var v = await fixture.StartAsync("isolation", server);
        var p = v.Page;
        await SignInAsync(v, email);
        await Assertions.Expect(Heading(p, "Home")).ToBeVisibleAsync();

        // URLs: B's organization, and B's customer and invoice under A.
        Assert.Equal(404, await v.GotoAsync($"/dashboard/{b.OrganizationId}/sandbox"));
        await Assertions.Expect(Heading(p, "Not found")).ToBeVisibleAsync();
        await v.AccessibleAsync();
        await v.ShotAsync("not-found");
        Assert.Equal(404, await v.GotoAsync($"/dashboard/{b.OrganizationId}/sandbox/customers/{bob}"));
        Assert.Equal(404, await v.GotoAsync($"{orgA}/customers/{bob}"));
        Assert.Equal(404, await v.GotoAsync($"{orgA}/customers/bob"));
        Assert.Equal(404, await v.GotoAsync($"{orgA}/invoices/{bInvoice}"));
        Assert.Equal(200, await v.GotoAsync($"{orgA}/customers?q=bob%40example.com"));
        await SeeAsync(p, "No customer matches.");

        // Forms on A's customer page with B's IDs put in: the portal for B's customer, a subscription on B's plan.
        await v.GotoAsync($"{orgA}/customers/{ann}");
        await p.Locator("form:has(button:text-is('Open the portal as this customer')) input[name=customerId]").EvaluateAsync("(e, id) => e.value = id", bob);
        var portal = await p.RunAndWaitForResponseAsync(() => Button(p, "Open the portal as this customer").ClickAsync(), r => r.Request.Method == "POST");
        Assert.Equal(404, portal.Status);
        await v.GotoAsync($"{orgA}/customers/{ann}");
        await p.Locator("#subscribe-plan option").First.EvaluateAsync("(e, id) => e.value = id", bPlan);
        var subscribe = await p.RunAndWaitForResponseAsync(() => Button(p, "Start subscription").ClickAsync(), r => r.Request.Method == "POST");
        Assert.Equal(404, subscribe.Status);
        await SeeAsync(p, "No plan with ID or code");
        // A crafted refund of B's invoice under A.
        await v.GotoAsync($"{orgA}/invoices");
        Assert.Equal(404, await v.PostAsync($"{orgA}/invoices/{bInvoice}?handler=Refund", new() { ["__RequestVerificationToken"] = await v.TokenAsync() }));

        await using (var db = a.Db())
        {
            Assert.Equal(0, await db.Subscriptions.CountAsync());
        }
        await using (var db = b.Db())
        {
            Assert.Equal(TransactionStatus.Succeeded, (await db.Transactions.SingleAsync(x => x.Id == bTransaction)).Status);
            Assert.Equal(1, await db.Subscriptions.CountAsync());
        }
        await using var raw = server.RawDb();
        Assert.Equal(0, await raw.AuditLog.CountAsync(x => x.OrganizationId == a.OrganizationId && x.Action == AuditActions.PortalOpened));
    }

    [Fact]
    public async Task AFormWithoutItsAntiforgeryToken_IsRefused_AndWritesNothing()
    {
        var server = fixture.Server;
        var t = await server.NewTenantAsync();
        var email = await server.AddMemberAsync(t.OrganizationId, DashboardRoles.Admin);
        var org = $"/dashboard/{t.OrganizationId}/sandbox";
        await using var v = await fixture.StartAsync("antiforgery", server);
        var p = v.Page;
        await SignInAsync(v, email);
        await Assertions.Expect(Heading(p, "Home")).ToBeVisibleAsync();

        await v.GotoAsync(org + "/customers");
        await p.Locator("#new-email").FillAsync("ann@example.com");
        await p.EvaluateAsync("() => document.querySelectorAll('input[name=__RequestVerificationToken]').forEach(e => e.remove())");
        var missing = await p.RunAndWaitForResponseAsync(() => Button(p, "Create customer").ClickAsync(), r => r.Request.Method == "POST");
        Assert.Equal(400, missing.Status);
        await Assertions.Expect(Heading(p, "This form expired")).ToBeVisibleAsync();
        await v.AccessibleAsync();
        await v.ShotAsync("form-expired");

        await v.GotoAsync(org + "/customers");
        await p.Locator("#new-email").FillAsync("ann@example.com");
        await p.EvaluateAsync("() => document.querySelectorAll('input[name=__RequestVerificationToken]').forEach(e => e.value = 'forged')");
        var forged = await p.RunAndWaitForResponseAsync(() => Button(p, "Create customer").ClickAsync(), r => r.Request.Method == "POST");
        Assert.Equal(400, forged.Status);

        await using var db = t.Db();
        Assert.Equal(0, await db.Customers.CountAsync());
    }

    [Fact]
    public async Task FiveFailedSignIns_LockTheMemberOut_EvenWithTheRightPassword()
    {
        var server = fixture.Server;
        var t = await server.NewTenantAsync();
        var email = await server.AddMemberAsync(t.OrganizationId, DashboardRoles.Support);
        await using var v = await fixture.StartAsync("lockout", server);
        var p = v.Page;

        for (var i = 1; i <= 4; i++)
        {
            await SignInAsync(v, email, "not the password " + i);
            await SeeAsync(p, "The email or the password is wrong.");
        }
        await SignInAsync(v, email, "not the password 5");
        await SeeAsync(p, "Too many failed sign-ins");
        var right = await p.RunAndWaitForResponseAsync(() => SignInAsync(v, email), r => r.Request.Method == "POST");
        Assert.Equal(429, right.Status);
        await SeeAsync(p, "Too many failed sign-ins");
        await v.AccessibleAsync();
        await v.ShotAsync("locked");
        // Still signed out.
        await v.GotoAsync($"/dashboard/{t.OrganizationId}/sandbox");
        Assert.StartsWith("/dashboard/sign-in", v.PathNow, StringComparison.Ordinal);
    }
}
