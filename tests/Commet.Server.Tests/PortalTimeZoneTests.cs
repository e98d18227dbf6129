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
            // Issued and due on 28 February for Ann; the plan's line tells its period in her zone too.
            Assert.Contains("Feb 28, 2027", text, StringComparison.Ordinal);
            Assert.Contains("Pro (Feb 28, 2027 – Mar 31, 2027)", text, StringComparison.Ordinal);
        }

        // The daily chart's days are Ann's: the 42 calls tracked at 1 March 00:00 UTC were made on her 28 February.
        var usage = WebUtility.HtmlDecode((await ann.GetAsync("/portal/usage")).Html);
        Assert.Contains("<svg class=\"chart\"", usage, StringComparison.Ordinal);
        Assert.Contains("Days run from midnight to midnight in your time zone (America/Los_Angeles).", usage, StringComparison.Ordinal);
        Assert.Equal(42m, DayTotal(usage, "Feb 28"));
        Assert.Equal(42m, DailyRows(usage).Sum(r => r.Total));
    }

    /// <summary>
    /// Los Angeles (UTC−8, UTC−7 from 14 March 2027): events a minute either side of her midnight, before and after the
    /// change to daylight saving time, land on her days, not on the UTC days they were recorded in.
    /// </summary>
    [Fact]
    public async Task UsageChart_CountsLosAngelesDays_AcrossDaylightSaving()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await MeteredSubscriptionAsync(api, "America/Los_Angeles");
        // 3 March 07:59 UTC is 2 March 23:59 in LA; 08:00 UTC is 3 March 00:00 there; 23:30 UTC is 3 March 15:30.
        await TrackAt(api, new DateTime(2027, 3, 3, 7, 59, 0, DateTimeKind.Utc), 5);
        await TrackAt(api, new DateTime(2027, 3, 3, 8, 0, 0, DateTimeKind.Utc), 7);
        await TrackAt(api, new DateTime(2027, 3, 3, 23, 30, 0, DateTimeKind.Utc), 11);
        // After 14 March LA is UTC−7: 20 March 06:59 UTC is 19 March 23:59 there, 07:00 UTC is 20 March 00:00.
        await TrackAt(api, new DateTime(2027, 3, 20, 6, 59, 0, DateTimeKind.Utc), 2);
        await TrackAt(api, new DateTime(2027, 3, 20, 7, 0, 0, DateTimeKind.Utc), 3);

        using var ann = await PortalClient.OpenAsync(server, api, "ann");
        var usage = WebUtility.HtmlDecode((await ann.GetAsync("/portal/usage")).Html);
        // Per LA day: 2 March 5; 3 March 7 + 11 = 18 (UTC days would have given 3 March 5 + 7 + 11 = 23 and 2 March 0);
        // 19 March 2; 20 March 3; the days between are empty. The month's total is 5 + 18 + 2 + 3 = 28.
        Assert.Equal(5m, DayTotal(usage, "Mar 2"));
        Assert.Equal(18m, DayTotal(usage, "Mar 3"));
        Assert.Equal(0m, DayTotal(usage, "Mar 4"));
        Assert.Equal(2m, DayTotal(usage, "Mar 19"));
        Assert.Equal(3m, DayTotal(usage, "Mar 20"));
        Assert.Equal(28m, DailyRows(usage).Sum(r => r.Total));
    }

    /// <summary>Tokyo (UTC+9, no daylight saving): its midnight is 15:00 UTC the day before.</summary>
    [Fact]
    public async Task UsageChart_CountsTokyoDays()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await MeteredSubscriptionAsync(api, "Asia/Tokyo");
        // 4 March 14:59 UTC is 4 March 23:59 in Tokyo; 15:00 UTC is 5 March 00:00; 5 March 02:00 UTC is 5 March 11:00.
        await TrackAt(api, new DateTime(2027, 3, 4, 14, 59, 0, DateTimeKind.Utc), 4);
        await TrackAt(api, new DateTime(2027, 3, 4, 15, 0, 0, DateTimeKind.Utc), 6);
        await TrackAt(api, new DateTime(2027, 3, 5, 2, 0, 0, DateTimeKind.Utc), 10);

        using var ann = await PortalClient.OpenAsync(server, api, "ann");
        var usage = WebUtility.HtmlDecode((await ann.GetAsync("/portal/usage")).Html);
        // Tokyo days: 4 March 4; 5 March 6 + 10 = 16 (UTC days would have given 4 March 4 + 6 = 10 and 5 March 10).
        Assert.Equal(4m, DayTotal(usage, "Mar 4"));
        Assert.Equal(16m, DayTotal(usage, "Mar 5"));
        Assert.Equal(0m, DayTotal(usage, "Mar 3"));
        Assert.Equal(20m, DailyRows(usage).Sum(r => r.Total));
        // The month starts at 1 March 00:00 UTC, which is 1 March 09:00 in Tokyo: the first bar is her 1 March.
        Assert.Equal("Mar 1", DailyRows(usage)[0].Day);
    }

    /// <summary>
    /// Auckland (UTC+13 until 4 April 2027): every event is counted on her day when it is written. Her billing month
    /// starts at 1 March 00:00 UTC, 13:00 on her 1 March, so that day's stored total also holds the morning's usage
    /// of February's allowance month; the chart shows only the month's part of it.
    /// </summary>
    [Fact]
    public async Task UsageChart_CountsAucklandDays_AndTheFirstDayFromTheMonthsStartOnly()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await MeteredSubscriptionAsync(api, "Pacific/Auckland", Utc(2027, 2, 1));
        // 28 February 23:30 UTC is 1 March 12:30 in Auckland, in February's month (it ends at 1 March 00:00 UTC).
        await TrackAt(api, new DateTime(2027, 2, 28, 23, 30, 0, DateTimeKind.Utc), 4);
        await api.RunUntil(Utc(2027, 3, 1));
        // 1 March 10:59 UTC is 1 March 23:59 in Auckland; 11:00 UTC is 2 March 00:00 there.
        await TrackAt(api, new DateTime(2027, 3, 1, 10, 59, 0, DateTimeKind.Utc), 6);
        await TrackAt(api, new DateTime(2027, 3, 1, 11, 0, 0, DateTimeKind.Utc), 9);

        using var ann = await PortalClient.OpenAsync(server, api, "ann");
        var usage = WebUtility.HtmlDecode((await ann.GetAsync("/portal/usage")).Html);
        // Her 1 March holds 4 + 6 = 10, of which the month's part is its counter 6 + 9 = 15 less the other days' 9 = 6;
        // 2 March 9 (UTC days would have given 28 February 4 and 1 March 6 + 9 = 15). The bars add up to the meter, 15.
        Assert.Equal(6m, DayTotal(usage, "Mar 1"));
        Assert.Equal(9m, DayTotal(usage, "Mar 2"));
        Assert.Equal(15m, DailyRows(usage).Sum(r => r.Total));
        Assert.Contains("15 of 1,000", usage, StringComparison.Ordinal);
        Assert.Contains("<title>Mar 2: 9</title>", usage, StringComparison.Ordinal);
        // Her month runs from 1 March 13:00 to 1 April 13:00: 32 days, labelled by the first, the 17th (index 16) and the last.
        Assert.Contains("<p class=\"ticks\" aria-hidden=\"true\"><span>Mar 1</span><span>Mar 17</span><span>Apr 1</span></p>", usage, StringComparison.Ordinal);
        Assert.Contains("Pacific/Auckland", usage, StringComparison.Ordinal);
    }

    /// <summary>
    /// A batch of events for customers in different zones, recorded at one instant, lands on each one's own day; a
    /// second batch adds to the same days' totals, and setting a total counts the change on the customer's day too.
    /// </summary>
    [Fact]
    public async Task UsageChart_BatchAcrossZones_AndSetTotal_CountOnEachCustomersDay()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await MeteredSubscriptionAsync(api, "America/Los_Angeles");
        await api.Customer("bob");
        await api.PutJson("/api/v1/customers/bob", new { timezone = "Pacific/Auckland" }).Ok();
        await api.Subscribe("bob", "pro");
        // 3 March 07:30 UTC is 2 March 23:30 in Los Angeles and 3 March 20:30 in Auckland; 07:45 UTC the same days.
        await api.SetClock(new DateTime(2027, 3, 3, 7, 30, 0, DateTimeKind.Utc));
        await api.PostJson("/api/v1/usage/events/batch", new { events = new[] { new { customerId = "ann", feature = "api_calls", value = 5 }, new { customerId = "bob", feature = "api_calls", value = 7 } } }).Ok();
        await api.SetClock(new DateTime(2027, 3, 3, 7, 45, 0, DateTimeKind.Utc));
        await api.PostJson("/api/v1/usage/events/batch", new { events = new[] { new { customerId = "ann", feature = "api_calls", value = 2 }, new { customerId = "bob", feature = "api_calls", value = 3 } } }).Ok();
        // 3 March 08:10 UTC is 3 March 00:10 in Los Angeles: Ann's total set from 5 + 2 = 7 to 10 counts +3 on her 3 March.
        await api.SetClock(new DateTime(2027, 3, 3, 8, 10, 0, DateTimeKind.Utc));
        await api.PutJson("/api/v1/usage", new { customerId = "ann", feature = "api_calls", value = 10 }).Ok();

        using (var ann = await PortalClient.OpenAsync(server, api, "ann"))
        {
            var usage = WebUtility.HtmlDecode((await ann.GetAsync("/portal/usage")).Html);
            // Ann: 2 March 5 + 2 = 7; 3 March +3; her month's first day (28 February from 16:00) 10 − 7 − 3 = 0.
            Assert.Equal(7m, DayTotal(usage, "Mar 2"));
            Assert.Equal(3m, DayTotal(usage, "Mar 3"));
            Assert.Equal(0m, DayTotal(usage, "Feb 28"));
            Assert.Equal(10m, DailyRows(usage).Sum(r => r.Total));
        }
        using (var bob = await PortalClient.OpenAsync(server, api, "bob"))
        {
            var usage = WebUtility.HtmlDecode((await bob.GetAsync("/portal/usage")).Html);
            // Bob: 3 March 7 + 3 = 10; nothing on his 2 March.
            Assert.Equal(10m, DayTotal(usage, "Mar 3"));
            Assert.Equal(0m, DayTotal(usage, "Mar 2"));
            Assert.Equal(10m, DailyRows(usage).Sum(r => r.Total));
        }
    }

    /// <summary>
    /// A day's total is kept on the day of the zone it was written in: moving Ann from Los Angeles to Auckland counts
    /// her later events on Auckland days, and leaves the earlier ones where they were.
    /// </summary>
    [Fact]
    public async Task UsageChart_AfterAZoneChange_EarlierDaysStayAsWritten()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await MeteredSubscriptionAsync(api, "America/Los_Angeles");
        // 3 March 07:59 UTC is 2 March 23:59 in Los Angeles (and would be 3 March 20:59 in Auckland).
        await TrackAt(api, new DateTime(2027, 3, 3, 7, 59, 0, DateTimeKind.Utc), 5);
        await api.PutJson("/api/v1/customers/ann", new { timezone = "Pacific/Auckland" }).Ok();
        // 3 March 08:30 UTC is 3 March 21:30 in Auckland.
        await TrackAt(api, new DateTime(2027, 3, 3, 8, 30, 0, DateTimeKind.Utc), 2);

        using var ann = await PortalClient.OpenAsync(server, api, "ann");
        var usage = WebUtility.HtmlDecode((await ann.GetAsync("/portal/usage")).Html);
        Assert.Equal(5m, DayTotal(usage, "Mar 2"));
        Assert.Equal(2m, DayTotal(usage, "Mar 3"));
        Assert.Equal(7m, DailyRows(usage).Sum(r => r.Total));
    }

    /// <summary>Ann, in <paramref name="zone"/>, on Pro (1,000 calls included) from <paramref name="start"/> (1 March 2027 00:00 UTC).</summary>
    private static async Task MeteredSubscriptionAsync(HttpClient api, string zone, DateTime? start = null)
    {
        await api.SetClock(start ?? Utc(2027, 3, 1));
        await api.Plan("pro", 4900);
        await api.PostJson("/api/v1/features/manage", new { code = "api_calls", name = "API calls", type = "usage", unitName = "call" }).Ok();
        await api.PostJson("/api/v1/plans/pro/features", new { featureId = "api_calls", includedAmount = 1000 }).Ok();
        await api.Customer("ann");
        await api.PutJson("/api/v1/customers/ann", new { timezone = zone }).Ok();
        await api.Subscribe("ann", "pro");
    }

    /// <summary>Moves the clock to <paramref name="at"/> and tracks <paramref name="value"/> calls then (they arrive then).</summary>
    private static async Task TrackAt(HttpClient api, DateTime at, int value)
    {
        await api.SetClock(at);
        await api.PostJson("/api/v1/usage/events", new { customerId = "ann", feature = "api_calls", value }).Ok();
    }

    /// <summary>The rows of the chart's "Daily numbers" table: day as shown, and its total.</summary>
    private static List<(string Day, decimal Total)> DailyRows(string html) =>
        System.Text.RegularExpressions.Regex.Matches(html, "<tr><td>([^<]+)</td><td class=\"num\">([0-9,.]+)</td></tr>")
            .Select(m => (m.Groups[1].Value, decimal.Parse(m.Groups[2].Value, System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();

    private static decimal DayTotal(string html, string day)
    {
        var rows = DailyRows(html).Where(r => r.Day == day).ToList();
        Assert.True(rows.Count == 1, $"Expected one row for {day} in the daily table; found {rows.Count}.");
        return rows[0].Total;
    }
}

public sealed class PortalTimeZoneTests_Sqlite(SqliteServer server) : PortalTimeZoneTests<SqliteServer>(server);

public sealed class PortalTimeZoneTests_Postgres(PostgresServer server) : PortalTimeZoneTests<PostgresServer>(server);
