using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Commet.Server.Tests.Infrastructure;
using UglyToad.PdfPig;
using static Commet.Server.Tests.Infrastructure.BillingSetup;

namespace Commet.Server.Tests;

public abstract class InvoiceApiTests<TServer>(TServer server) : IClassFixture<TServer>
    where TServer : ServerFixture
{
    private readonly HttpClient api = server.Client();

    private static string S(JsonNode? node) => node!.GetValue<string>();

    private static long L(JsonNode? node) => node!.GetValue<long>();

    private static int Number(string invoiceNumber)
    {
        Assert.Matches("^INV-[0-9]{6}$", invoiceNumber);
        return int.Parse(invoiceNumber[4..], System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task<(string CustomerId, string ExternalId, string Email, string SubscriptionId)> SubscribedAsync(long price = 4900, string plan = "Pro")
    {
        var (customerId, external, email) = await CustomerAsync(api);
        var code = await PlanAsync(api, plan, price);
        await CardAsync(api, customerId);
        var (subscriptionId, status) = await SubscribeAsync(api, customerId, code);
        Assert.Equal("active", status);
        return (customerId, external, email, subscriptionId);
    }

    [Fact]
    public async Task Subscribing_MakesAPaidInvoice_ThatListAndGetShowWithExactAmountsAndLineItems()
    {
        var (customerId, external, _, subscriptionId) = await SubscribedAsync();

        var list = await api.GetJson($"/api/v1/invoices?customerId={external}");
        Assert.Equal(HttpStatusCode.OK, list.Status);
        var item = Assert.Single(list.Data.AsArray())!;
        Assert.False(list.Body!["hasMore"]!.GetValue<bool>());
        Assert.StartsWith("inv_", S(item["id"]));
        Assert.Equal("invoice", S(item["object"]));
        Assert.False(item["livemode"]!.GetValue<bool>());
        Assert.Equal(customerId, S(item["customerId"]));
        Assert.Equal(subscriptionId, S(item["subscriptionId"]));
        Assert.Equal("paid", S(item["status"]));
        Assert.Equal("recurring", S(item["invoiceType"]));
        Assert.Equal("USD", S(item["currency"]));
        Assert.Equal(4900, L(item["subtotal"]));
        Assert.Equal(0, L(item["discountAmount"]));
        Assert.Equal(0, L(item["creditApplied"]));
        Assert.Equal(0, L(item["taxAmount"]));
        Assert.Equal(4900, L(item["total"]));
        Assert.Equal("Pro", S(item["planName"]));
        Assert.Null(item["memo"]);
        Assert.Equal(JsonValueKind.Object, item["metadata"]!.GetValueKind());
        Assert.Empty(item["metadata"]!.AsObject());
        Assert.False(item.AsObject().ContainsKey("lineItems"));
        foreach (var field in new[] { "periodStart", "periodEnd", "issueDate", "dueDate", "createdAt", "updatedAt" })
        {
            Assert.EndsWith("Z", S(item[field]));
        }

        var got = await api.GetJson($"/api/v1/invoices/{S(item["id"])}");
        Assert.Equal(HttpStatusCode.OK, got.Status);
        var line = Assert.Single(got.Data["lineItems"]!.AsArray())!;
        Assert.Equal("plan_base", S(line["lineType"]));
        Assert.Null(line["featureName"]);
        Assert.StartsWith("Pro", S(line["description"]));
        Assert.Equal("1", line["quantity"]!.ToJsonString());
        Assert.Equal(4900, L(line["unitAmount"]));
        Assert.Equal(4900, L(line["amount"]));
        Assert.Null(line["includedAmount"]);
        Assert.Null(line["usedAmount"]);
        Assert.Null(line["overageAmount"]);
        Assert.Null(line["discountType"]);
        Assert.Null(line["discountValue"]);
        Assert.Null(line["discountName"]);
        Assert.Equal("advance", S(line["chargeType"]));

        // Filters: by subscription, by status, and both ways of naming the customer.
        var bySubscription = await api.GetJson($"/api/v1/invoices?subscriptionId={subscriptionId}");
        Assert.Equal(S(item["id"]), S(Assert.Single(bySubscription.Data.AsArray())!["id"]));
        var paid = await api.GetJson($"/api/v1/invoices?customerId={customerId}&status=paid");
        Assert.Single(paid.Data.AsArray());
        var outstanding = await api.GetJson($"/api/v1/invoices?customerId={customerId}&status=outstanding");
        Assert.Empty(outstanding.Data.AsArray());
    }

    [Fact]
    public async Task List_RefusesUnknownStatusAndCustomer_AndGetOfUnknownInvoiceIs404()
    {
        var badStatus = await api.GetJson("/api/v1/invoices?status=refunded");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badStatus.Status);
        Assert.Contains("status", badStatus.ErrorFields);

        var unknownCustomer = await api.GetJson("/api/v1/invoices?customerId=nobody_here");
        Assert.Equal(HttpStatusCode.NotFound, unknownCustomer.Status);
        Assert.Equal("customer_not_found", unknownCustomer.ErrorCode);

        var missing = await api.GetJson("/api/v1/invoices/inv_00000000000000000000000000");
        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
        Assert.Equal("invoice_not_found", missing.ErrorCode);

        var noDownload = await api.GetJson("/api/v1/invoices/inv_00000000000000000000000000/download");
        Assert.Equal("invoice_not_found", noDownload.ErrorCode);
    }

    [Fact]
    public async Task List_PagesNewestFirstWithCursor()
    {
        var (customerId, _, _) = await CustomerAsync(api);
        var made = new List<string>();
        for (var i = 1; i <= 3; i++)
        {
            var created = await api.PostJson("/api/v1/invoices", new { customerId, amount = 100 * i, description = $"Item {i}" });
            made.Add(S(created.Data["id"]));
        }
        var first = await api.GetJson($"/api/v1/invoices?customerId={customerId}&limit=2");
        Assert.True(first.Body!["hasMore"]!.GetValue<bool>());
        var cursor = S(first.Body!["nextCursor"]);
        var second = await api.GetJson($"/api/v1/invoices?customerId={customerId}&limit=2&cursor={cursor}");
        Assert.False(second.Body!["hasMore"]!.GetValue<bool>());
        var ids = first.Data.AsArray().Concat(second.Data.AsArray()).Select(n => S(n!["id"])).ToList();
        Assert.Equal(Enumerable.Reverse(made), ids);
    }

    [Fact]
    public async Task Download_GivesASignedLink_ThatServesThePdfWithoutAKey_AndATamperedLinkIs404()
    {
        var (customerId, _, email, _) = await SubscribedAsync(4900, "Pro");
        var invoice = Assert.Single((await api.GetJson($"/api/v1/invoices?customerId={customerId}")).Data.AsArray())!;
        var number = S(invoice["invoiceNumber"]);

        var download = await api.GetJson($"/api/v1/invoices/{S(invoice["id"])}/download");
        Assert.Equal(HttpStatusCode.OK, download.Status);
        Assert.Equal("invoice", S(download.Data["object"]));
        Assert.False(download.Data["livemode"]!.GetValue<bool>());
        var url = S(download.Data["url"]);
        Assert.StartsWith(server.BaseAddress.ToString().TrimEnd('/') + "/invoices/pdf/", url);
        var expiresAt = DateTime.Parse(S(download.Data["expiresAt"]), System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AdjustToUniversal);
        Assert.InRange(expiresAt, DateTime.UtcNow.AddDays(7).AddMinutes(-2), DateTime.UtcNow.AddDays(7).AddMinutes(2));

        using var anonymous = new HttpClient();
        using var pdf = await anonymous.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType?.MediaType);
        var bytes = await pdf.Content.ReadAsByteArrayAsync();
        Assert.Equal("%PDF"u8.ToArray(), bytes[..4]);
        using (var document = PdfDocument.Open(bytes))
        {
            var text = string.Join("\n", document.GetPages().Select(p => p.Text));
            Assert.Contains(number, text);
            Assert.Contains("$49.00", text);
            Assert.Contains(email, text);
            Assert.Contains("Ann Lee", text);
            Assert.Contains("Springfield", text);
            Assert.Contains("Default organization", text);
            Assert.Contains("Paid", text);
        }

        var token = url[(url.LastIndexOf('/') + 1)..];
        var tampered = token[..^3] + (token[^3] == 'A' ? 'B' : 'A') + token[^2..];
        using var forged = await anonymous.GetAsync(url[..(url.LastIndexOf('/') + 1)] + tampered);
        Assert.Equal(HttpStatusCode.NotFound, forged.StatusCode);
        using var garbage = await anonymous.GetAsync(server.BaseAddress + "invoices/pdf/not-a-token");
        Assert.Equal(HttpStatusCode.NotFound, garbage.StatusCode);
    }

    [Fact]
    public async Task Pdf_WrapsALongDescription_AndShowsTheFormattedTotal()
    {
        var (customerId, _, _) = await CustomerAsync(api, "Bob Stone", withAddress: false);
        var created = await api.PostJson("/api/v1/invoices", new
        {
            customerId,
            amount = 123456,
            description = string.Join(' ', Enumerable.Repeat("A very long adjustment description that has to wrap over several lines", 6)),
        });
        Assert.Equal(HttpStatusCode.Created, created.Status);
        var download = await api.GetJson($"/api/v1/invoices/{S(created.Data["id"])}/download");
        using var anonymous = new HttpClient();
        var bytes = await anonymous.GetByteArrayAsync(S(download.Data["url"]));
        using var document = PdfDocument.Open(bytes);
        var text = string.Join("\n", document.GetPages().Select(p => p.Text));
        Assert.Contains("$1,234.56", text);
        Assert.Contains(S(created.Data["invoiceNumber"]), text);
        // The status reads as the portal's badge does: an outstanding invoice is "Due" (beside the "Due date" label).
        Assert.Contains("Due", text.Replace("Due date", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Adjustments_ContinueTheNumberSequence_ChargeTheCard_AndNegativeOnesAreCreditNotes()
    {
        var (customerId, _, _, _) = await SubscribedAsync(2500, "Basic");
        var first = Assert.Single((await api.GetJson($"/api/v1/invoices?customerId={customerId}")).Data.AsArray())!;
        var n = Number(S(first["invoiceNumber"]));

        var charge = await api.PostJson("/api/v1/invoices", new
        {
            customerId,
            amount = 1500,
            description = "Setup fee",
            metadata = new { ticket = "T-1" },
        });
        Assert.Equal(HttpStatusCode.Created, charge.Status);
        Assert.Equal($"INV-{n + 1:D6}", S(charge.Data["invoiceNumber"]));
        Assert.Equal("adjustment", S(charge.Data["invoiceType"]));
        Assert.Equal("paid", S(charge.Data["status"]));
        Assert.Equal(1500, L(charge.Data["total"]));
        Assert.Equal(1500, L(charge.Data["subtotal"]));
        Assert.Equal(0, L(charge.Data["taxAmount"]));
        Assert.Equal("T-1", S(charge.Data["metadata"]!["ticket"]));
        Assert.Equal("invoice", S(charge.Data["object"]));

        var credit = await api.PostJson("/api/v1/invoices", new { customerId, amount = -700, description = "Goodwill credit" });
        Assert.Equal(HttpStatusCode.Created, credit.Status);
        Assert.Equal($"INV-{n + 2:D6}", S(credit.Data["invoiceNumber"]));
        Assert.Equal("paid", S(credit.Data["status"]));
        Assert.Equal(-700, L(credit.Data["total"]));
        var creditLine = Assert.Single((await api.GetJson($"/api/v1/invoices/{S(credit.Data["id"])}")).Data["lineItems"]!.AsArray())!;
        Assert.Equal("credit", S(creditLine["lineType"]));
        Assert.Equal(-700, L(creditLine["amount"]));

        // The positive adjustment was charged: one more succeeded transaction for its invoice.
        var transactions = await api.GetJson("/api/v1/transactions?status=succeeded&limit=100");
        Assert.Contains(transactions.Data.AsArray(), t => S(t!["invoiceId"]) == S(charge.Data["id"]) && L(t!["grossAmount"]) == 1500);
        Assert.DoesNotContain(transactions.Data.AsArray(), t => t!["invoiceId"]?.GetValue<string>() == S(credit.Data["id"]));

        // Without a card a positive adjustment stays outstanding and no transaction is made.
        var (noCard, _, _) = await CustomerAsync(api);
        var owed = await api.PostJson("/api/v1/invoices", new { customerId = noCard, amount = 999, description = "Consulting" });
        Assert.Equal("outstanding", S(owed.Data["status"]));
        Assert.Equal($"INV-{n + 3:D6}", S(owed.Data["invoiceNumber"]));
    }

    [Fact]
    public async Task Adjustments_InLiveMode_NumberFromINV000001_SeparatelyFromSandbox()
    {
        var live = server.Client(ServerFixture.LiveKey);
        var (customerId, _, _) = await CustomerAsync(live);
        var one = await live.PostJson("/api/v1/invoices", new { customerId, amount = 100, description = "One" });
        var two = await live.PostJson("/api/v1/invoices", new { customerId, amount = 200, description = "Two" });
        Assert.Equal(HttpStatusCode.Created, one.Status);
        Assert.Equal("INV-000001", S(one.Data["invoiceNumber"]));
        Assert.Equal("INV-000002", S(two.Data["invoiceNumber"]));
        Assert.True(one.Data["livemode"]!.GetValue<bool>());
        Assert.Equal("outstanding", S(one.Data["status"]));
        // Sandbox keys never see live invoices.
        var fromSandbox = await api.GetJson($"/api/v1/invoices/{S(one.Data["id"])}");
        Assert.Equal(HttpStatusCode.NotFound, fromSandbox.Status);
    }

    [Fact]
    public async Task Adjustment_Validation_ReportsEveryBadField()
    {
        var (customerId, _, _) = await CustomerAsync(api);
        var zero = await api.PostJson("/api/v1/invoices", new { customerId, amount = 0, description = "" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, zero.Status);
        Assert.Contains("amount", zero.ErrorFields);
        Assert.Contains("description", zero.ErrorFields);

        var huge = await api.PostJson("/api/v1/invoices", new { customerId, amount = 10_000_000_001L, description = "Too much" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, huge.Status);
        Assert.Contains("amount", huge.ErrorFields);

        var max = await api.PostJson("/api/v1/invoices", new { customerId, amount = -10_000_000_000L, description = "Largest credit" });
        Assert.Equal(HttpStatusCode.Created, max.Status);

        var missing = await api.PostJson("/api/v1/invoices", new { description = "Who?" });
        Assert.Contains("customerId", missing.ErrorFields);
        Assert.Contains("amount", missing.ErrorFields);

        var unknown = await api.PostJson("/api/v1/invoices", new { customerId = "nobody_here", amount = 100, description = "x" });
        Assert.Equal("customer_not_found", unknown.ErrorCode);
    }

    [Fact]
    public async Task Status_VoidIsFinal_PaidIsFinal_AndUncollectibleIsOurAddition()
    {
        var (customerId, _, _) = await CustomerAsync(api);
        async Task<string> Owed(long amount) =>
            S((await api.PostJson("/api/v1/invoices", new { customerId, amount, description = "Owed" })).Data["id"]);

        var voided = await Owed(1000);
        var voidAnswer = await api.PutJson($"/api/v1/invoices/{voided}/status", new { status = "void" });
        Assert.Equal(HttpStatusCode.OK, voidAnswer.Status);
        Assert.Equal("void", S(voidAnswer.Data["status"]));
        Assert.Equal(voided, S(voidAnswer.Data["id"]));
        Assert.Equal("invoice", S(voidAnswer.Data["object"]));
        var thenPaid = await api.PutJson($"/api/v1/invoices/{voided}/status", new { status = "paid" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, thenPaid.Status);
        Assert.Equal("invalid_invoice_status", thenPaid.ErrorCode);

        var paid = await Owed(2000);
        Assert.Equal("paid", S((await api.PutJson($"/api/v1/invoices/{paid}/status", new { status = "paid" })).Data["status"]));
        Assert.NotNull((await api.GetJson($"/api/v1/invoices/{paid}")).Data["paidAt"]);
        var thenVoid = await api.PutJson($"/api/v1/invoices/{paid}/status", new { status = "void" });
        Assert.Equal("invalid_invoice_status", thenVoid.ErrorCode);

        var written = await Owed(3000);
        Assert.Equal("uncollectible", S((await api.PutJson($"/api/v1/invoices/{written}/status", new { status = "uncollectible" })).Data["status"]));
        Assert.Equal("invalid_invoice_status", (await api.PutJson($"/api/v1/invoices/{written}/status", new { status = "paid" })).ErrorCode);

        var bad = await api.PutJson($"/api/v1/invoices/{written}/status", new { status = "outstanding" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.Status);
        Assert.Equal("validation_error", bad.ErrorCode);
        Assert.Contains("status", bad.ErrorFields);
        var missing = await api.PutJson("/api/v1/invoices/inv_00000000000000000000000000/status", new { status = "void" });
        Assert.Equal("invoice_not_found", missing.ErrorCode);
    }

    [Fact]
    public async Task ConcurrentStatusChanges_OneWins_AndTheRestSeeAFinalInvoice()
    {
        var (customerId, _, _) = await CustomerAsync(api);
        var id = S((await api.PostJson("/api/v1/invoices", new { customerId, amount = 4200, description = "Race" })).Data["id"]);

        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            server.Client().PutJson($"/api/v1/invoices/{id}/status", new { status = i % 2 == 0 ? "paid" : "void" })));

        var winner = Assert.Single(answers, a => a.Status == HttpStatusCode.OK);
        Assert.All(answers.Where(a => a.Status != HttpStatusCode.OK), a => Assert.Equal("invalid_invoice_status", a.ErrorCode));
        Assert.Equal(S(winner.Data["status"]), S((await api.GetJson($"/api/v1/invoices/{id}")).Data["status"]));
    }

    [Fact]
    public async Task Send_RecordsSentAt_ButNotForAVoidInvoice()
    {
        var (customerId, _, _) = await CustomerAsync(api);
        var id = S((await api.PostJson("/api/v1/invoices", new { customerId, amount = 500, description = "Send me" })).Data["id"]);
        var sent = await api.PostJson($"/api/v1/invoices/{id}/send", new { });
        Assert.Equal(HttpStatusCode.OK, sent.Status);
        Assert.True(sent.Data["sent"]!.GetValue<bool>());
        Assert.Equal("invoice", S(sent.Data["object"]));
        Assert.Equal(S(sent.Data["sentAt"]), S((await api.GetJson($"/api/v1/invoices/{id}")).Data["sentAt"]));

        await api.PutJson($"/api/v1/invoices/{id}/status", new { status = "void" });
        var again = await api.PostJson($"/api/v1/invoices/{id}/send", new { });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, again.Status);
        Assert.Equal("invalid_invoice_status", again.ErrorCode);
    }

    [Fact]
    public async Task MarkingAPendingSubscriptionsFirstInvoicePaid_ActivatesIt_AndVoidingAnotherCancelsIt()
    {
        var code = await PlanAsync(api, "Team", 9900);
        var (first, _, _) = await CustomerAsync(api);
        var (pendingId, status) = await SubscribeAsync(api, first, code);
        Assert.Equal("pending_payment", status);
        var invoice = S(Assert.Single((await api.GetJson($"/api/v1/invoices?subscriptionId={pendingId}")).Data.AsArray())!["id"]);
        Assert.Equal("paid", S((await api.PutJson($"/api/v1/invoices/{invoice}/status", new { status = "paid" })).Data["status"]));
        Assert.Equal("active", S((await api.GetJson($"/api/v1/subscriptions/{pendingId}")).Data["status"]));

        var (second, _, _) = await CustomerAsync(api);
        var (otherId, _) = await SubscribeAsync(api, second, code);
        var otherInvoice = S(Assert.Single((await api.GetJson($"/api/v1/invoices?subscriptionId={otherId}")).Data.AsArray())!["id"]);
        await api.PutJson($"/api/v1/invoices/{otherInvoice}/status", new { status = "void" });
        Assert.Equal("canceled", S((await api.GetJson($"/api/v1/subscriptions/{otherId}")).Data["status"]));
    }
}

public sealed class InvoiceApiTests_Sqlite(SqliteServer server) : InvoiceApiTests<SqliteServer>(server);

public sealed class InvoiceApiTests_Postgres(PostgresServer server) : InvoiceApiTests<PostgresServer>(server);
