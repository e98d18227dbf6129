using System.Net;
using Commet.Domain.Billing;
using Commet.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Tests;

/// <summary>
/// A portal session sees one customer of one organization in one mode. Another customer's IDs, another
/// organization's or the other mode's, in URLs or in forms, are "not found" and change nothing; a form post
/// without the antiforgery token is refused.
/// </summary>
public abstract class PortalIsolationTests<TServer>(TServer server) : IClassFixture<TServer>
    where TServer : ServerFixture
{
    private static async Task<string> PayingCustomerAsync(HttpClient api, string id)
    {
        await api.Customer(id);
        return (await api.Subscribe(id, "pro")).Str("id");
    }

    private static async Task<string> InvoiceOf(TestTenant t, string subscriptionId)
    {
        await using var db = t.Db();
        return await db.Invoices.Where(i => i.SubscriptionId == subscriptionId).Select(i => i.Id).FirstAsync();
    }

    [Fact]
    public async Task OtherCustomersInvoiceAndSubscription_AreNotFound_AndUnchanged()
    {
        var t = await server.NewTenantAsync();
        await t.Api.Plan("pro", 4900);
        var annSub = await PayingCustomerAsync(t.Api, "ann");
        var bobSub = await PayingCustomerAsync(t.Api, "bob");
        var bobInvoice = await InvoiceOf(t, bobSub);
        using var ann = await PortalClient.OpenAsync(server, t.Api, "ann");

        var invoice = await ann.GetAsync($"/portal/invoices/{bobInvoice}");
        var cancel = await ann.SubmitAsync("/portal/cancel", "/portal/cancel?handler=Confirm", new Dictionary<string, string?> { ["subscriptionId"] = bobSub, ["Reason"] = "unused" });
        var undo = await ann.SubmitAsync("/portal", "/portal/cancel?handler=Undo", new Dictionary<string, string?> { ["subscriptionId"] = bobSub });
        var change = await ann.SubmitAsync("/portal", "/portal/plans/change", new Dictionary<string, string?> { ["subscriptionId"] = bobSub, ["plan"] = "x" });
        var addon = await ann.SubmitAsync("/portal", "/portal/purchases/confirm", new Dictionary<string, string?> { ["subscriptionId"] = bobSub, ["kind"] = "addon", ["id"] = "x" });

        Assert.Equal(HttpStatusCode.NotFound, invoice.Status);
        Assert.DoesNotContain("bob@example.com", invoice.Html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, cancel.Status);
        Assert.Equal(HttpStatusCode.NotFound, undo.Status);
        Assert.Equal(HttpStatusCode.NotFound, change.Status);
        Assert.Equal(HttpStatusCode.NotFound, addon.Status);
        var bob = await t.Api.Subscription(bobSub);
        Assert.Equal("active", bob.Str("status"));
        Assert.False(bob["cancelAtPeriodEnd"]!.GetValue<bool>());
        Assert.Equal("active", (await t.Api.Subscription(annSub)).Str("status"));
    }

    [Fact]
    public async Task OtherCustomersHostedSession_IsNotFound()
    {
        var t = await server.NewTenantAsync();
        await t.Api.Plan("pro", 4900);
        await t.Api.Customer("ann", card: null);
        await t.Api.Customer("bob", card: null);
        var pending = await t.Api.Subscribe("bob", "pro");
        await using var db = t.Db();
        var bobCheckout = await db.HostedSessions.Where(h => h.SubscriptionId == pending.Str("id")).Select(h => h.Id).FirstAsync();
        using var ann = await PortalClient.OpenAsync(server, t.Api, "ann");

        var page = await ann.GetAsync($"/portal/card/{bobCheckout}");
        var post = await ann.SubmitAsync("/portal/card/replace", $"/portal/card/{bobCheckout}",
            new Dictionary<string, string?> { ["cardNumber"] = "4242424242424242", ["expiry"] = "12/40", ["cvc"] = "123" });

        Assert.Equal(HttpStatusCode.NotFound, page.Status);
        Assert.Equal(HttpStatusCode.NotFound, post.Status);
        Assert.Equal("pending_payment", (await t.Api.Subscription(pending.Str("id"))).Str("status"));
    }

    [Fact]
    public async Task OtherOrganizationsAndOtherModesIds_AreNotFound()
    {
        var a = await server.NewTenantAsync();
        var b = await server.NewTenantAsync();
        await a.Api.Plan("pro", 4900);
        await b.Api.Plan("pro", 4900);
        await PayingCustomerAsync(a.Api, "ann");
        var bSub = await PayingCustomerAsync(b.Api, "ann");
        var bInvoice = await InvoiceOf(b, bSub);
        // The default organization's live mode: a customer with the same merchant ID.
        var live = server.Client(ServerFixture.LiveKey);
        var liveId = $"ann-{Guid.NewGuid():N}";
        await live.PostJson("/api/v1/customers", new { id = liveId, email = $"{liveId}@example.com" }).Ok();
        using var annA = await PortalClient.OpenAsync(server, a.Api, "ann");
        using var annLive = await PortalClient.OpenAsync(server, live, liveId);

        var crossOrg = await annA.GetAsync($"/portal/invoices/{bInvoice}");
        var crossOrgCancel = await annA.SubmitAsync("/portal/cancel", "/portal/cancel?handler=Confirm", new Dictionary<string, string?> { ["subscriptionId"] = bSub });
        var crossMode = await annLive.GetAsync($"/portal/invoices/{bInvoice}");
        var liveOverview = await annLive.GetAsync("/portal");

        Assert.Equal(HttpStatusCode.NotFound, crossOrg.Status);
        Assert.Equal(HttpStatusCode.NotFound, crossOrgCancel.Status);
        Assert.Equal(HttpStatusCode.NotFound, crossMode.Status);
        Assert.Equal(HttpStatusCode.OK, liveOverview.Status);
        Assert.DoesNotContain("Test mode", liveOverview.Html, StringComparison.Ordinal);
        Assert.False((await b.Api.Subscription(bSub))["cancelAtPeriodEnd"]!.GetValue<bool>());
    }

    [Fact]
    public async Task LiveLink_IsMarkedLive()
    {
        var live = server.Client(ServerFixture.LiveKey);
        var id = $"lv-{Guid.NewGuid():N}";
        await live.PostJson("/api/v1/customers", new { id, email = $"{id}@example.com" }).Ok();

        var answer = await live.PostJson("/api/v1/portal/request-access", new { customerId = id });

        Assert.True(answer.Data["livemode"]!.GetValue<bool>());
    }

    [Fact]
    public async Task FormPost_WithoutAntiforgeryToken_IsRefused_AndChangesNothing()
    {
        var t = await server.NewTenantAsync();
        await t.Api.Plan("pro", 4900);
        var sub = await PayingCustomerAsync(t.Api, "ann");
        using var ann = await PortalClient.OpenAsync(server, t.Api, "ann");
        await ann.GetAsync("/portal/cancel");

        var noToken = await ann.PostAsync("/portal/cancel?handler=Confirm", new Dictionary<string, string?> { ["subscriptionId"] = sub, ["Reason"] = "unused" }, antiforgery: null);
        var forged = await ann.PostAsync("/portal/cancel?handler=Confirm", new Dictionary<string, string?> { ["subscriptionId"] = sub }, antiforgery: "CfDJ8forged");
        var details = await ann.PostAsync("/portal/billing-details", new Dictionary<string, string?> { ["Email"] = "evil@example.com" }, antiforgery: null);
        var logout = await ann.PostAsync("/portal/logout", new Dictionary<string, string?>(), antiforgery: null);

        foreach (var refused in new[] { noToken, forged, details, logout })
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
            Assert.Contains("form has expired", refused.Html, StringComparison.Ordinal);
        }
        Assert.False((await t.Api.Subscription(sub))["cancelAtPeriodEnd"]!.GetValue<bool>());
        Assert.Equal("ann@example.com", (await t.Api.GetJson("/api/v1/customers/ann").Ok()).Str("email"));
        Assert.Equal(HttpStatusCode.OK, (await ann.GetAsync("/portal")).Status);
    }

    [Fact]
    public async Task UnknownPortalPath_IsAFriendly404()
    {
        var t = await server.NewTenantAsync();
        await t.Api.Customer("ann", card: null);
        using var ann = await PortalClient.OpenAsync(server, t.Api, "ann");

        var page = await ann.GetAsync("/portal/nothing-here");
        var invoice = await ann.GetAsync("/portal/invoices/inv_does_not_exist");

        Assert.Equal(HttpStatusCode.NotFound, page.Status);
        Assert.Contains("find that", page.Html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, invoice.Status);
        Assert.Contains("<html", invoice.Html, StringComparison.Ordinal);
    }
}

public sealed class PortalIsolationTests_Sqlite(SqliteServer server) : PortalIsolationTests<SqliteServer>(server);

public sealed class PortalIsolationTests_Postgres(PostgresServer server) : PortalIsolationTests<PostgresServer>(server);
