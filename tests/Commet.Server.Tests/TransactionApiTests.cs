using System.Net;
using System.Text.Json.Nodes;
using Commet.Server.Tests.Infrastructure;
using static Commet.Server.Tests.Infrastructure.BillingSetup;

namespace Commet.Server.Tests;

public abstract class TransactionApiTests<TServer>(TServer server) : IClassFixture<TServer>
    where TServer : ServerFixture
{
    private readonly HttpClient api = server.Client();

    private static string S(JsonNode? node) => node!.GetValue<string>();

    [Fact]
    public async Task ListAndGet_ShowTheSdkTransactionFields()
    {
        var (customerId, _, email) = await CustomerAsync(api, "Cara Diaz");
        var code = await PlanAsync(api, "Pro", 4900);
        await CardAsync(api, customerId);
        var (subscriptionId, _) = await SubscribeAsync(api, customerId, code);
        var invoiceId = S(Assert.Single((await api.GetJson($"/api/v1/invoices?subscriptionId={subscriptionId}")).Data.AsArray())!["id"]);

        var list = await api.GetJson($"/api/v1/transactions?customerEmail={Uri.EscapeDataString(email)}");
        Assert.Equal(HttpStatusCode.OK, list.Status);
        var listed = Assert.Single(list.Data.AsArray())!;
        Assert.False(list.Body!["hasMore"]!.GetValue<bool>());

        var got = await api.GetJson($"/api/v1/transactions/{S(listed["id"])}");
        Assert.Equal(HttpStatusCode.OK, got.Status);
        var t = got.Data;
        Assert.StartsWith("txn_", S(t["id"]));
        Assert.Equal("transaction", S(t["object"]));
        Assert.False(t["livemode"]!.GetValue<bool>());
        Assert.Equal(invoiceId, S(t["invoiceId"]));
        Assert.Equal(4900, t["grossAmount"]!.GetValue<long>());
        Assert.Equal(4900, t["subtotal"]!.GetValue<long>());
        Assert.Equal(0, t["taxAmount"]!.GetValue<long>());
        Assert.True(t.AsObject().ContainsKey("presentmentAmount"));
        Assert.Null(t["presentmentAmount"]);
        Assert.Equal("USD", S(t["currency"]));
        Assert.Equal("commet", S(t["provider"]));
        Assert.Equal("succeeded", S(t["status"]));
        Assert.Equal(email, S(t["customerEmail"]));
        Assert.Equal("Cara Diaz", S(t["customerName"]));
        Assert.EndsWith("Z", S(t["paidAt"]));
        Assert.True(t.AsObject().ContainsKey("availableAt"));
        Assert.Null(t["availableAt"]);
        Assert.EndsWith("Z", S(t["createdAt"]));
        Assert.EndsWith("Z", S(t["updatedAt"]));

        var succeeded = await api.GetJson($"/api/v1/transactions?status=succeeded&customerEmail={Uri.EscapeDataString(email)}");
        Assert.Single(succeeded.Data.AsArray());
        var failed = await api.GetJson($"/api/v1/transactions?status=failed&customerEmail={Uri.EscapeDataString(email)}");
        Assert.Empty(failed.Data.AsArray());
        var nobody = await api.GetJson("/api/v1/transactions?customerEmail=nobody%40example.com");
        Assert.Empty(nobody.Data.AsArray());
        var badStatus = await api.GetJson("/api/v1/transactions?status=paid");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badStatus.Status);
        Assert.Contains("status", badStatus.ErrorFields);
        var missing = await api.GetJson("/api/v1/transactions/txn_00000000000000000000000000");
        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
        Assert.Equal("transaction_not_found", missing.ErrorCode);
    }

    [Fact]
    public async Task RefundingTheFirstInvoiceOfASubscription_CancelsItAtOnce_AndASecondRefundIsRefused()
    {
        var (customerId, _, email) = await CustomerAsync(api);
        var code = await PlanAsync(api, "Pro", 4900);
        await CardAsync(api, customerId);
        var (subscriptionId, status) = await SubscribeAsync(api, customerId, code);
        Assert.Equal("active", status);
        var txn = S(Assert.Single((await api.GetJson($"/api/v1/transactions?customerEmail={Uri.EscapeDataString(email)}")).Data.AsArray())!["id"]);

        var refund = await api.PostJson($"/api/v1/transactions/{txn}/refund", new { });
        Assert.Equal(HttpStatusCode.OK, refund.Status);
        Assert.Equal(txn, S(refund.Data["id"]));
        Assert.Equal("refunded", S(refund.Data["status"]));
        Assert.Equal("transaction", S(refund.Data["object"]));

        var subscription = (await api.GetJson($"/api/v1/subscriptions/{subscriptionId}")).Data;
        Assert.Equal("canceled", S(subscription["status"]));
        Assert.Equal("refund", S(subscription["cancellation"]!["reason"]));
        var after = (await api.GetJson($"/api/v1/transactions/{txn}")).Data;
        Assert.Equal("refunded", S(after["status"]));
        Assert.NotNull(after["refundedAt"]);
        var refundedList = await api.GetJson($"/api/v1/transactions?status=refunded&customerEmail={Uri.EscapeDataString(email)}");
        Assert.Single(refundedList.Data.AsArray());

        var again = await api.PostJson($"/api/v1/transactions/{txn}/refund", new { });
        Assert.Equal(HttpStatusCode.Conflict, again.Status);
        Assert.Equal("transaction_already_refunded", again.ErrorCode);

        var missing = await api.PostJson("/api/v1/transactions/txn_00000000000000000000000000/refund", new { });
        Assert.Equal("transaction_not_found", missing.ErrorCode);
    }

    [Fact]
    public async Task ConcurrentRefunds_RefundOnce()
    {
        var (customerId, _, email) = await CustomerAsync(api);
        await CardAsync(api, customerId);
        await api.PostJson("/api/v1/invoices", new { customerId, amount = 800, description = "Once" });
        var txn = S(Assert.Single((await api.GetJson($"/api/v1/transactions?customerEmail={Uri.EscapeDataString(email)}")).Data.AsArray())!["id"]);

        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => server.Client().PostJson($"/api/v1/transactions/{txn}/refund", new { })));

        Assert.Single(answers, a => a.Status == HttpStatusCode.OK);
        Assert.All(answers.Where(a => a.Status != HttpStatusCode.OK), a => Assert.Equal("transaction_already_refunded", a.ErrorCode));
    }

    [Fact]
    public async Task RefundingAnAdjustment_LeavesTheSubscriptionAlone()
    {
        var (customerId, _, email) = await CustomerAsync(api);
        var code = await PlanAsync(api, "Pro", 4900);
        await CardAsync(api, customerId);
        var (subscriptionId, _) = await SubscribeAsync(api, customerId, code);
        var adjustment = await api.PostJson("/api/v1/invoices", new { customerId, amount = 300, description = "Extra" });
        var txn = (await api.GetJson($"/api/v1/transactions?customerEmail={Uri.EscapeDataString(email)}")).Data.AsArray()
            .Single(t => S(t!["invoiceId"]) == S(adjustment.Data["id"]))!;

        Assert.Equal(HttpStatusCode.OK, (await api.PostJson($"/api/v1/transactions/{S(txn["id"])}/refund", new { })).Status);
        Assert.Equal("active", S((await api.GetJson($"/api/v1/subscriptions/{subscriptionId}")).Data["status"]));
    }

    [Fact]
    public async Task Retry_OfATransactionThatDidNotFail_Is422()
    {
        var (customerId, _, email) = await CustomerAsync(api);
        var code = await PlanAsync(api, "Pro", 4900);
        await CardAsync(api, customerId);
        await SubscribeAsync(api, customerId, code);
        var txn = S(Assert.Single((await api.GetJson($"/api/v1/transactions?customerEmail={Uri.EscapeDataString(email)}")).Data.AsArray())!["id"]);

        var retry = await api.PostJson($"/api/v1/transactions/{txn}/retry", new { });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, retry.Status);
        Assert.Equal("transaction_not_retryable", retry.ErrorCode);

        var missing = await api.PostJson("/api/v1/transactions/txn_00000000000000000000000000/retry", new { });
        Assert.Equal("transaction_not_found", missing.ErrorCode);
    }

    [Fact]
    public async Task Retry_OfAFailedFirstCharge_Is422_BecauseOnlyPastDueRenewalsAreRetried()
    {
        var (customerId, _, email) = await CustomerAsync(api);
        var code = await PlanAsync(api, "Pro", 4900);
        await CardAsync(api, customerId, FailsLaterCard);
        var (_, status) = await SubscribeAsync(api, customerId, code);
        Assert.Equal("pending_payment", status);
        var failed = Assert.Single((await api.GetJson($"/api/v1/transactions?status=failed&customerEmail={Uri.EscapeDataString(email)}")).Data.AsArray())!;
        Assert.Equal("card_declined", S(failed["failureCode"]));
        Assert.Null(failed["paidAt"]);

        var retry = await api.PostJson($"/api/v1/transactions/{S(failed["id"])}/retry", new { });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, retry.Status);
        Assert.Equal("transaction_not_retryable", retry.ErrorCode);

        var refund = await api.PostJson($"/api/v1/transactions/{S(failed["id"])}/refund", new { });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refund.Status);
        Assert.Equal("transaction_not_refundable", refund.ErrorCode);
    }
}

public sealed class TransactionApiTests_Sqlite(SqliteServer server) : TransactionApiTests<SqliteServer>(server);

public sealed class TransactionApiTests_Postgres(PostgresServer server) : TransactionApiTests<PostgresServer>(server);

/// <summary>
/// Past-due subscriptions made by moving the sandbox clock past a renewal whose card fails. The clock is per
/// organization, so these run on a server of their own.
/// </summary>
public abstract class PastDueRecoveryTests<TServer>(TServer server) : IClassFixture<TServer>
    where TServer : ServerFixture
{
    private readonly HttpClient api = server.Client();

    private static string S(JsonNode? node) => node!.GetValue<string>();

    private async Task<(string CustomerId, string Email, string SubscriptionId)> ActiveWithFailingCardAsync(string code)
    {
        var (customerId, _, email) = await CustomerAsync(api);
        await CardAsync(api, customerId);
        var (subscriptionId, status) = await SubscribeAsync(api, customerId, code);
        Assert.Equal("active", status);
        await CardAsync(api, customerId, FailsLaterCard);
        return (customerId, email, subscriptionId);
    }

    [Fact]
    public async Task PastDueRenewals_RecoverByRetry_ByMarkingPaid_OrByVoiding_AndEndWhenUncollectible()
    {
        var code = await PlanAsync(api, "Pro", 4900);
        var byRetry = await ActiveWithFailingCardAsync(code);
        var byPaid = await ActiveWithFailingCardAsync(code);
        var byVoid = await ActiveWithFailingCardAsync(code);
        var byUncollectible = await ActiveWithFailingCardAsync(code);

        // Just past the renewal, before the first automatic retry (a day later).
        var periodEnds = new List<DateTime>();
        foreach (var s in new[] { byRetry, byPaid, byVoid, byUncollectible })
        {
            var end = S((await api.GetJson($"/api/v1/subscriptions/{s.SubscriptionId}")).Data["currentPeriod"]!["end"]);
            periodEnds.Add(DateTime.Parse(end, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal));
        }
        var frozenTime = periodEnds.Max().AddHours(1);
        Assert.Equal(HttpStatusCode.OK, (await api.PostJson("/api/v1/test-clock", new { frozenTime })).Status);
        var run = await api.PostJson("/api/v1/test-clock/process-billing", new { });
        Assert.Equal(HttpStatusCode.OK, run.Status);
        foreach (var s in new[] { byRetry, byPaid, byVoid, byUncollectible })
        {
            Assert.Equal("past_due", S((await api.GetJson($"/api/v1/subscriptions/{s.SubscriptionId}")).Data["status"]));
        }

        async Task<string> OutstandingInvoiceAsync(string subscriptionId) =>
            S(Assert.Single((await api.GetJson($"/api/v1/invoices?subscriptionId={subscriptionId}&status=outstanding")).Data.AsArray())!["id"]);

        // 1. Retry through the API after the customer fixed the card.
        var failed = Assert.Single((await api.GetJson($"/api/v1/transactions?status=failed&customerEmail={Uri.EscapeDataString(byRetry.Email)}")).Data.AsArray())!;
        var renewal = await OutstandingInvoiceAsync(byRetry.SubscriptionId);
        Assert.Equal(renewal, S(failed["invoiceId"]));
        await CardAsync(api, byRetry.CustomerId);
        var retry = await api.PostJson($"/api/v1/transactions/{S(failed["id"])}/retry", new { });
        Assert.Equal(HttpStatusCode.OK, retry.Status);
        Assert.Equal("processing", S(retry.Data["status"]));
        Assert.Equal("transaction", S(retry.Data["object"]));
        Assert.Equal("succeeded", S(retry.Data["outcome"]));
        Assert.NotEqual(S(failed["id"]), S(retry.Data["id"]));
        Assert.Equal("succeeded", S((await api.GetJson($"/api/v1/transactions/{S(retry.Data["id"])}")).Data["status"]));
        Assert.Equal("paid", S((await api.GetJson($"/api/v1/invoices/{renewal}")).Data["status"]));
        Assert.Equal("active", S((await api.GetJson($"/api/v1/subscriptions/{byRetry.SubscriptionId}")).Data["status"]));
        var twice = await api.PostJson($"/api/v1/transactions/{S(failed["id"])}/retry", new { });
        Assert.Equal("transaction_not_retryable", twice.ErrorCode);

        // 2. Paid by hand (money received elsewhere).
        var paidInvoice = await OutstandingInvoiceAsync(byPaid.SubscriptionId);
        Assert.Equal("paid", S((await api.PutJson($"/api/v1/invoices/{paidInvoice}/status", new { status = "paid" })).Data["status"]));
        Assert.Equal("active", S((await api.GetJson($"/api/v1/subscriptions/{byPaid.SubscriptionId}")).Data["status"]));

        // 3. Voided: nothing is owed any more.
        var voidInvoice = await OutstandingInvoiceAsync(byVoid.SubscriptionId);
        Assert.Equal("void", S((await api.PutJson($"/api/v1/invoices/{voidInvoice}/status", new { status = "void" })).Data["status"]));
        Assert.Equal("active", S((await api.GetJson($"/api/v1/subscriptions/{byVoid.SubscriptionId}")).Data["status"]));

        // 4. Uncollectible: collection is given up and the subscription ends.
        var lostInvoice = await OutstandingInvoiceAsync(byUncollectible.SubscriptionId);
        await api.PutJson($"/api/v1/invoices/{lostInvoice}/status", new { status = "uncollectible" });
        var ended = (await api.GetJson($"/api/v1/subscriptions/{byUncollectible.SubscriptionId}")).Data;
        Assert.Equal("canceled", S(ended["status"]));
        Assert.Equal("uncollectible", S(ended["cancellation"]!["reason"]));

        // A later dunning run leaves the recovered subscriptions active.
        await api.PostJson("/api/v1/test-clock", new { advanceDays = 2 });
        await api.PostJson("/api/v1/test-clock/process-billing", new { });
        foreach (var s in new[] { byRetry, byPaid, byVoid })
        {
            Assert.Equal("active", S((await api.GetJson($"/api/v1/subscriptions/{s.SubscriptionId}")).Data["status"]));
        }
    }
}

public sealed class PastDueRecoveryTests_Sqlite(SqliteServer server) : PastDueRecoveryTests<SqliteServer>(server);

public sealed class PastDueRecoveryTests_Postgres(PostgresServer server) : PastDueRecoveryTests<PostgresServer>(server);
