using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Commet.Server.Tests.Infrastructure;
using MimeKit;
using UglyToad.PdfPig;

namespace Commet.Server.Tests.Emails;

/// <summary>
/// Emails through a real SMTP server on loopback (<see cref="SmtpSink"/>): receipts with the PDF, the failed-payment
/// email whose link pays, "email me a link", the per-organization toggles and invoices.send.
/// </summary>
public abstract partial class EmailTests<TServer>(TServer server) : IClassFixture<TServer>
    where TServer : ServerFixture
{
    private static readonly SmtpSink Smtp = SmtpSink.Shared;

    [Fact]
    public async Task PaidRenewal_SendsReceipt_WithThePdfAttached()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(BillingApi.Utc(2027, 1, 1));
        var plan = await BillingSetup.PlanAsync(api, "Pro", 4900);
        var (customer, _, email) = await BillingSetup.CustomerAsync(api);
        await BillingSetup.CardAsync(api, customer);
        var (subscription, status) = await BillingSetup.SubscribeAsync(api, customer, plan);
        Assert.Equal("active", status);

        await api.RunUntil(BillingApi.Utc(2027, 2, 1));
        var invoices = (await api.GetJson($"/api/v1/invoices?subscriptionId={subscription}").Ok()).AsArray();
        // Newest first: the renewal of 1 February, then the first invoice of 1 January.
        Assert.Equal(2, invoices.Count);
        var renewal = invoices[0]!;
        Assert.Equal("paid", renewal.Str("status"));
        var number = renewal.Str("invoiceNumber");

        var receipt = await Smtp.WaitForAsync(email, m => (m.Subject ?? "").Contains(number, StringComparison.Ordinal));

        // A monthly plan at 4900 cents renews at its full price: 4900 cents = $49.00, no proration.
        Assert.Equal($"Receipt for invoice {number} from {await MerchantAsync(api)}", receipt.Subject);
        Assert.Contains("We received $49.00 for invoice " + number, receipt.TextBody!, StringComparison.Ordinal);
        Assert.Contains("$49.00", receipt.HtmlBody, StringComparison.Ordinal);
        var pdf = Assert.Single(receipt.Attachments.OfType<MimePart>());
        Assert.Equal("application/pdf", pdf.ContentType.MimeType);
        Assert.Equal(number + ".pdf", pdf.FileName);
        var bytes = Bytes(pdf);
        using (var document = PdfDocument.Open(bytes))
        {
            var text = string.Concat(document.GetPages().Select(p => p.Text));
            Assert.Contains(number, text, StringComparison.Ordinal);
            Assert.Contains("$49.00", text, StringComparison.Ordinal);
        }
        // Never card data: not even the last four digits of the test card.
        Assert.DoesNotContain("4242", receipt.TextBody + receipt.HtmlBody, StringComparison.Ordinal);

        // The SMTP server has the message before the sender marks its row sent: wait for the rows, not the mail.
        var listed = await WaitForEmailsAsync(api, customer, "receipt", rows => rows.Count == 2 && rows.All(r => r!.Str("status") == "sent"));
        Assert.Equal(2, listed.Count);
        Assert.All(listed, e => Assert.Equal("sent", e!.Str("status")));
        Assert.Equal(email, listed[0]!.Str("to"));
        Assert.Null(listed[0]!["body"]);
    }

    /// <summary>A customer whose <c>locale</c> is Spanish gets the receipt, and the PDF attached to it, in Spanish.</summary>
    [Fact]
    public async Task PaidRenewal_ReceiptAndItsPdf_InTheCustomersLanguage()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(BillingApi.Utc(2027, 1, 1));
        var plan = await BillingSetup.PlanAsync(api, "Pro", 4900);
        var (customer, _, email) = await BillingSetup.CustomerAsync(api);
        await api.PutJson($"/api/v1/customers/{customer}", new { locale = "es" }).Ok();
        await BillingSetup.CardAsync(api, customer);
        var (subscription, _) = await BillingSetup.SubscribeAsync(api, customer, plan);

        await api.RunUntil(BillingApi.Utc(2027, 2, 1));
        var number = (await api.GetJson($"/api/v1/invoices?subscriptionId={subscription}").Ok()).AsArray()[0]!.Str("invoiceNumber");
        var receipt = await Smtp.WaitForAsync(email, m => (m.Subject ?? "").Contains(number, StringComparison.Ordinal));

        // 4900 cents = 49,00 $ as Spanish writes US dollars (a no-break space before the sign), as the portal and the PDF write it.
        Assert.Equal($"Recibo de la factura {number} de {await MerchantAsync(api)}", receipt.Subject);
        Assert.Contains($"Hemos recibido 49,00\u00a0$ por la factura {number}.", receipt.TextBody!, StringComparison.Ordinal);
        Assert.DoesNotContain("We received", receipt.TextBody + receipt.HtmlBody, StringComparison.Ordinal);
        using var document = PdfDocument.Open(Bytes(Assert.Single(receipt.Attachments.OfType<MimePart>())));
        var text = string.Concat(document.GetPages().Select(p => p.Text));
        // The page's text runs together: the heading "FACTURA", then "Número de factura" and the number.
        Assert.Contains("FACTURA", text, StringComparison.Ordinal);
        Assert.Contains($"Número de factura{number}", text, StringComparison.Ordinal);
        Assert.Contains("49,00", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FailedCharge_SendsTheRecoveryLink_AndTheLinkOpensThePayPage()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(BillingApi.Utc(2027, 3, 1));
        var plan = await BillingSetup.PlanAsync(api, "Pro", 4900);
        var (customer, _, email) = await BillingSetup.CustomerAsync(api);
        await BillingSetup.CardAsync(api, customer);
        var (subscription, _) = await BillingSetup.SubscribeAsync(api, customer, plan);
        // The card that is accepted when saved and declined when charged later becomes the default.
        await BillingSetup.CardAsync(api, customer, BillingSetup.FailsLaterCard);

        await api.RunUntil(BillingApi.Utc(2027, 4, 1));
        Assert.Equal("past_due", (await api.Subscription(subscription)).Str("status"));

        var failed = await Smtp.WaitForAsync(email, m => (m.Subject ?? "").StartsWith("Your payment to", StringComparison.Ordinal));
        Assert.Contains("We could not collect $49.00", failed.TextBody!, StringComparison.Ordinal);
        Assert.DoesNotContain("0341", failed.TextBody + failed.HtmlBody, StringComparison.Ordinal);
        var link = PayLink().Match(failed.TextBody!);
        Assert.True(link.Success, failed.TextBody!);
        Assert.Contains(link.Value, failed.HtmlBody, StringComparison.Ordinal);

        using var browser = new PageClient(server.BaseAddress);
        var page = await browser.Get(link.Value);
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("Pay your overdue invoice", page.Text, StringComparison.Ordinal);
        Assert.Contains("$49.00", page.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmailMeALink_KnownAddressGetsOneLink_UnknownGetsNothing_SamePage()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        var (customer, _, email) = await BillingSetup.CustomerAsync(api);
        var used = await PortalClient.LinkAsync(api, customer);
        using (var first = new PortalClient(server.BaseAddress))
        {
            Assert.Equal(HttpStatusCode.Found, (await first.GetAsync(used)).Status);
        }
        var path = new Uri(used).AbsolutePath;
        var unknown = "nobody_" + Guid.NewGuid().ToString("N")[..8] + "@example.com";

        var known = await AskAsync(path, email.ToUpperInvariant());
        var stranger = await AskAsync(path, unknown);

        Assert.Equal(HttpStatusCode.OK, known.Status);
        Assert.Equal(HttpStatusCode.OK, stranger.Status);
        Assert.Contains("Check your email", known.Html, StringComparison.Ordinal);
        Assert.Equal(known.Html, stranger.Html);

        var message = await Smtp.WaitForAsync(email, m => (m.Subject ?? "").StartsWith("Your billing link", StringComparison.Ordinal));
        var fresh = AccessLink().Match(message.TextBody!);
        Assert.True(fresh.Success, message.TextBody!);
        using var browser = new PortalClient(server.BaseAddress);
        var opened = await browser.GetAsync(fresh.Value);
        Assert.Equal((HttpStatusCode.Found, "/portal"), (opened.Status, opened.Location));
        // One email in the outbox, for the known customer; none was made for the unknown address.
        var listed = (await api.GetJson("/api/v1/emails?kind=portal_link").Ok()).AsArray();
        var only = Assert.Single(listed);
        Assert.Equal(customer, only!.Str("customerId"));
        Assert.Empty(Smtp.To(unknown));
    }

    [Fact]
    public async Task EmailMeALink_NotAnAddress_Is422WithTheForm()
    {
        var t = await server.NewTenantAsync();
        var (customer, _, _) = await BillingSetup.CustomerAsync(t.Api);
        var used = await PortalClient.LinkAsync(t.Api, customer);
        using (var first = new PortalClient(server.BaseAddress))
        {
            await first.GetAsync(used);
        }

        var answer = await AskAsync(new Uri(used).AbsolutePath, "not an address");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, answer.Status);
        Assert.Contains("Enter an email address", answer.Html, StringComparison.Ordinal);
        Assert.Contains("name=\"email\"", answer.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TogglesOff_NoEmail_KeptAsSkipped()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.PutJson("/api/v1/portal/settings", new { emails = new { receipts = false, portalLinks = false } }).Ok();
        var settings = await api.GetJson("/api/v1/portal/settings").Ok();
        Assert.False(settings["emails"]!["receipts"]!.GetValue<bool>());
        Assert.True(settings["emails"]!["paymentFailed"]!.GetValue<bool>());
        var plan = await BillingSetup.PlanAsync(api, "Pro", 4900);
        var (customer, _, email) = await BillingSetup.CustomerAsync(api);
        await BillingSetup.CardAsync(api, customer);
        await BillingSetup.SubscribeAsync(api, customer, plan);

        var receipt = await WaitForEmailAsync(api, customer, "receipt", "skipped");

        Assert.Contains("turned off", receipt.Str("reason"), StringComparison.Ordinal);
        Assert.Empty(Smtp.To(email));
        // With link emails off, the used-link page has no form and a post finds nothing.
        var used = await PortalClient.LinkAsync(api, customer);
        using var browser = new PortalClient(server.BaseAddress);
        await browser.GetAsync(used);
        var page = await browser.GetAsync(used);
        Assert.Equal(HttpStatusCode.Gone, page.Status);
        Assert.DoesNotContain("name=\"email\"", page.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvoicesSend_EmailsTheInvoiceWithItsPdf()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        var plan = await BillingSetup.PlanAsync(api, "Pro", 2500);
        var (customer, _, email) = await BillingSetup.CustomerAsync(api);
        await BillingSetup.CardAsync(api, customer);
        var (subscription, _) = await BillingSetup.SubscribeAsync(api, customer, plan);
        var invoice = (await api.GetJson($"/api/v1/invoices?subscriptionId={subscription}").Ok()).AsArray()[0]!;
        var number = invoice.Str("invoiceNumber");

        var sent = await api.PostJson($"/api/v1/invoices/{invoice.Str("id")}/send", null).Ok();
        Assert.True(sent["sent"]!.GetValue<bool>());

        var message = await Smtp.WaitForAsync(email, m => (m.Subject ?? "").StartsWith("Invoice " + number, StringComparison.Ordinal));
        // 2500 cents = $25.00, charged in full when the subscription started.
        Assert.Contains($"Here is invoice {number} for $25.00.", message.TextBody!, StringComparison.Ordinal);
        Assert.Contains("It has been paid", message.TextBody!, StringComparison.Ordinal);
        Assert.Equal(number + ".pdf", Assert.Single(message.Attachments.OfType<MimePart>()).FileName);
    }

    [Fact]
    public async Task Emails_CarryTheMerchantsBranding_NameAccentLogoAndReplyTo()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.PutJson("/api/v1/portal/settings", new
        {
            displayName = "Acme <Billing> & Co",
            accentColor = "#7c3aed",
            logoUrl = "https://cdn.example.com/acme-logo.png",
            supportEmail = "help@acme.example",
        }).Ok();
        var plan = await BillingSetup.PlanAsync(api, "Pro", 2500);
        var (customer, _, email) = await BillingSetup.CustomerAsync(api);
        await BillingSetup.CardAsync(api, customer);
        var (subscription, _) = await BillingSetup.SubscribeAsync(api, customer, plan);
        var invoice = (await api.GetJson($"/api/v1/invoices?subscriptionId={subscription}").Ok()).AsArray()[0]!;
        var number = invoice.Str("invoiceNumber");

        await api.PostJson($"/api/v1/invoices/{invoice.Str("id")}/send", null).Ok();

        var message = await Smtp.WaitForAsync(email, m => (m.Subject ?? "").StartsWith("Invoice " + number, StringComparison.Ordinal));
        Assert.Equal("Acme <Billing> & Co", Assert.Single(message.From.Mailboxes).Name);
        Assert.Equal("help@acme.example", Assert.Single(message.ReplyTo.Mailboxes).Address);
        var html = message.HtmlBody!;
        Assert.Contains("border-bottom:4px solid #7c3aed", html, StringComparison.Ordinal);
        // The logo, with the merchant's name as its text, escaped: the name is the merchant's own input.
        Assert.Contains("<img src=\"https://cdn.example.com/acme-logo.png\" alt=\"Acme &lt;Billing&gt; &amp; Co\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<Billing>", html, StringComparison.Ordinal);
        Assert.Contains("Acme <Billing> & Co", message.TextBody!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TrialEnding_YearlyRenewal_AndScheduledCancellation_AreEmailed_WithTheirDates()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        var merchant = await MerchantAsync(api);
        await api.SetClock(BillingApi.Utc(2027, 1, 1));
        var trialCode = BillingSetup.Unique("trial").ToLowerInvariant();
        var yearlyCode = BillingSetup.Unique("yearly").ToLowerInvariant();
        await api.Plan(trialCode, 4900, trialDays: 14);
        await api.Plan(yearlyCode, 49000, interval: "yearly");
        var trialist = BillingSetup.Unique("tia");
        var yearly = BillingSetup.Unique("yan");
        await api.Customer(trialist);
        await api.Customer(yearly);
        Assert.Equal("trialing", (await api.Subscribe(trialist, trialCode)).Str("status"));
        var year = await api.Subscribe(yearly, yearlyCode);
        Assert.Equal("active", year.Str("status"));

        // The trial ends 14 days after 1 January 2027, on 15 January; its notice is due 3 days before, on the 12th.
        await api.RunUntil(BillingApi.Utc(2027, 1, 12));
        var trial = await Smtp.WaitForAsync($"{trialist}@example.com", m => (m.Subject ?? "").Contains("trial", StringComparison.Ordinal));
        Assert.Equal($"Your {Name(trialCode)} trial ends on Friday, January 15, 2027", trial.Subject);

        // Scheduled (not immediate): it ends at the period end, 1 January 2028 for the yearly plan started on 1 January 2027.
        await api.PostJson($"/api/v1/subscriptions/{year.Str("id")}/cancel", new { reason = "too_expensive" }).Ok();
        var canceled = await Smtp.WaitForAsync($"{yearly}@example.com", m => (m.Subject ?? "").Contains("ends on", StringComparison.Ordinal));
        Assert.Equal($"Your subscription with {merchant} ends on Saturday, January 1, 2028", canceled.Subject);
        Assert.Contains("stays active until Saturday, January 1, 2028 and will not renew", canceled.TextBody!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task YearlyRenewal_IsAnnouncedThreeDaysBefore_FirstYearIncluded_InTheCustomersTimeZone()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(BillingApi.Utc(2027, 1, 1));
        var code = BillingSetup.Unique("annual").ToLowerInvariant();
        await api.Plan(code, 49000, interval: "yearly");
        var customer = BillingSetup.Unique("ann");
        // In Los Angeles, 1 January 2028 00:00 UTC is still the evening of Friday 31 December 2027.
        var ours = (await api.PostJson("/api/v1/customers", new { id = customer, email = $"{customer}@example.com", timezone = "America/Los_Angeles" }).Ok()).Str("id");
        await api.PostJson("/api/v1/sandbox/payment-methods", new { customerId = customer, cardNumber = "4242424242424242" }).Ok(HttpStatusCode.Created);
        var subscription = (await api.Subscribe(customer, code)).Str("id");

        // The first year ends on 1 January 2028 00:00 UTC; its notice is due 3 days before, on 29 December 2027, and goes out
        // then, before the renewal (the engine's first visit of a new period is its notice, not its end).
        await api.RunUntil(BillingApi.Utc(2027, 12, 29));
        var first = await Smtp.WaitForAsync($"{customer}@example.com", m => (m.Subject ?? "").Contains("renews", StringComparison.Ordinal));
        Assert.Equal($"Your {Name(code)} subscription renews on Friday, December 31, 2027", first.Subject);
        // Sent before the renewal: no renewal invoice yet, only the first one.
        Assert.Single((await api.GetJson($"/api/v1/invoices?subscriptionId={subscription}").Ok()).AsArray());

        // The second year ends on 1 January 2029 (2028 has 366 days); its notice is due on 29 December 2028.
        await api.RunUntil(BillingApi.Utc(2028, 12, 29));
        var second = await Smtp.WaitForAsync($"{customer}@example.com",
            m => (m.Subject ?? "").Contains("renews", StringComparison.Ordinal) && m.MessageId != first.MessageId);
        Assert.Equal($"Your {Name(code)} subscription renews on Sunday, December 31, 2028", second.Subject);
        var rows = await WaitForEmailsAsync(api, ours, "upcoming_renewal", all => all.Count == 2 && all.All(r => r!.Str("status") != "pending"));
        Assert.Equal(["sent", "sent"], rows.Select(r => r!.Str("status")).ToArray());
    }

    [Fact]
    public async Task EmailMeALink_AtMostThreeLinkEmailsPerAddressAnHour_SamePageEveryTime()
    {
        var t = await server.NewTenantAsync();
        var (customer, _, email) = await BillingSetup.CustomerAsync(t.Api);
        var used = await PortalClient.LinkAsync(t.Api, customer);
        using (var first = new PortalClient(server.BaseAddress))
        {
            await first.GetAsync(used);
        }
        var path = new Uri(used).AbsolutePath;

        var pages = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            pages.Add((await AskAsync(path, email)).Html);
        }

        Assert.Single(pages.Distinct());
        // Commet:Email:LinkEmailsPerAddressPerHour is 3: the fourth request made no email.
        var listed = (await t.Api.GetJson($"/api/v1/emails?customerId={customer}&kind=portal_link").Ok()).AsArray();
        Assert.Equal(3, listed.Count);
    }

    private static string Name(string code) => char.ToUpperInvariant(code[0]) + code[1..];

    private async Task<PortalPage> AskAsync(string accessPath, string email)
    {
        using var browser = new PortalClient(server.BaseAddress);
        var page = await browser.GetAsync(accessPath);
        Assert.Equal(HttpStatusCode.Gone, page.Status);
        return await browser.PostAsync(accessPath, new Dictionary<string, string?> { ["email"] = email }, PortalClient.Token(page.Html));
    }

    private static async Task<string> MerchantAsync(HttpClient api) => (await api.GetJson("/api/v1/portal/settings").Ok()).Str("displayName");

    private static byte[] Bytes(MimePart part)
    {
        using var stream = new MemoryStream();
        part.Content!.DecodeTo(stream);
        return stream.ToArray();
    }

    /// <summary>Waits until the outbox row of that kind for the customer reaches the status (the sender works in the background).</summary>
    public static async Task<JsonNode> WaitForEmailAsync(HttpClient api, string customer, string kind, string status, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var rows = (await api.GetJson($"/api/v1/emails?customerId={customer}&kind={kind}").Ok()).AsArray();
            if (rows.FirstOrDefault(r => r!.Str("status") == status) is { } row)
            {
                return row;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new Xunit.Sdk.XunitException($"No {kind} email reached {status} within {seconds} s: {rows.ToJsonString()}");
            }
            await Task.Delay(50);
        }
    }

    /// <summary>Waits until the customer's outbox rows of that kind satisfy the condition (the sender works in the background).</summary>
    public static async Task<JsonArray> WaitForEmailsAsync(HttpClient api, string customer, string kind, Func<JsonArray, bool> done, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var rows = (await api.GetJson($"/api/v1/emails?customerId={customer}&kind={kind}").Ok()).AsArray();
            if (done(rows))
            {
                return rows;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new Xunit.Sdk.XunitException($"The {kind} emails did not reach the expected state within {seconds} s: {rows.ToJsonString()}");
            }
            await Task.Delay(50);
        }
    }

    [GeneratedRegex(@"https?://\S+/pay/\S+")]
    private static partial Regex PayLink();

    [GeneratedRegex(@"https?://\S+/portal/access/[A-Za-z0-9_-]{43}")]
    private static partial Regex AccessLink();
}

public sealed class EmailTests_Sqlite(SmtpSqliteServer server) : EmailTests<SmtpSqliteServer>(server);

public sealed class EmailTests_Postgres(SmtpPostgresServer server) : EmailTests<SmtpPostgresServer>(server);

/// <summary>No SMTP server configured: emails are written to the log and listed as logged; nothing fails.</summary>
public abstract class EmailWithoutSmtpTests<TServer>(TServer server) : IClassFixture<TServer>
    where TServer : ServerFixture
{
    [Fact]
    public async Task NoSmtp_EmailIsListedAsLogged_AndTheSubscriptionStarts()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        var plan = await BillingSetup.PlanAsync(api, "Pro", 4900);
        var (customer, _, email) = await BillingSetup.CustomerAsync(api);
        await BillingSetup.CardAsync(api, customer);
        var (_, status) = await BillingSetup.SubscribeAsync(api, customer, plan);
        Assert.Equal("active", status);

        var receipt = await EmailTests<TServer>.WaitForEmailAsync(api, customer, "receipt", "logged");

        Assert.Equal(email, receipt.Str("to"));
        Assert.StartsWith("Receipt for invoice ", receipt.Str("subject"), StringComparison.Ordinal);
        Assert.Equal("en", receipt.Str("language"));
        Assert.Equal(0, receipt["attempts"]!.GetValue<int>());
        var one = await api.GetJson($"/api/v1/emails/{receipt.Str("id")}").Ok();
        Assert.Equal("logged", one.Str("status"));
    }
}

public sealed class EmailWithoutSmtpTests_Sqlite(SqliteServer server) : EmailWithoutSmtpTests<SqliteServer>(server);

public sealed class EmailWithoutSmtpTests_Postgres(PostgresServer server) : EmailWithoutSmtpTests<PostgresServer>(server);
