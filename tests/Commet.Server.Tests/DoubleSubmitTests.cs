using System.Net;
using System.Text.RegularExpressions;
using Commet.Domain.Billing;
using Commet.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Commet.Server.Tests.Infrastructure.BillingApi;

namespace Commet.Server.Tests;

/// <summary>
/// A form that charges is good for one charge: one rendered portal purchase form or hosted payment page, posted 20
/// times at once, charges once and every post answers what the first one answered. An API purchase sent 20 times
/// at once with one Idempotency-Key charges once; without a key every call is a purchase of its own.
/// </summary>
public abstract partial class DoubleSubmitTests<TServer>(TServer server) : IClassFixture<TServer>
    where TServer : ServerFixture
{
    private const int Posts = 20;

    /// <summary>A $25.50 top-up in the ledger's rate scale: 2550 minor units × 10,000 / 100 = 255,000.</summary>
    private const long TopupRate = 255_000;

    private static async Task<TestTenant> BalancePlanAsync(ServerFixture server)
    {
        var t = await server.NewTenantAsync();
        await t.Api.SetClock(Utc(2027, 3, 1));
        await t.Api.PostJson("/api/v1/features/manage", new { code = "calls", name = "Calls", type = "usage" }).Ok();
        await t.Api.PostJson("/api/v1/plans/manage", new { code = "payg", name = "Pay as you go", consumptionModel = "balance", blockOnExhaustion = false }).Ok();
        await t.Api.PostJson("/api/v1/plans/payg/prices", new { billingInterval = "monthly", price = 1000, includedBalance = 50000 }).Ok();
        await t.Api.PostJson("/api/v1/plans/payg/features", new { featureId = "calls", overage = new { enabled = true, unitPrice = 100 } }).Ok();
        await t.Api.Customer("ann");
        await t.Api.Subscribe("ann", "payg");
        return t;
    }

    private static async Task<TestTenant> CreditsPlanAsync(ServerFixture server)
    {
        var t = await server.NewTenantAsync();
        await t.Api.SetClock(Utc(2027, 3, 1));
        await t.Api.PostJson("/api/v1/features/manage", new { code = "gen", name = "Generations", type = "usage", unitName = "generation" }).Ok();
        await t.Api.PostJson("/api/v1/plans/manage", new { code = "free", name = "Free", consumptionModel = "credits", isFree = true }).Ok();
        await t.Api.PostJson("/api/v1/plans/free/features", new { featureId = "gen", creditsPerUnit = 1 }).Ok();
        await t.Api.PostJson("/api/v1/credit-packs/manage", new { name = "Starter pack", credits = 250, price = 900 }).Ok();
        await t.Api.Customer("ann");
        await t.Api.Subscribe("ann", "free");
        return t;
    }

    /// <summary>Loads the form page once and posts its form (hidden fields, antiforgery and charge token as loaded) <see cref="Posts"/> times at once.</summary>
    private static async Task<PortalPage[]> PostTwentyTimesAsync(PortalClient browser, string formPage, string action)
    {
        var page = await browser.GetAsync(formPage);
        Assert.Equal(HttpStatusCode.OK, page.Status);
        var fields = new Dictionary<string, string?>();
        foreach (Match m in HiddenPattern().Matches(page.Html))
        {
            if (m.Groups[1].Value != "__RequestVerificationToken")
            {
                fields[m.Groups[1].Value] = WebUtility.HtmlDecode(m.Groups[2].Value);
            }
        }
        Assert.Matches("^[0-9a-f]{32}$", fields["chargeToken"]);
        var antiforgery = PortalClient.Token(page.Html);
        return await Task.WhenAll(Enumerable.Range(0, Posts).Select(_ => browser.PostAsync(action, fields, antiforgery)));
    }

    private static async Task AssertOneChargeAsync(TestTenant t, string invoiceType, long amount, string ledgerReason, long ledgerAmount)
    {
        await using var db = t.Db();
        var invoice = Assert.Single(await db.Invoices.Where(i => i.Type == invoiceType).ToListAsync());
        Assert.Equal(amount, invoice.Total);
        Assert.Equal(InvoiceStatus.Paid, invoice.Status);
        var charge = Assert.Single(await db.Transactions.Where(x => x.InvoiceId == invoice.Id).ToListAsync());
        Assert.Equal(TransactionStatus.Succeeded, charge.Status);
        Assert.Equal(amount, charge.Amount);
        var entry = Assert.Single(await db.Ledger.Where(e => e.Reason == ledgerReason).ToListAsync());
        Assert.Equal(ledgerAmount, entry.Amount);
        Assert.Equal(invoice.Id, entry.Reference);
    }

    [Fact]
    public async Task PortalTopup_PostedTwentyTimesAtOnce_ChargesOnce_AndEveryPostSeesTheFirstResult()
    {
        var t = await BalancePlanAsync(server);
        using var ann = await PortalClient.OpenAsync(server, t.Api, "ann");

        var answers = await PostTwentyTimesAsync(ann, "/portal/purchases/confirm?kind=topup&amount=25.50", "/portal/purchases/confirm");

        // The notice's numbers: $25.50 added to the plan's $5.00 (50,000 at the rate scale) = $30.50 left.
        Assert.All(answers, a => Assert.Equal((HttpStatusCode.Found, "/portal/purchases?m=topped_up&n=2550&left=3050"), (a.Status, a.Location)));
        // $25.50 = 2550 minor units, charged once; the ledger keeps balance at the rate scale (10,000 per dollar):
        // 2550 × 10,000 / 100 = 255,000.
        await AssertOneChargeAsync(t, InvoiceTypes.BalanceTopup, 2550, "topup", TopupRate);
        // The subscription's first invoice ($10.00) and the one top-up ($25.50): two charges in all.
        await using (var db = t.Db())
        {
            Assert.Equal([1000, 2550], (await db.Transactions.Where(x => x.Status == TransactionStatus.Succeeded).Select(x => x.Amount).ToListAsync()).Order());
        }
        // The form is spent, but the page offers a new one: a second top-up is a purchase of its own.
        var again = await ann.ConfirmAsync("/portal/purchases/confirm?kind=topup&amount=25.50", "/portal/purchases/confirm");
        // $30.50 + $25.50 = $56.00 left.
        Assert.Equal("/portal/purchases?m=topped_up&n=2550&left=5600", again.Location);
        await using (var db = t.Db())
        {
            Assert.Equal(2, await db.Invoices.CountAsync(i => i.Type == InvoiceTypes.BalanceTopup));
        }
    }

    [Fact]
    public async Task PortalCreditPack_PostedTwentyTimesAtOnce_ChargesOnce_AndEveryPostSeesTheFirstResult()
    {
        var t = await CreditsPlanAsync(server);
        var pack = (await t.Api.GetJson("/api/v1/credit-packs").Ok())[0]!.Str("id");
        using var ann = await PortalClient.OpenAsync(server, t.Api, "ann");

        var answers = await PostTwentyTimesAsync(ann, $"/portal/purchases/confirm?kind=credit_pack&id={pack}", "/portal/purchases/confirm");

        Assert.All(answers, a => Assert.Equal((HttpStatusCode.Found, "/portal/purchases?m=credits_bought&n=250&left=250"), (a.Status, a.Location)));
        // One pack: $9.00 charged once, 250 credits added once.
        await AssertOneChargeAsync(t, InvoiceTypes.CreditPurchase, 900, "purchase", 250);
        var usage = await ann.GetAsync("/portal/usage");
        Assert.Contains("Purchased credits: <strong>250</strong>", usage.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PortalForm_WithoutItsChargeToken_ChargesNothing_AndOffersTheFormAgain()
    {
        var t = await BalancePlanAsync(server);
        using var ann = await PortalClient.OpenAsync(server, t.Api, "ann");
        var page = await ann.GetAsync("/portal/purchases/confirm?kind=topup&amount=25.50");
        var sub = (await t.Api.GetJson("/api/v1/subscriptions/active?customerId=ann").Ok()).Str("id");

        var answer = await ann.PostAsync("/portal/purchases/confirm", new Dictionary<string, string?>
        {
            ["subscriptionId"] = sub, ["kind"] = "topup", ["amount"] = "25.50", ["expected"] = "2550", ["chargeToken"] = "not-a-token",
        }, PortalClient.Token(page.Html));

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Contains("nothing was charged", answer.Html, StringComparison.Ordinal);
        Assert.Matches("name=\"chargeToken\" value=\"[0-9a-f]{32}\"", answer.Html);
        await using var db = t.Db();
        Assert.Equal(0, await db.Invoices.CountAsync(i => i.Type == InvoiceTypes.BalanceTopup));
    }

    [Fact]
    public async Task HostedCheckout_PostedTwentyTimesAtOnce_ChargesOnce_AndEveryPostSeesTheFirstResult()
    {
        var t = await server.NewTenantAsync();
        await t.Api.Plan("basic", 4900);
        await t.Api.Customer("bob", card: null);
        var created = await t.Api.PostJson("/api/v1/subscriptions", new { customerId = "bob", planCode = "basic" });
        var url = created.Data.Str("checkoutUrl");
        using var browser = new PageClient(server.BaseAddress);
        var page = await browser.Get(url);
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.NotNull(page.ChargeToken);

        var card = new Dictionary<string, string> { ["cardNumber"] = "4242424242424242", ["expiry"] = "12/35", ["cvc"] = "123" };
        var answers = await Task.WhenAll(Enumerable.Range(0, Posts).Select(_ => browser.Post(url, card)));

        Assert.All(answers, a =>
        {
            Assert.Equal(HttpStatusCode.OK, a.Status);
            Assert.Contains("Payment received. Your subscription is active.", a.Text, StringComparison.Ordinal);
        });
        await using var db = t.Db();
        // The first invoice, $49.00, charged once; one card saved.
        var charge = Assert.Single(await db.Transactions.ToListAsync());
        Assert.Equal((TransactionStatus.Succeeded, 4900L), (charge.Status, charge.Amount));
        Assert.Equal(1, await db.PaymentMethods.CountAsync());
        Assert.Equal(SubscriptionStatus.Active, (await db.Subscriptions.SingleAsync()).Status);
    }

    [Fact]
    public async Task ApiTopup_TwentyAtOnceWithOneIdempotencyKey_ChargesOnce_WithoutAKeyEachCallIsAPurchase()
    {
        var t = await BalancePlanAsync(server);
        var sub = (await t.Api.GetJson("/api/v1/subscriptions/active?customerId=ann").Ok()).Str("id");

        var answers = await Task.WhenAll(Enumerable.Range(0, Posts).Select(_ =>
            t.Api.PostJson($"/api/v1/subscriptions/{sub}/balance/topup", new { amount = 2550 }, idempotencyKey: "topup-once")));

        Assert.All(answers, a => Assert.True(a.Status == HttpStatusCode.OK || a.ErrorCode == "idempotency_in_progress", a.ToString()));
        var invoiceIds = answers.Where(a => a.Status == HttpStatusCode.OK).Select(a => a.Data.Str("invoiceId")).Distinct().ToList();
        Assert.Single(invoiceIds);
        await AssertOneChargeAsync(t, InvoiceTypes.BalanceTopup, 2550, "topup", TopupRate);

        // The idempotency record let go (as after a server error or a dropped connection that followed the commit):
        // the same key still cannot buy twice; it answers the first purchase.
        await using (var db = t.Db())
        {
            await db.IdempotencyRecords.IgnoreQueryFilters().Where(r => r.Key == "topup-once").ExecuteDeleteAsync();
        }
        var repeat = await t.Api.PostJson($"/api/v1/subscriptions/{sub}/balance/topup", new { amount = 2550 }, idempotencyKey: "topup-once").Ok();
        Assert.Equal(invoiceIds[0], repeat.Str("invoiceId"));
        await AssertOneChargeAsync(t, InvoiceTypes.BalanceTopup, 2550, "topup", TopupRate);

        // Without a key, two identical calls are two purchases: 1 + 2 = 3 top-up invoices of $25.50.
        await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => t.Api.PostJson($"/api/v1/subscriptions/{sub}/balance/topup", new { amount = 2550 }).Ok()));
        await using (var db = t.Db())
        {
            Assert.Equal(3, await db.Invoices.CountAsync(i => i.Type == InvoiceTypes.BalanceTopup && i.Status == InvoiceStatus.Paid));
            Assert.Equal(3, await db.Ledger.CountAsync(e => e.Reason == "topup"));
        }
    }

    [Fact]
    public async Task ApiCreditPack_TwentyAtOnceWithOneIdempotencyKey_ChargesOnce()
    {
        var t = await CreditsPlanAsync(server);
        var sub = (await t.Api.GetJson("/api/v1/subscriptions/active?customerId=ann").Ok()).Str("id");
        var pack = (await t.Api.GetJson("/api/v1/credit-packs").Ok())[0]!.Str("id");

        var answers = await Task.WhenAll(Enumerable.Range(0, Posts).Select(_ =>
            t.Api.PostJson($"/api/v1/subscriptions/{sub}/credits", new { creditPackId = pack }, idempotencyKey: "pack-once")));

        Assert.All(answers, a => Assert.True(a.Status == HttpStatusCode.OK || a.ErrorCode == "idempotency_in_progress", a.ToString()));
        // One pack: $9.00 charged once, 250 credits added once.
        await AssertOneChargeAsync(t, InvoiceTypes.CreditPurchase, 900, "purchase", 250);
    }

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\"")]
    private static partial Regex HiddenPattern();
}

public sealed class DoubleSubmitTests_Sqlite(SqliteServer server) : DoubleSubmitTests<SqliteServer>(server);

public sealed class DoubleSubmitTests_Postgres(PostgresServer server) : DoubleSubmitTests<PostgresServer>(server);
