using System.Net;
using Commet.Domain.Billing;
using Commet.Domain.Usage;
using Commet.Server.Billing;
using Commet.Server.Payments;
using Commet.Server.Persistence;
using Commet.Server.Tests.Infrastructure;
using Commet.Server.Usage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Commet.Server.Tests;

/// <summary>A purchase asked for before there was a card completes once the customer adds one on the hosted page.</summary>
public abstract class HostedPurchaseTests<TServer>(TServer server) : IClassFixture<TServer>
    where TServer : ServerFixture
{
    [Fact]
    public async Task FreePlanCustomerWithoutACard_AddsOne_ThenTheCreditPackIsBought_AndTheCardKept()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.PostJson("/api/v1/features/manage", new { code = "gen", name = "Generations", type = "usage" }).Ok();
        await api.PostJson("/api/v1/plans/manage", new { code = "free", name = "Free", consumptionModel = "credits", isFree = true }).Ok();
        await api.PostJson("/api/v1/plans/free/features", new { featureId = "gen", creditsPerUnit = 1 }).Ok();
        var pack = await api.PostJson("/api/v1/credit-packs/manage", new { name = "Starter pack", credits = 250, price = 900 }).Ok();
        var customerId = await api.Customer("nocard", card: null);
        var subscriptionId = (await api.Subscribe("nocard", "free")).Str("id");

        string url;
        await using (var db = t.Db())
        {
            var scope = await server.Services.GetRequiredService<BillingScopes>().ForAsync(db, t.OrganizationId, false, server.BaseAddress.ToString(), CancellationToken.None);
            var links = server.Services.GetRequiredService<HostedLinks>();
            var session = links.Create(db, scope.Tenant, HostedKinds.Checkout, customerId, subscriptionId, null, null, scope.Now);
            session.PurchaseJson = new PendingPurchase(PendingPurchase.CreditPack, pack.Str("id"), SubscriptionId: subscriptionId).ToJson();
            await db.SaveChangesAsync();
            url = links.Url(session, server.BaseAddress.ToString());
        }

        using var browser = new PageClient(server.BaseAddress);
        Assert.Equal(HttpStatusCode.OK, (await browser.Get(url)).Status);
        var done = await browser.Post(url, new Dictionary<string, string> { ["cardNumber"] = "4242 4242 4242 4242", ["expiry"] = "12/35", ["cvc"] = "123" });

        Assert.Equal(HttpStatusCode.OK, done.Status);
        Assert.Contains("250 credits were added", done.Text, StringComparison.Ordinal);
        await using var check = t.Db();
        var account = await check.ConsumptionAccounts.SingleAsync(a => a.SubscriptionId == subscriptionId && a.Kind == AccountKinds.Credits);
        Assert.Equal(250, account.PurchasedAmount);
        Assert.Equal(1, await check.Invoices.CountAsync(i => i.Type == InvoiceTypes.CreditPurchase && i.Status == InvoiceStatus.Paid && i.Total == 900));
        // The card stays for next time: a second purchase goes straight through the API.
        var second = await api.PostJson($"/api/v1/subscriptions/{subscriptionId}/credits", new { creditPackId = pack.Str("id") }).Ok();
        Assert.Equal(250, second["credits"]!.GetValue<long>());
    }
}

public sealed class HostedPurchaseTests_Sqlite(SqliteServer server) : HostedPurchaseTests<SqliteServer>(server);

public sealed class HostedPurchaseTests_Postgres(PostgresServer server) : HostedPurchaseTests<PostgresServer>(server);
