using System.Net;
using Commet.Server.Tests.Infrastructure;
using UglyToad.PdfPig;
using static Commet.Server.Tests.Infrastructure.BillingApi;

namespace Commet.Server.Tests;

/// <summary>
/// Dates in the customer's time zone where the UTC date differs: a subscription started at 1 March 2027 00:00 UTC is,
/// for a customer in Los Angeles (UTC−8 until 14 March), started on the evening of 28 February; its period ends at
/// 1 April 00:00 UTC, which is 31 March 17:00 there (UTC−7 after 14 March).
/// </summary>
public abstract class PortalTimeZoneTests<TServer>(TServer server) : IClassFixture<TServer>
    where TServer : ServerFixture
{
    [Fact]
    public async Task Overview_Invoices_InvoicePage_Pdf_AndUsage_AreInTheCustomersZone()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Utc(2027, 3, 1));
        await api.Plan("pro", 4900);
        await api.PostJson("/api/v1/features/manage", new { code = "api_calls", name = "API calls", type = "usage", unitName = "call" }).Ok();
        await api.PostJson("/api/v1/plans/pro/features", new { featureId = "api_calls", includedAmount = 1000 }).Ok();
        await api.Customer("ann");
        await api.PutJson("/api/v1/customers/ann", new { timezone = "America/Los_Angeles" }).Ok();
        await api.Subscribe("ann", "pro");
        await api.PostJson("/api/v1/usage/events", new { customerId = "ann", feature = "api_calls", value = 42 }).Ok();
        var invoices = await api.GetJson("/api/v1/invoices?customerId=ann").Ok();
        var invoice = (invoices is System.Text.Json.Nodes.JsonArray a ? a : invoices["data"]!.AsArray())[0]!.Str("id");

        using var ann = await PortalClient.OpenAsync(server, api, "ann");
        var overview = WebUtility.HtmlDecode((await ann.GetAsync("/portal")).Html);
        // The renewal at 1 April 00:00 UTC is on 31 March for Ann: "Next payment $49.00 on Mar 31, 2027".
        Assert.Matches(@"\$49\.00 on Mar 31\b", overview);
        Assert.DoesNotContain("$49.00 on Apr 1", overview, StringComparison.Ordinal);
        Assert.Contains("America/Los_Angeles", overview, StringComparison.Ordinal);

        var list = WebUtility.HtmlDecode((await ann.GetAsync("/portal/invoices")).Html);
        Assert.Contains("Feb 28, 2027", list, StringComparison.Ordinal);
        Assert.DoesNotContain("Mar 1, 2027", list, StringComparison.Ordinal);

        var page = WebUtility.HtmlDecode((await ann.GetAsync($"/portal/invoices/{invoice}")).Html);
        Assert.Contains("Feb 28, 2027", page, StringComparison.Ordinal);
        Assert.Contains("Feb 28 – Mar 31, 2027", page, StringComparison.Ordinal);

        var pdf = await ann.GetBytesAsync($"/portal/invoices/{invoice}?handler=pdf");
        using (var document = PdfDocument.Open(pdf))
        {
            var text = string.Join("\n", document.GetPages().Select(p => p.Text));
            // Issued and due on 28 February for Ann (the line's own description, written by the engine, keeps UTC dates).
            Assert.Contains("Feb 28, 2027", text, StringComparison.Ordinal);
        }

        // The daily chart is counted per UTC day (the stored granularity), and says so to a customer elsewhere.
        var usage = WebUtility.HtmlDecode((await ann.GetAsync("/portal/usage")).Html);
        Assert.Contains("<svg class=\"chart\"", usage, StringComparison.Ordinal);
        Assert.Contains("Daily totals are counted by UTC day", usage, StringComparison.Ordinal);
    }
}

public sealed class PortalTimeZoneTests_Sqlite(SqliteServer server) : PortalTimeZoneTests<SqliteServer>(server);

public sealed class PortalTimeZoneTests_Postgres(PostgresServer server) : PortalTimeZoneTests<PostgresServer>(server);
