using System.Net;
using System.Text.Json.Nodes;
using Commet.Server.Tests.Infrastructure;
using UglyToad.PdfPig;
using static Commet.Server.Tests.Infrastructure.BillingApi;

namespace Commet.Server.Tests;

/// <summary>
/// Invoice lines in the reader's language and time zone. The engine stores each line's description in English with
/// UTC dates ("Pro (Mar 1, 2027 – Apr 1, 2027)"), and issued invoices never change; the portal and the PDF tell the
/// lines the engine wrote again from their structured data. Ann reads Spanish in Los Angeles (UTC−8, UTC−7 from
/// 14 March 2027), so the period 1 March 00:00 UTC – 1 April 00:00 UTC is 28 February – 31 March for her.
/// </summary>
public abstract class PortalInvoiceLabelTests<TServer>(TServer server) : IClassFixture<TServer>
    where TServer : ServerFixture
{
    [Fact]
    public async Task SpanishCustomerInLosAngeles_SeesLocalisedLinesWithLocalPeriods_OnThePageAndInThePdf()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Utc(2027, 3, 1));
        await api.Plan("pro", 4900);
        await api.PostJson("/api/v1/features/manage", new { code = "api_calls", name = "API calls", type = "usage", unitName = "call" }).Ok();
        await api.PostJson("/api/v1/plans/pro/features", new { featureId = "api_calls", includedAmount = 1000, overage = new { enabled = true, unitPrice = 100 } }).Ok();
        await api.PostJson("/api/v1/promo-codes", new { code = "SPRING20", discountType = "percentage", discountValue = 2000 }).Ok(HttpStatusCode.Created);
        await api.Customer("ann");
        await api.PutJson("/api/v1/customers/ann", new { timezone = "America/Los_Angeles", locale = "es" }).Ok();
        await api.PostJson("/api/v1/subscriptions", new { customerId = "ann", planCode = "pro", promoCode = "SPRING20" }).Ok();
        await api.PostJson("/api/v1/usage/events", new { customerId = "ann", feature = "api_calls", value = 1500 }).Ok();
        await api.RunUntil(Utc(2027, 4, 1));

        var list = await api.GetJson("/api/v1/invoices?customerId=ann").Ok();
        var ids = (list is JsonArray a ? a : list["data"]!.AsArray()).Select(i => (Id: i!.Str("id"), Issued: i!.Date("issueDate"))).OrderBy(i => i.Issued).ToList();
        Assert.Equal(2, ids.Count);
        var (first, renewal) = (ids[0].Id, ids[1].Id);

        // The API keeps the lines as issued: English, UTC dates.
        var stored = (await api.GetJson($"/api/v1/invoices/{first}").Ok())["lineItems"]!.AsArray().Select(l => l!.Str("description")).ToList();
        Assert.Equal(["Pro (Mar 1, 2027 – Apr 1, 2027)", "SPRING20 (20% off)"], stored);
        var storedRenewal = (await api.GetJson($"/api/v1/invoices/{renewal}").Ok())["lineItems"]!.AsArray().Select(l => l!.Str("description")).ToList();
        Assert.Contains("API calls: 500 beyond the 1,000 included", storedRenewal);

        using var ann = await PortalClient.OpenAsync(server, api, "ann");
        var page = WebUtility.HtmlDecode((await ann.GetAsync($"/portal/invoices/{first}")).Html);
        Assert.Contains("<html lang=\"es\">", page, StringComparison.Ordinal);
        // 1 March 00:00 UTC – 1 April 00:00 UTC is 28 February 16:00 – 31 March 17:00 in Los Angeles.
        Assert.Contains("<td>Pro (28 feb – 31 mar 2027)</td>", page, StringComparison.Ordinal);
        Assert.Contains("<td>SPRING20 (20 % de descuento)</td>", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Apr 1, 2027", page, StringComparison.Ordinal);
        Assert.DoesNotContain("% off", page, StringComparison.Ordinal);

        var renewalPage = WebUtility.HtmlDecode((await ann.GetAsync($"/portal/invoices/{renewal}")).Html);
        // The renewal: 1 April 00:00 UTC – 1 May 00:00 UTC is 31 March – 30 April there; March's 1,500 calls are 500 over the 1,000 included.
        Assert.Contains("<td>Pro (31 mar – 30 abr 2027)</td>", renewalPage, StringComparison.Ordinal);
        Assert.Contains("<td>API calls: 500 además de los 1.000 incluidos</td>", renewalPage, StringComparison.Ordinal);
        Assert.DoesNotContain("beyond the", renewalPage, StringComparison.Ordinal);

        var pdf = await ann.GetBytesAsync($"/portal/invoices/{first}?handler=pdf");
        using var document = PdfDocument.Open(pdf);
        var text = string.Join("\n", document.GetPages().Select(p => p.Text));
        Assert.Contains("Pro (28 feb 2027 – 31 mar 2027)", text, StringComparison.Ordinal);
        Assert.Contains("SPRING20 (20 % de descuento)", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Apr 1, 2027", text, StringComparison.Ordinal);

        using var renewalPdf = PdfDocument.Open(await ann.GetBytesAsync($"/portal/invoices/{renewal}?handler=pdf"));
        var renewalText = string.Join("\n", renewalPdf.GetPages().Select(p => p.Text));
        Assert.Contains("Pro (31 mar 2027 – 30 abr 2027)", renewalText, StringComparison.Ordinal);
        Assert.Contains("API calls: 500 además de los 1.000 incluidos", renewalText, StringComparison.Ordinal);
        Assert.DoesNotContain("beyond the", renewalText, StringComparison.Ordinal);
    }

    /// <summary>
    /// Bea reads German in New York (UTC−5, UTC−4 from 14 March 2027): 1 March 00:00 UTC is 28 February 19:00 there,
    /// 1 April 00:00 UTC is 31 March 20:00, 1 May 00:00 UTC is 30 April 20:00.
    /// </summary>
    [Fact]
    public async Task GermanCustomerInNewYork_SeesLocalisedLinesWithLocalPeriods_OnThePageAndInThePdf()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Utc(2027, 3, 1));
        await api.Plan("pro", 4900);
        await api.PostJson("/api/v1/features/manage", new { code = "api_calls", name = "API calls", type = "usage", unitName = "call" }).Ok();
        await api.PostJson("/api/v1/plans/pro/features", new { featureId = "api_calls", includedAmount = 1000, overage = new { enabled = true, unitPrice = 100 } }).Ok();
        await api.PostJson("/api/v1/promo-codes", new { code = "SPRING20", discountType = "percentage", discountValue = 2000 }).Ok(HttpStatusCode.Created);
        await api.Customer("bea");
        await api.PutJson("/api/v1/customers/bea", new { timezone = "America/New_York", locale = "de" }).Ok();
        await api.PostJson("/api/v1/subscriptions", new { customerId = "bea", planCode = "pro", promoCode = "SPRING20" }).Ok();
        await api.PostJson("/api/v1/usage/events", new { customerId = "bea", feature = "api_calls", value = 2500 }).Ok();
        await api.RunUntil(Utc(2027, 4, 1));

        var list = await api.GetJson("/api/v1/invoices?customerId=bea").Ok();
        var ids = (list is JsonArray a ? a : list["data"]!.AsArray()).Select(i => (Id: i!.Str("id"), Issued: i!.Date("issueDate"))).OrderBy(i => i.Issued).ToList();
        Assert.Equal(2, ids.Count);
        var (first, renewal) = (ids[0].Id, ids[1].Id);
        // Stored as issued: 2,500 calls less the 1,000 included is 1,500 over.
        var storedRenewal = (await api.GetJson($"/api/v1/invoices/{renewal}").Ok())["lineItems"]!.AsArray().Select(l => l!.Str("description")).ToList();
        Assert.Contains("Pro (Apr 1, 2027 – May 1, 2027)", storedRenewal);
        Assert.Contains("API calls: 1500 beyond the 1,000 included", storedRenewal);

        using var bea = await PortalClient.OpenAsync(server, api, "bea");
        var page = WebUtility.HtmlDecode((await bea.GetAsync($"/portal/invoices/{first}")).Html);
        Assert.Contains("<html lang=\"de\">", page, StringComparison.Ordinal);
        Assert.Contains("<td>Pro (28. Feb. – 31. März 2027)</td>", page, StringComparison.Ordinal);
        Assert.Contains("<td>SPRING20 (20 % Rabatt)</td>", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Mar 1, 2027", page, StringComparison.Ordinal);
        Assert.DoesNotContain("% off", page, StringComparison.Ordinal);

        var renewalPage = WebUtility.HtmlDecode((await bea.GetAsync($"/portal/invoices/{renewal}")).Html);
        Assert.Contains("<td>Pro (31. März – 30. Apr. 2027)</td>", renewalPage, StringComparison.Ordinal);
        Assert.Contains("<td>API calls: 1.500 über die 1.000 enthaltenen hinaus</td>", renewalPage, StringComparison.Ordinal);
        Assert.DoesNotContain("beyond the", renewalPage, StringComparison.Ordinal);

        using (var document = PdfDocument.Open(await bea.GetBytesAsync($"/portal/invoices/{first}?handler=pdf")))
        {
            var text = string.Join("\n", document.GetPages().Select(p => p.Text));
            Assert.Contains("Pro (28. Feb. 2027 – 31. März 2027)", text, StringComparison.Ordinal);
            Assert.Contains("SPRING20 (20 % Rabatt)", text, StringComparison.Ordinal);
            Assert.DoesNotContain("Mar 1, 2027", text, StringComparison.Ordinal);
        }
        using (var document = PdfDocument.Open(await bea.GetBytesAsync($"/portal/invoices/{renewal}?handler=pdf")))
        {
            var text = string.Join("\n", document.GetPages().Select(p => p.Text));
            Assert.Contains("Pro (31. März 2027 – 30. Apr. 2027)", text, StringComparison.Ordinal);
            Assert.Contains("API calls: 1.500 über die 1.000 enthaltenen hinaus", text, StringComparison.Ordinal);
            Assert.DoesNotContain("beyond the", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task GermanCustomerInTokyo_SeesThePlanLineInGerman_AndTheMerchantsOwnLineAsWritten()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Utc(2027, 3, 1));
        await api.Plan("pro", 4900);
        await api.Customer("ann");
        await api.PutJson("/api/v1/customers/ann", new { timezone = "Asia/Tokyo", locale = "de" }).Ok();
        await api.Subscribe("ann", "pro");
        // The merchant's own text, even one shaped like the engine's, is shown as written.
        var adjustment = (await api.PostJson("/api/v1/invoices", new { customerId = "ann", amount = 2500, description = "Onboarding (Mar 1, 2027 – Apr 1, 2027)" }).Ok()).Str("id");
        var list = await api.GetJson("/api/v1/invoices?customerId=ann").Ok();
        var first = (list is JsonArray a ? a : list["data"]!.AsArray()).Select(i => i!.Str("id")).Single(id => id != adjustment);

        using var ann = await PortalClient.OpenAsync(server, api, "ann");
        var page = WebUtility.HtmlDecode((await ann.GetAsync($"/portal/invoices/{first}")).Html);
        // 1 March 00:00 UTC and 1 April 00:00 UTC are 09:00 on the same days in Tokyo: the UTC days, in German.
        Assert.Contains("<html lang=\"de\">", page, StringComparison.Ordinal);
        Assert.Contains("<td>Pro (1. März – 1. Apr. 2027)</td>", page, StringComparison.Ordinal);
        var own = WebUtility.HtmlDecode((await ann.GetAsync($"/portal/invoices/{adjustment}")).Html);
        Assert.Contains("<td>Onboarding (Mar 1, 2027 – Apr 1, 2027)</td>", own, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("en", "One-time payment")]
    [InlineData("es", "Pago único")]
    [InlineData("pt-BR", "Pagamento único")]
    [InlineData("fr", "Paiement unique")]
    [InlineData("de", "Einmalzahlung")]
    public async Task OneTimePayment_HasItsOwnBadge_InTheListAndOnItsPage(string locale, string label)
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Utc(2027, 3, 1));
        await api.Plan("basic", 1900);
        await api.Customer("ann");
        await api.PutJson("/api/v1/customers/ann", new { locale }).Ok();
        await api.Subscribe("ann", "basic");
        // A payment link charged to the saved card: an invoice of type one_time_payment with the merchant's own line.
        await api.PostJson("/api/v1/payments/charge", new { customerId = "ann", amount = 2500, currency = "USD", description = "2 extra reports" }).Ok(HttpStatusCode.Created);
        var list = await api.GetJson("/api/v1/invoices?customerId=ann").Ok();
        var oneTime = (list is JsonArray a ? a : list["data"]!.AsArray()).Single(i => i!.Str("invoiceType") == "one_time_payment")!.Str("id");

        using var ann = await PortalClient.OpenAsync(server, api, "ann");
        var invoices = WebUtility.HtmlDecode((await ann.GetAsync("/portal/invoices")).Html);
        var badge = $"<span class=\"badge b-type\">{label}</span>";
        // Once in the table and once in the phone-width cards; the subscription's own invoice has no badge.
        Assert.Equal(2, invoices.Split(badge).Length - 1);
        Assert.Equal(2, invoices.Split("class=\"badge b-type\"").Length - 1);
        var page = WebUtility.HtmlDecode((await ann.GetAsync($"/portal/invoices/{oneTime}")).Html);
        Assert.Contains(badge, page, StringComparison.Ordinal);
        Assert.Contains("<td>2 extra reports</td>", page, StringComparison.Ordinal);
    }
}

public sealed class PortalInvoiceLabelTests_Sqlite(SqliteServer server) : PortalInvoiceLabelTests<SqliteServer>(server);

public sealed class PortalInvoiceLabelTests_Postgres(PostgresServer server) : PortalInvoiceLabelTests<PostgresServer>(server);
