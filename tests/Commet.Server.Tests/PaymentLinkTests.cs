using System.Net;
using System.Text.Json.Nodes;
using Commet.Domain.Billing;
using Commet.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Tests;

/// <summary>
/// One-off payments (<c>/payments</c>): a payment link paid on the hosted page, a canceled link, a charge of the saved
/// card, and repeats that must not charge twice. Amounts in cents, worked out in the comments.
/// </summary>
public abstract class PaymentLinkTests<TServer>(TServer server) : IClassFixture<TServer>
    where TServer : ServerFixture
{
    private const string FailsLater = "4000000000000341";

    private static Dictionary<string, string> Card(string number) =>
        new() { ["cardNumber"] = number, ["expiry"] = "12/35", ["cvc"] = "123", ["cardName"] = "Ann Lee" };

    [Fact]
    public async Task Link_PaidOnTheHostedPage_IssuesAOneTimeInvoiceForTheExactAmount_AfterADeclineThatLeftItOpen()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        var customer = await api.Customer("ann", card: null);
        // 3 hours at $41.15 = 3 × 4115 = 12345 cents, no tax.
        var created = await api.PostJson("/api/v1/payments", new
        {
            customerId = "ann", amount = 12345, currency = "usd", description = "Consulting, 3 hours", successUrl = "https://shop.example/thanks",
            metadata = new { order = "A-17" },
        }).Ok(HttpStatusCode.Created);
        var id = created.Str("id");
        Assert.StartsWith("pay_", id, StringComparison.Ordinal);
        Assert.Equal("link", created.Str("kind"));
        Assert.Equal("pending", created.Str("status"));
        Assert.Equal("commet", created.Str("provider"));
        Assert.Equal(12345, created["amountTotal"]!.GetValue<long>());
        Assert.Equal(12345, created["amountSubtotal"]!.GetValue<long>());
        Assert.Equal(0, created["taxAmount"]!.GetValue<long>());
        Assert.Equal("USD", created.Str("currency"));
        Assert.Equal("ann", created.Str("customerId"));
        Assert.Equal("A-17", created["metadata"]!["order"]!.GetValue<string>());
        Assert.Equal("payment", created.Str("object"));
        var url = created.Str("url");
        Assert.Contains("/pay/", url, StringComparison.Ordinal);

        using var browser = new PageClient(server.BaseAddress);
        var page = await browser.Get(url);
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("Consulting, 3 hours", page.Text, StringComparison.Ordinal);
        Assert.Contains("$123.45", page.Text, StringComparison.Ordinal);

        // A card the sandbox saves but declines on charge: nothing is charged, no invoice is issued, the link stays payable.
        var declined = await browser.Post(url, Card(FailsLater));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, declined.Status);
        Assert.Equal("failed", (await api.GetJson($"/api/v1/payments/{id}").Ok()).Str("status"));
        await using (var db = t.Db())
        {
            Assert.Empty(await db.Invoices.AsNoTracking().Where(i => i.CustomerId == customer).ToListAsync());
            Assert.Empty(await db.Transactions.AsNoTracking().Where(tx => tx.CustomerId == customer && tx.Status == TransactionStatus.Succeeded).ToListAsync());
        }

        var again = await browser.Get(url);
        Assert.Equal(HttpStatusCode.OK, again.Status);
        var paid = await browser.Post(url, Card("4242424242424242"));
        Assert.Equal(HttpStatusCode.OK, paid.Status);
        Assert.Contains("href=\"https://shop.example/thanks\"", paid.Html, StringComparison.Ordinal);

        // The same form sent again (double click) answers the first answer and charges nothing more.
        var resend = await browser.Post(url, Card("4242424242424242"));
        Assert.Equal(HttpStatusCode.OK, resend.Status);
        Assert.Equal(HttpStatusCode.Gone, (await browser.Get(url)).Status);

        var got = await api.GetJson($"/api/v1/payments/{id}").Ok();
        Assert.Equal("succeeded", got.Str("status"));
        Assert.Null(got["url"]);
        await using (var db = t.Db())
        {
            var invoice = Assert.Single(await db.Invoices.AsNoTracking().Include(i => i.Lines).Where(i => i.CustomerId == customer).ToListAsync());
            Assert.Equal("one_time_payment", invoice.Type);
            Assert.Equal(InvoiceStatus.Paid, invoice.Status);
            Assert.Null(invoice.SubscriptionId);
            Assert.Equal(12345, invoice.Subtotal);
            Assert.Equal(0, invoice.TaxAmount);
            Assert.Equal(12345, invoice.Total);
            var line = Assert.Single(invoice.Lines);
            Assert.Equal("one_time", line.LineType);
            Assert.Equal("Consulting, 3 hours", line.Description);
            Assert.Equal(12345, line.Amount);
            var charged = Assert.Single(await db.Transactions.AsNoTracking().Where(tx => tx.CustomerId == customer && tx.Status == TransactionStatus.Succeeded).ToListAsync());
            Assert.Equal(12345, charged.Amount);
            Assert.Equal(invoice.Id, charged.InvoiceId);

            var events = await EventsAsync(db);
            Assert.Empty(Events.SdkShapes.Problems(events.Where(e => e.Type.StartsWith("payment_link.", StringComparison.Ordinal))));
            Assert.Equal(["payment_link.created", "payment_link.failed", "payment_link.completed"],
                events.Where(e => e.Type.StartsWith("payment_link.", StringComparison.Ordinal)).Select(e => e.Type).ToArray());
            var failed = events.Single(e => e.Type == "payment_link.failed").Data;
            Assert.Equal("card_declined", failed["failureCode"]!.GetValue<string>());
            var completed = events.Single(e => e.Type == "payment_link.completed").Data;
            Assert.Equal(id, completed["paymentId"]!.GetValue<string>());
            Assert.Equal(12345, completed["amount"]!.GetValue<long>());
            Assert.Equal("ann", completed["customerId"]!.GetValue<string>());
            Assert.Equal(invoice.Id, completed["invoiceId"]!.GetValue<string>());
            Assert.Equal(invoice.Number, completed["invoiceNumber"]!.GetValue<string>());
            Assert.Equal(charged.Id, completed["paymentTransactionId"]!.GetValue<string>());

            // Refunded, the refund names the link it came from; the issued invoice is left as it is.
            await api.PostJson($"/api/v1/transactions/{charged.Id}/refund", null).Ok();
            var refunded = (await EventsAsync(db)).Single(e => e.Type == "payment.refunded").Data;
            Assert.Equal(id, refunded["paymentLinkId"]!.GetValue<string>());
            Assert.Equal(12345, refunded["refundAmount"]!.GetValue<long>());
        }
    }

    [Fact]
    public async Task Link_PaidFromTwoTabsAtOnce_ChargesOnce()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        var customer = await api.Customer("gus", card: null);
        // Several links, so the second tab lands in each window of the first tab's charge: before it, during it, after it.
        const int Links = 6;
        for (var i = 0; i < Links; i++)
        {
            var url = (await api.PostJson("/api/v1/payments", new { customerId = "gus", amount = 990 + i, currency = "USD", description = $"Ebook {i}" })
                .Ok(HttpStatusCode.Created)).Str("url");
            using var tab1 = new PageClient(server.BaseAddress);
            using var tab2 = new PageClient(server.BaseAddress);
            await tab1.Get(url);
            await tab2.Get(url);

            var answers = await Task.WhenAll(tab1.Post(url, Card("4242424242424242")), tab2.Post(url, Card("4242424242424242")));

            await using var db = t.Db();
            Assert.Single(await db.Transactions.AsNoTracking().Where(tx => tx.CustomerId == customer && tx.Amount == 990 + i).ToListAsync());
            // One tab pays; the other finds the link used (never a second "paid" page, never a "nothing due" page).
            Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Gone], answers.Select(a => a.Status).Order().ToArray());
        }
        await using (var db = t.Db())
        {
            Assert.Equal(Links, await db.Transactions.AsNoTracking().CountAsync(tx => tx.CustomerId == customer));
            Assert.Equal(Links, await db.Invoices.AsNoTracking().CountAsync(i => i.CustomerId == customer));
        }
    }

    [Fact]
    public async Task CanceledLink_PageRefusesIt_NothingCanBePaid_AndCancelingAgainChangesNothing()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        var customer = await api.Customer("bob", card: null);
        var created = await api.PostJson("/api/v1/payments", new { customerId = "bob", amount = 5000, currency = "USD", description = "Setup fee" })
            .Ok(HttpStatusCode.Created);
        var id = created.Str("id");
        var url = created.Str("url");
        using var browser = new PageClient(server.BaseAddress);
        Assert.Equal(HttpStatusCode.OK, (await browser.Get(url)).Status);

        var canceled = await api.PostJson($"/api/v1/payments/{id}/cancel", null).Ok();
        Assert.Equal("canceled", canceled.Str("status"));
        Assert.Null(canceled["url"]);
        Assert.Equal("canceled", (await api.PostJson($"/api/v1/payments/{id}/cancel", null).Ok()).Str("status"));

        // The form the customer already had open is refused too.
        var posted = await browser.Post(url, Card("4242424242424242"));
        Assert.Equal(HttpStatusCode.NotFound, posted.Status);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.Get(url)).Status);
        await using var db = t.Db();
        Assert.Empty(await db.Transactions.AsNoTracking().Where(tx => tx.CustomerId == customer).ToListAsync());
        Assert.Empty(await db.Invoices.AsNoTracking().Where(i => i.CustomerId == customer).ToListAsync());
        var events = (await EventsAsync(db)).Where(e => e.Type.StartsWith("payment_link.", StringComparison.Ordinal)).ToList();
        Assert.Equal(["payment_link.created", "payment_link.canceled"], events.Select(e => e.Type).ToArray());
        Assert.Empty(Events.SdkShapes.Problems(events));
        Assert.Equal("canceled", (await api.GetJson($"/api/v1/payments/{id}").Ok()).Str("status"));
    }

    [Fact]
    public async Task Charge_UsesTheSavedCard_OnceEvenWhenSentTwice_AndIssuesAOneTimeInvoice()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.Plan("basic", 1900);
        var customer = await api.Customer("cy");
        await api.Subscribe("cy", "basic");
        // 2 extra reports at $12.50 = 2 × 1250 = 2500 cents.
        var body = new { customerId = "cy", amount = 2500, currency = "USD", description = "2 extra reports" };
        var first = await api.PostJson("/api/v1/payments/charge", body, idempotencyKey: "charge-cy-1");
        Assert.Equal(HttpStatusCode.Created, first.Status);
        var second = await api.PostJson("/api/v1/payments/charge", body, idempotencyKey: "charge-cy-1");
        Assert.True(second.Status is HttpStatusCode.Created or HttpStatusCode.OK, second.ToString());
        Assert.Equal(first.Data.Str("id"), second.Data.Str("id"));
        Assert.Equal("charge", first.Data.Str("kind"));
        Assert.Equal("succeeded", first.Data.Str("status"));
        Assert.Equal(2500, first.Data["amountTotal"]!.GetValue<long>());
        Assert.Null(first.Data["url"]);

        await using var db = t.Db();
        var oneTime = Assert.Single(await db.Invoices.AsNoTracking().Include(i => i.Lines).Where(i => i.CustomerId == customer && i.Type == "one_time_payment").ToListAsync());
        Assert.Equal(2500, oneTime.Total);
        Assert.Equal(InvoiceStatus.Paid, oneTime.Status);
        Assert.Equal(2500, Assert.Single(oneTime.Lines).Amount);
        var charges = await db.Transactions.AsNoTracking().Where(tx => tx.InvoiceId == oneTime.Id).ToListAsync();
        Assert.Equal(2500, Assert.Single(charges).Amount);

        // A charge cannot be canceled.
        Assert.Equal("payment_not_cancelable", (await api.PostJson($"/api/v1/payments/{first.Data.Str("id")}/cancel", null)).ErrorCode);
    }

    [Fact]
    public async Task Charge_WithoutASubscription_OrWithBadInput_IsRefused_AndChargesNothing()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        var customer = await api.Customer("dee");
        var refused = await api.PostJson("/api/v1/payments/charge", new { customerId = "dee", amount = 2500, currency = "USD", description = "Extra" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.Status);
        Assert.Equal("subscription_required", refused.ErrorCode);

        var invalid = await api.PostJson("/api/v1/payments", new { customerId = "dee", amount = 0, currency = "XYZ" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, invalid.Status);
        Assert.Equal("validation_error", invalid.ErrorCode);
        Assert.Equal(["amount", "currency", "description"], invalid.ErrorFields.Order().ToArray());
        Assert.Equal("customer_not_found",
            (await api.PostJson("/api/v1/payments", new { customerId = "nobody", amount = 100, currency = "USD", description = "x" })).ErrorCode);
        Assert.Equal("payment_not_found", (await api.GetJson("/api/v1/payments/pay_missing")).ErrorCode);

        await using var db = t.Db();
        Assert.Empty(await db.Transactions.AsNoTracking().Where(tx => tx.CustomerId == customer).ToListAsync());
    }

    [Fact]
    public async Task List_IsNewestFirst_WithACursor_AndFiltersByCustomer()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.Customer("eve", card: null);
        await api.Customer("fay", card: null);
        var ids = new List<string>();
        foreach (var (who, amount) in new[] { ("eve", 100), ("fay", 200), ("eve", 300) })
        {
            ids.Add((await api.PostJson("/api/v1/payments", new { customerId = who, amount, currency = "USD", description = "Item" }).Ok(HttpStatusCode.Created)).Str("id"));
        }
        var page1 = await api.GetJson("/api/v1/payments?limit=2");
        Assert.Equal(HttpStatusCode.OK, page1.Status);
        Assert.Equal([ids[2], ids[1]], page1.Data.AsArray().Select(p => p!.Str("id")).ToArray());
        Assert.True(page1.Body!["hasMore"]!.GetValue<bool>());
        var cursor = page1.Body!["nextCursor"]!.GetValue<string>();
        var page2 = await api.GetJson($"/api/v1/payments?limit=2&cursor={cursor}");
        Assert.Equal([ids[0]], page2.Data.AsArray().Select(p => p!.Str("id")).ToArray());
        Assert.False(page2.Body!["hasMore"]!.GetValue<bool>());

        var eve = await api.GetJson("/api/v1/payments?customerId=eve");
        Assert.Equal([ids[2], ids[0]], eve.Data.AsArray().Select(p => p!.Str("id")).ToArray());
        Assert.All(eve.Data.AsArray(), p => Assert.Contains("/pay/", p!.Str("url"), StringComparison.Ordinal));
    }

    private static async Task<List<(string Type, JsonObject Data)>> EventsAsync(Commet.Server.Persistence.CommetDb db)
    {
        var rows = await db.Events.AsNoTracking().OrderBy(e => e.CreatedAt).ThenBy(e => e.Id).Select(e => new { e.Type, e.DataJson }).ToListAsync();
        return rows.Select(r => (r.Type, JsonNode.Parse(r.DataJson)!.AsObject())).ToList();
    }
}

public sealed class PaymentLinkTests_Sqlite(SqliteServer server) : PaymentLinkTests<SqliteServer>(server);

public sealed class PaymentLinkTests_Postgres(PostgresServer server) : PaymentLinkTests<PostgresServer>(server);
