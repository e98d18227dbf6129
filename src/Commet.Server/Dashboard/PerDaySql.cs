using System.Globalization;
using System.Text;

namespace Commet.Server.Dashboard;

/// <summary>
/// The home page's per-day sums and counts as one SQL statement each, the same text on SQLite and PostgreSQL. The days
/// are a list of [start, end) pairs given as parameters (a <c>VALUES</c> list: no date arithmetic in SQL, so nothing
/// differs between the engines), and each day's figure is a correlated subquery that seeks that day's range on an index
/// beginning with organization, mode (and currency) and the time (the <c>DashHome</c> indexes). A GROUP BY the day of a
/// timestamp would run a date function on every row and sort the whole range: on SQLite that was about a second for
/// 100,000 payments over 365 days; this reads only the index entries of the range, in order.
/// </summary>
/// <remarks>
/// Raw SQL bypasses the tenant query filter, so every subquery names the organization and mode itself ({0} and {1}).
/// Parameters: {0} organization ID, {1} livemode, {2}…{2 + days} the day boundaries (UTC midnights), see
/// <see cref="Arguments"/>.
/// </remarks>
public static class PerDaySql
{
    /// <summary>Arguments for <see cref="Money"/> and <see cref="Subscriptions"/>: organization, mode, then days + 1 boundaries.</summary>
    public static object[] Arguments(string organizationId, bool livemode, DateTime since, int days)
    {
        var args = new object[days + 3];
        args[0] = organizationId;
        args[1] = livemode;
        for (var i = 0; i <= days; i++)
        {
            args[2 + i] = DateTime.SpecifyKind(since.AddDays(i), DateTimeKind.Utc);
        }
        return args;
    }

    /// <summary>
    /// Rows (Day, Currency, Paid, Refunded) for every day and every currency the organization ever took money in:
    /// Paid = payments collected that day (succeeded, later refunded or disputed alike), Refunded = payments refunded
    /// that day; null where there were none.
    /// </summary>
    public static string Money(int days) => Days(days) + """
        , c("cur") AS (SELECT DISTINCT "Currency" FROM "transactions" WHERE "OrganizationId" = {0} AND "Livemode" = {1})
        SELECT d."i" AS "Day", c."cur" AS "Currency",
          (SELECT CAST(SUM(t."Amount") AS bigint) FROM "transactions" AS t
            WHERE t."OrganizationId" = {0} AND t."Livemode" = {1} AND t."Currency" = c."cur" AND t."PaidAt" >= d."s" AND t."PaidAt" < d."e"
              AND t."Status" IN ('succeeded', 'refunded', 'disputed')) AS "Paid",
          (SELECT CAST(SUM(t."Amount") AS bigint) FROM "transactions" AS t
            WHERE t."OrganizationId" = {0} AND t."Livemode" = {1} AND t."Currency" = c."cur" AND t."RefundedAt" >= d."s" AND t."RefundedAt" < d."e"
              AND t."Status" = 'refunded') AS "Refunded"
        FROM d CROSS JOIN c
        """;

    /// <summary>
    /// Rows (Day, Started, Ended) for every day: subscriptions whose start date falls on it and those that ended on it;
    /// one still waiting for its first payment never started, so it counts in neither.
    /// </summary>
    public static string Subscriptions(int days) => Days(days) + """

        SELECT d."i" AS "Day",
          (SELECT COUNT(*) FROM "subscriptions" AS s
            WHERE s."OrganizationId" = {0} AND s."Livemode" = {1} AND s."StartDate" >= d."s" AND s."StartDate" < d."e"
              AND s."Status" <> 'pending_payment') AS "Started",
          (SELECT COUNT(*) FROM "subscriptions" AS s
            WHERE s."OrganizationId" = {0} AND s."Livemode" = {1} AND s."EndedAt" >= d."s" AND s."EndedAt" < d."e"
              AND s."Status" <> 'pending_payment') AS "Ended"
        FROM d
        """;

    /// <summary><c>WITH d("i", "s", "e") AS (VALUES (0, {2}, {3}), (1, {3}, {4}), …)</c>: day index, start, end.</summary>
    private static string Days(int days)
    {
        var sb = new StringBuilder("WITH d(\"i\", \"s\", \"e\") AS (VALUES ");
        for (var i = 0; i < days; i++)
        {
            sb.Append(i == 0 ? "" : ", ").Append(CultureInfo.InvariantCulture, $"({i}, {{{2 + i}}}, {{{3 + i}}})");
        }
        return sb.Append(')').ToString();
    }
}
