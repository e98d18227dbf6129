using System.Net;
using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Dashboard;
using Commet.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Tests;

/// <summary>
/// The dashboard's catalog, invoice and customer pages: roles enforced on the page and on each form post, the API's
/// validation shown on the form with nothing written, one refund however often the form is sent, and another
/// organization's invoice never found.
/// </summary>
public abstract class DashboardPagesTests<TServer>(TServer server) : IClassFixture<TServer>
    where TServer : ServerFixture
{
    private static string Org(TestTenant t, string rest = "") => $"/dashboard/{t.OrganizationId}/sandbox" + (rest.Length > 0 ? "/" + rest : "");

    private static Dictionary<string, string> Form(params (string Key, string Value)[] fields) => fields.ToDictionary(f => f.Key, f => f.Value);

    private async Task<DashboardClient> SignedInAsync(TestTenant t, string role)
    {
        var email = await server.AddMemberAsync(t.OrganizationId, role);
        var browser = new DashboardClient(server);
        Assert.Equal("/dashboard", (await browser.SignIn(email, DashboardMembers.Password)).Location);
        return browser;
    }

    [Fact]
    public async Task AHandlerThePageDoesNotHave_IsNotFound_NeverThePageRenderedWithNothingLoaded()
    {
        var t = await server.NewTenantAsync();
        using var owner = await SignedInAsync(t, DashboardRoles.Owner);

        Assert.Equal(HttpStatusCode.OK, (await owner.Get(Org(t))).Status); // and the signed-in member's form token
        // The home page (the ".." of a hostile URL lands there) and a list page, posted with handler names they do not
        // have; a read with an unknown handler name is the page's own read (Razor Pages falls back to OnGet).
        var home = await owner.Post(Org(t) + "?handler=ChangePlan", Form(("subscriptionId", "sub_x")));
        var customers = await owner.Post(Org(t, "customers") + "?handler=Delete", Form(("id", "x")));
        var webhooks = await owner.Get(Org(t, "webhooks") + "?handler=Nope");

        Assert.Equal(HttpStatusCode.NotFound, home.Status);
        Assert.Equal(HttpStatusCode.NotFound, customers.Status);
        Assert.Equal(HttpStatusCode.OK, webhooks.Status);
        Assert.Contains("Webhook", webhooks.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Support_IsRefused_TheCatalogPage_AndItsFormPosts()
    {
        var t = await server.NewTenantAsync();
        await t.Api.PostJson("/api/v1/features/manage", new { code = "api_calls", name = "API calls", type = "usage" }).Ok();
        using var support = await SignedInAsync(t, DashboardRoles.Support);

        var customers = await support.Get(Org(t, "customers"));
        Assert.Equal(HttpStatusCode.OK, customers.Status);
        Assert.DoesNotContain("/catalog", customers.Html, StringComparison.Ordinal);
        var page = await support.Get(Org(t, "catalog"));
        var create = await support.Post(Org(t, "catalog") + "?handler=Feature", Form(("name", "Seats"), ("code", "seats"), ("type", "seats")));
        var archive = await support.Post(Org(t, "catalog") + "?handler=ArchiveFeature", Form(("code", "api_calls")));
        var plan = await support.Post(Org(t, "catalog") + "?handler=Plan", Form(("name", "Pro"), ("code", "pro"), ("billingInterval", "monthly"), ("price", "20")));

        Assert.Equal(HttpStatusCode.Forbidden, page.Status);
        Assert.Equal(HttpStatusCode.Forbidden, create.Status);
        Assert.Equal(HttpStatusCode.Forbidden, archive.Status);
        Assert.Equal(HttpStatusCode.Forbidden, plan.Status);
        await using (var db = t.Db())
        {
            Assert.Equal(["api_calls"], await db.Features.Where(f => f.DeletedAt == null).Select(f => f.Code).ToListAsync());
            Assert.Equal(0, await db.Plans.CountAsync());
        }

        // A developer may: the same posts create and archive, audited.
        using var developer = await SignedInAsync(t, DashboardRoles.Developer);
        Assert.Equal(HttpStatusCode.OK, (await developer.Get(Org(t, "catalog"))).Status);
        var made = await developer.Post(Org(t, "catalog") + "?handler=Feature", Form(("name", "Seats"), ("code", "seats"), ("type", "seats")));
        Assert.Equal(HttpStatusCode.Redirect, made.Status);
        var archived = await developer.Post(Org(t, "catalog") + "?handler=ArchiveFeature", Form(("code", "api_calls")));
        Assert.Equal(HttpStatusCode.Redirect, archived.Status);
        await using (var db = t.Db())
        {
            Assert.Equal(["seats"], await db.Features.Where(f => f.DeletedAt == null).Select(f => f.Code).ToListAsync());
        }
        await using var raw = server.RawDb();
        Assert.Equal(2, await raw.AuditLog.CountAsync(a => a.OrganizationId == t.OrganizationId && (a.Action == AuditActions.CatalogCreated || a.Action == AuditActions.CatalogArchived)));
    }

    [Fact]
    public async Task CatalogCreate_WithInvalidInput_ShowsTheApisFieldErrors_AndWritesNothing()
    {
        var t = await server.NewTenantAsync();
        using var developer = await SignedInAsync(t, DashboardRoles.Developer);
        await developer.Get(Org(t, "catalog"));

        // The feature use case's own checks: a blank name and a code with capitals and spaces.
        var feature = await developer.Post(Org(t, "catalog") + "?handler=Feature", Form(("name", " "), ("code", "Bad Code"), ("type", "usage")));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, feature.Status);
        Assert.Contains("id=\"feature-code-error\"", feature.Html, StringComparison.Ordinal);
        Assert.Contains("code is required: 1 to 100 lowercase letters, digits or underscores", feature.Text, StringComparison.Ordinal);
        Assert.Contains("id=\"feature-name-error\"", feature.Html, StringComparison.Ordinal);
        // What was typed is kept in the form.
        Assert.Contains("value=\"Bad Code\"", feature.Html, StringComparison.Ordinal);

        // A plan whose price the price use case refuses (a trial longer than allowed): the plan created just before it
        // in the same transaction is rolled back too.
        var plan = await developer.Post(Org(t, "catalog") + "?handler=Plan",
            Form(("name", "Pro"), ("code", "pro"), ("consumptionModel", "metered"), ("billingInterval", "monthly"), ("price", "20.00"), ("trialDays", "99999")));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, plan.Status);
        Assert.Contains("trialDays", plan.Text, StringComparison.Ordinal);

        // An amount with more decimals than the currency has is refused before any use case runs.
        var pack = await developer.Post(Org(t, "catalog") + "?handler=Pack", Form(("name", "Boost"), ("credits", "100"), ("price", "9.999")));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, pack.Status);
        Assert.Contains("price must be an amount such as 19.99", pack.Text, StringComparison.Ordinal);

        await using (var db = t.Db())
        {
            Assert.Equal(0, await db.Features.CountAsync());
            // No plan, so no price either (prices belong to a plan).
            Assert.Equal(0, await db.Plans.CountAsync());
            Assert.Equal(0, await db.CreditPacks.CountAsync());
        }
        await using (var raw = server.RawDb())
        {
            Assert.Equal(0, await raw.AuditLog.CountAsync(a => a.OrganizationId == t.OrganizationId && a.Action == AuditActions.CatalogCreated));
        }

        // The same plan with a valid trial is created with its price: "20.00" USD is 20 × 100 + 0 = 2000 minor units.
        var ok = await developer.Post(Org(t, "catalog") + "?handler=Plan",
            Form(("name", "Pro"), ("code", "pro"), ("consumptionModel", "metered"), ("billingInterval", "monthly"), ("price", "20.00"), ("trialDays", "0")));
        Assert.Equal(HttpStatusCode.Redirect, ok.Status);
        await using var after = t.Db();
        var price = (await after.Plans.Include(p => p.Prices).SingleAsync()).Prices.Single();
        Assert.Equal((2000L, "monthly", true), (price.Price, price.BillingInterval, price.IsDefault));
        var listed = await developer.Get(Org(t, "catalog"));
        Assert.Contains("$20.00 monthly (default)", listed.Text, StringComparison.Ordinal);
    }

    private static async Task<(string InvoiceId, string TransactionId)> PaidInvoiceAsync(TestTenant t, string customer)
    {
        await t.Api.Plan("pro", 2000);
        var id = await t.Api.Customer(customer);
        await t.Api.Subscribe(id, "pro");
        await using var db = t.Db();
        var txn = await db.Transactions.SingleAsync(x => x.CustomerId == id && x.Status == TransactionStatus.Succeeded);
        return (txn.InvoiceId!, txn.Id);
    }

    [Fact]
    public async Task Refund_FromTheInvoicePage_IsMadeOnce_EvenWhenTheFormIsSentTwiceAtOnce()
    {
        var t = await server.NewTenantAsync();
        var (invoiceId, transactionId) = await PaidInvoiceAsync(t, "ann");
        using var support = await SignedInAsync(t, DashboardRoles.Support);
        var page = await support.Get(Org(t, "invoices/" + invoiceId));
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("/invoices/pdf/", page.Html, StringComparison.Ordinal);
        // The first invoice of a $20.00 monthly plan with no trial: 2000 minor units charged.
        Assert.Contains("Refund $20.00 in full", page.Text, StringComparison.Ordinal);

        // A double click: the same form (same token) posted twice at once.
        var url = Org(t, "invoices/" + invoiceId) + "?handler=Refund";
        var both = await Task.WhenAll(support.Post(url, Form()), support.Post(url, Form()));
        var statuses = both.Select(p => p.Status).OrderBy(s => (int)s).ToList();
        Assert.Equal([HttpStatusCode.Redirect, HttpStatusCode.Conflict], statuses);
        Assert.Contains("already refunded", both.Single(p => p.Status == HttpStatusCode.Conflict).Text, StringComparison.Ordinal);
        // And once more later.
        var third = await support.Post(url, Form());
        Assert.Equal(HttpStatusCode.Conflict, third.Status);

        await using var db = t.Db();
        var txn = await db.Transactions.SingleAsync(x => x.Id == transactionId);
        Assert.Equal(TransactionStatus.Refunded, txn.Status);
        Assert.Equal(1, await db.Events.CountAsync(e => e.Type == "payment.refunded"));
        await using var raw = server.RawDb();
        Assert.Equal(1, await raw.AuditLog.CountAsync(a => a.OrganizationId == t.OrganizationId && a.Action == AuditActions.TransactionRefunded));
    }

    [Fact]
    public async Task AnotherOrganizationsInvoice_IsNotFound_InTheUrlAndTheRefundForm()
    {
        var a = await server.NewTenantAsync();
        var b = await server.NewTenantAsync();
        var (bInvoice, bTransaction) = await PaidInvoiceAsync(b, "bob");
        using var admin = await SignedInAsync(a, DashboardRoles.Admin);
        await admin.Get(Org(a, "invoices"));

        var view = await admin.Get(Org(a, "invoices/" + bInvoice));
        var refund = await admin.Post(Org(a, "invoices/" + bInvoice) + "?handler=Refund", Form());
        var otherOrg = await admin.Get(Org(b, "invoices/" + bInvoice));
        Assert.Equal(HttpStatusCode.NotFound, view.Status);
        Assert.Equal(HttpStatusCode.NotFound, refund.Status);
        Assert.Equal(HttpStatusCode.NotFound, otherOrg.Status);
        // A's list filtered by B's customer finds no such customer, and lists nothing of B's.
        var filtered = await admin.Get(Org(a, "invoices") + "?customer=bob");
        Assert.DoesNotContain(bInvoice, filtered.Html, StringComparison.Ordinal);

        await using var db = b.Db();
        Assert.Equal(TransactionStatus.Succeeded, (await db.Transactions.SingleAsync(x => x.Id == bTransaction)).Status);
    }

    [Fact]
    public async Task InvoicesList_FiltersByStatusAndCustomer()
    {
        var t = await server.NewTenantAsync();
        var (invoiceId, _) = await PaidInvoiceAsync(t, "cat");
        var other = await t.Api.Customer("dan");
        await t.Api.Subscribe(other, "pro");
        using var support = await SignedInAsync(t, DashboardRoles.Support);
        await using var db = t.Db();
        var danInvoice = await db.Invoices.Where(i => i.CustomerId == other).Select(i => i.Id).SingleAsync();

        var all = await support.Get(Org(t, "invoices"));
        var paidOfCat = await support.Get(Org(t, "invoices") + "?status=paid&customer=cat");
        var draft = await support.Get(Org(t, "invoices") + "?status=draft");
        var bad = await support.Get(Org(t, "invoices") + "?status=nonsense");

        Assert.Contains(invoiceId, all.Html, StringComparison.Ordinal);
        Assert.Contains(danInvoice, all.Html, StringComparison.Ordinal);
        Assert.Contains(invoiceId, paidOfCat.Html, StringComparison.Ordinal);
        Assert.DoesNotContain(danInvoice, paidOfCat.Html, StringComparison.Ordinal);
        Assert.DoesNotContain(invoiceId, draft.Html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.Status);

        // The events page lists this organization's events with their payloads, filtered by type and customer.
        var events = await support.Get(Org(t, "events") + "?type=payment.received&customer=cat");
        Assert.Equal(HttpStatusCode.OK, events.Status);
        Assert.Contains("payment.received", events.Text, StringComparison.Ordinal);
        Assert.Contains(invoiceId, events.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(danInvoice, events.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CustomerPage_PreviewsAndChangesThePlan_AddsATestCard_AndRefusesAnotherOrganizationsSubscription()
    {
        var t = await server.NewTenantAsync();
        var other = await server.NewTenantAsync();
        var group = await t.Api.Group();
        await t.Api.Plan("basic", 1000, group, sortOrder: 0);
        var pro = await t.Api.Plan("pro", 3000, group, sortOrder: 1);
        var ann = await t.Api.Customer("ann");
        var subscription = (await t.Api.Subscribe(ann, "basic")).Str("id");
        await other.Api.Plan("basic", 1000);
        var bob = await other.Api.Customer("bob");
        var bobs = (await other.Api.Subscribe(bob, "basic")).Str("id");
        using var support = await SignedInAsync(t, DashboardRoles.Support);
        var page = Org(t, "customers/" + ann);
        await support.Get(page);

        // Previewed at the first instant of the period: the whole period is left, so the credit is the whole
        // $10.00 paid: 3000 − 1000 × n/n = 2000 → $20.00 charged now.
        var preview = await support.Post(page + "?handler=Preview", Form(("subscriptionId", subscription), ("planId", pro)));
        Assert.Equal(HttpStatusCode.OK, preview.Status);
        Assert.Contains("$20.00 charged now", preview.Text, StringComparison.Ordinal);
        await using (var db = t.Db())
        {
            Assert.Equal("basic", await db.Subscriptions.Where(s => s.Id == subscription).Join(db.Plans, s => s.PlanId, p => p.Id, (s, p) => p.Code).SingleAsync());
        }

        var changed = await support.Post(page + "?handler=ChangePlan", Form(("subscriptionId", subscription), ("planId", pro)));
        Assert.Equal(HttpStatusCode.Redirect, changed.Status);
        Assert.EndsWith("?changed=1", changed.Location!, StringComparison.Ordinal);
        await using (var db = t.Db())
        {
            Assert.Equal(pro, await db.Subscriptions.Where(s => s.Id == subscription).Select(s => s.PlanId).SingleAsync());
        }

        // Another organization's subscription in this customer's forms: not found, nothing done to it.
        var cancelBob = await support.Post(page + "?handler=Cancel", Form(("subscriptionId", bobs), ("immediate", "true")));
        var adjustBob = await support.Post(page + "?handler=Adjust", Form(("subscriptionId", bobs), ("amount", "100")));
        Assert.Equal(HttpStatusCode.NotFound, cancelBob.Status);
        Assert.Equal(HttpStatusCode.NotFound, adjustBob.Status);
        await using (var db = other.Db())
        {
            Assert.Equal(SubscriptionStatus.Active, await db.Subscriptions.Where(s => s.Id == bobs).Select(s => s.Status).SingleAsync());
        }

        // A sandbox test card for a customer without one.
        var cid = await t.Api.Customer("cy", card: null);
        await support.Get(Org(t, "customers/" + cid));
        var card = await support.Post(Org(t, "customers/" + cid) + "?handler=TestCard", Form(("cardNumber", "4242424242424242")));
        Assert.Equal(HttpStatusCode.Redirect, card.Status);
        await using (var db = t.Db())
        {
            var method = await db.PaymentMethods.SingleAsync(m => m.CustomerId == cid);
            Assert.Equal(("4242", true), (method.Last4, method.IsDefault));
        }

        // The cancel form for the customer's own subscription, at once.
        var cancel = await support.Post(page + "?handler=Cancel", Form(("subscriptionId", subscription), ("immediate", "true")));
        Assert.Equal(HttpStatusCode.Redirect, cancel.Status);
        await using (var db = t.Db())
        {
            Assert.Equal(SubscriptionStatus.Canceled, await db.Subscriptions.Where(s => s.Id == subscription).Select(s => s.Status).SingleAsync());
        }
    }

    [Fact]
    public async Task TestClock_MovesSandboxTime_AndRunsBilling_ButNotForSupportOrInLive()
    {
        var t = await server.NewTenantAsync();
        await t.Api.Plan("pro", 2000);
        var ann = await t.Api.Customer("ann");
        var subscription = (await t.Api.Subscribe(ann, "pro")).Str("id");
        using var support = await SignedInAsync(t, DashboardRoles.Support);
        await support.Get(Org(t, "customers")); // a page support may see, for a signed-in antiforgery token
        Assert.Equal(HttpStatusCode.Forbidden, (await support.Get(Org(t, "test-clock"))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await support.Post(Org(t, "test-clock") + "?handler=Advance", Form(("days", "40")))).Status);
        using var developer = await SignedInAsync(t, DashboardRoles.Developer);
        Assert.Equal(HttpStatusCode.NotFound, (await developer.Get($"/dashboard/{t.OrganizationId}/live/test-clock")).Status);
        await developer.Get(Org(t, "test-clock"));

        // The use case's own check: the clock only moves forward.
        var back = await developer.Post(Org(t, "test-clock") + "?handler=Advance", Form(("days", "0")));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, back.Status);
        Assert.Contains("advanceDays must be between 1 and 3660", back.Text, StringComparison.Ordinal);

        var moved = await developer.Post(Org(t, "test-clock") + "?handler=Advance", Form(("days", "40")));
        Assert.Equal(HttpStatusCode.Redirect, moved.Status);
        var run = await developer.Post(Org(t, "test-clock") + "?handler=Process", Form());
        Assert.Equal(HttpStatusCode.OK, run.Status);
        Assert.Contains("Billing run at", run.Text, StringComparison.Ordinal);
        // 40 days after a monthly start the first period has ended: the renewal made a second invoice.
        await using var db = t.Db();
        Assert.Equal(2, await db.Invoices.CountAsync(i => i.SubscriptionId == subscription));
    }
}

public sealed class DashboardPagesTests_Sqlite(SqliteServer server) : DashboardPagesTests<SqliteServer>(server);

public sealed class DashboardPagesTests_Postgres(PostgresServer server) : DashboardPagesTests<PostgresServer>(server);
