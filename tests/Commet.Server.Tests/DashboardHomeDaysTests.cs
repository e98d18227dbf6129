using System.Net;
using Commet.Domain.Billing;
using Commet.Server.Dashboard;
using Commet.Server.Tests.Infrastructure;

namespace Commet.Server.Tests;

/// <summary>
/// The home page's per-day revenue as the database sums it (Dashboard/PerDaySql): a payment at midnight belongs to
/// the day it starts, one a microsecond before midnight to the day before, the range's first and last days are in and the
/// day before is out, failed payments count nowhere, and each currency is summed on its own — on both databases.
/// The payments are written straight into the store, at times the API's clock could not hit to the tick.
/// </summary>
public abstract class DashboardHomeDaysTests<TServer>(TServer server) : IClassFixture<TServer>
    where TServer : ServerFixture
{
    [Fact]
    public async Task RevenuePerDay_PutsEachPaymentAndRefundOnItsUtcDay_PerCurrency()
    {
        var t = await server.NewTenantAsync();
        // Today is Mar 10, 2027 (sandbox clock): the 30 days are Feb 9 – Mar 10.
        await t.Api.SetClock(new DateTime(2027, 3, 10, 10, 0, 0, DateTimeKind.Utc));
        var ann = await t.Api.Customer("ann", card: null);
        var n = 0;
        PaymentTransaction Paid(long amount, string currency, DateTime at, string status = TransactionStatus.Succeeded, DateTime? refundedAt = null) => new()
        {
            Id = $"txn_days{++n:D4}", OrganizationId = t.OrganizationId, Livemode = false, CustomerId = ann, Amount = amount, Currency = currency,
            Status = status, AttemptKey = $"days:{n}", PaidAt = at, RefundedAt = refundedAt, CreatedAt = at, UpdatedAt = at,
        };
        static DateTime At(int month, int day, int h = 0, int m = 0, int s = 0) => new(2027, month, day, h, m, s, DateTimeKind.Utc);
        await using (var db = t.Db())
        {
            db.Transactions.AddRange(
                Paid(1000, "USD", At(3, 9)),                                         // Mar 9 00:00:00 → Mar 9
                Paid(700, "USD", At(3, 9).AddTicks(-10)),                            // Mar 8 23:59:59.999999 → Mar 8
                Paid(400, "USD", At(2, 9)),                                          // the first day of the range
                Paid(300, "USD", At(2, 9).AddTicks(-10)),                            // Feb 8: the day before the range, out
                Paid(999, "USD", At(3, 9, 12), TransactionStatus.Failed),            // never collected, out
                Paid(250, "USD", At(3, 10, 9, 59, 59)),                              // today
                Paid(500, "EUR", At(3, 9, 12), TransactionStatus.Refunded, At(3, 10))); // Mar 9 in, refunded Mar 10 00:00
            await db.SaveChangesAsync();
        }
        var email = await server.AddMemberAsync(t.OrganizationId, DashboardRoles.Support);
        using var browser = new DashboardClient(server);
        await browser.SignIn(email, DashboardMembers.Password);
        var page = await browser.Get($"/dashboard/{t.OrganizationId}/sandbox");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        var html = DashboardMarkup.Flat(page.Html);

        // USD: 1000 + 700 + 400 + 250 = 2350 (the 300 of Feb 8 and the failed 999 are out). EUR: 500 − 500 = 0.
        Assert.Contains("data-revenue=\"USD\">$23.50<", html, StringComparison.Ordinal);
        Assert.Contains("data-revenue=\"EUR\">€0.00<", html, StringComparison.Ordinal);
        // The larger total first, so USD's column comes before EUR's. No subscriptions: 0 new, 0 ended, 0 running.
        const string zeros = "<td class=\"num\">0</td><td class=\"num\">0</td><td class=\"num\">0</td>";
        Assert.Contains($"<tr id=\"day-2027-02-09\"><th scope=\"row\">2027-02-09</th>{zeros}<td class=\"num\">$4.00</td><td class=\"num\">€0.00</td></tr>", html, StringComparison.Ordinal);
        Assert.Contains($"<tr id=\"day-2027-03-08\"><th scope=\"row\">2027-03-08</th>{zeros}<td class=\"num\">$7.00</td><td class=\"num\">€0.00</td></tr>", html, StringComparison.Ordinal);
        Assert.Contains($"<tr id=\"day-2027-03-09\"><th scope=\"row\">2027-03-09</th>{zeros}<td class=\"num\">$10.00</td><td class=\"num\">€5.00</td></tr>", html, StringComparison.Ordinal);
        Assert.Contains($"<tr id=\"day-2027-03-10\"><th scope=\"row\">2027-03-10</th>{zeros}<td class=\"num\">$2.50</td><td class=\"num\">-€5.00</td></tr>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("day-2027-02-08", html, StringComparison.Ordinal);

        // 90 days (Dec 11 – Mar 10) take in Feb 8's 300 too: 2350 + 300 = 2650.
        Assert.Contains("data-revenue=\"USD\">$26.50<", DashboardMarkup.Flat((await browser.Get($"/dashboard/{t.OrganizationId}/sandbox?days=90")).Html), StringComparison.Ordinal);
    }
}

public sealed class DashboardHomeDaysTests_Sqlite(SqliteServer server) : DashboardHomeDaysTests<SqliteServer>(server);

public sealed class DashboardHomeDaysTests_Postgres(PostgresServer server) : DashboardHomeDaysTests<PostgresServer>(server);
