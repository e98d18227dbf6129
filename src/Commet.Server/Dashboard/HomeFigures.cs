using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Dashboard;

/// <summary>
/// The home page's figures for one organization and mode, over the last 30, 90 or 365 days ending today (UTC; in
/// sandbox, today of the test clock). Counted in the database's own rows, exactly, in minor units:
/// <list type="bullet">
/// <item>MRR per currency: active and past-due subscriptions, each period's price brought to a month
/// (<see cref="Monthly"/>);</item>
/// <item>revenue per day and currency: payments collected that day (succeeded, later refunded or disputed alike)
/// less payments refunded that day — so a refund shows on the day it was made;</item>
/// <item>subscriptions started, ended and running per day: started = its start date (a subscription still waiting
/// for its first payment is not counted), ended = the moment it ended (cancellation at once, at the period end, a
/// full refund, dunning), running = started and not yet ended at the end of the day;</item>
/// <item>churn: subscriptions ended in the range ÷ (running at the start of the range + started in it).</item>
/// </list>
/// </summary>
public sealed class HomeFigures
{
    public static readonly int[] Ranges = [30, 90, 365];

    public required int Days { get; init; }

    /// <summary>The first day of the range (00:00 UTC).</summary>
    public required DateTime Since { get; init; }

    /// <summary>The last day of the range (00:00 UTC): today.</summary>
    public required DateTime Today { get; init; }

    public required IReadOnlyList<(string Currency, long Amount)> Mrr { get; init; }

    public required int Active { get; init; }

    public required int Trialing { get; init; }

    public required int PastDue { get; init; }

    /// <summary>Net revenue per day (index 0 = <see cref="Since"/>) per currency, the largest total first.</summary>
    public required IReadOnlyList<(string Currency, long[] PerDay)> Revenue { get; init; }

    public required int[] Started { get; init; }

    public required int[] Ended { get; init; }

    /// <summary>Subscriptions running at the end of each day.</summary>
    public required int[] Running { get; init; }

    /// <summary>Running at the start of the range (the churn's base, with <see cref="Started"/>).</summary>
    public required int RunningAtStart { get; init; }

    public int EndedInRange => Ended.Sum();

    public int StartedInRange => Started.Sum();

    /// <summary>Churn in tenths of a percent (333 = 33.3 %), rounded half up; null when nothing ran in the range.</summary>
    public int? ChurnTenthsOfPercent
    {
        get
        {
            var basis = (long)RunningAtStart + StartedInRange;
            return basis == 0 ? null : (int)((EndedInRange * 2000L + basis) / (2 * basis));
        }
    }

    public DateTime Day(int index) => Since.AddDays(index);

    /// <summary>30, 90 or 365; anything else is 30.</summary>
    public static int RangeOf(string? days) =>
        int.TryParse(days, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var d) && Ranges.Contains(d) ? d : 30;

    /// <summary>The figures of the organization and mode <paramref name="db"/> is scoped to, for the range ending on <paramref name="now"/>'s day.</summary>
    public static async Task<HomeFigures> LoadAsync(CommetDb db, DateTime now, int days, CancellationToken ct)
    {
        var today = now.Date;
        var since = today.AddDays(-(days - 1));
        var end = today.AddDays(1);

        var byStatus = await db.Subscriptions.AsNoTracking().GroupBy(s => s.Status)
            .Select(g => new { Status = g.Key, Count = g.Count() }).ToListAsync(ct);
        int Count(string status) => byStatus.FirstOrDefault(s => s.Status == status)?.Count ?? 0;

        var paying = await db.Subscriptions.AsNoTracking()
            .Where(s => (s.Status == SubscriptionStatus.Active || s.Status == SubscriptionStatus.PastDue) && s.BillingInterval != null)
            .GroupBy(s => new { s.Currency, s.BillingInterval })
            .Select(g => new { g.Key.Currency, g.Key.BillingInterval, Total = g.Sum(s => s.BasePrice) })
            .ToListAsync(ct);
        var mrr = paying.GroupBy(p => p.Currency)
            .Select(g => (g.Key, g.Sum(p => Monthly(p.Total, p.BillingInterval!, g.Key))))
            .OrderBy(m => m.Key, StringComparer.Ordinal).ToList();

        // Money in and out and subscriptions started and ended, per day, summed and counted by the database: one
        // statement each, a range seek per day on an index that starts with the organization, mode and the time (see
        // PerDaySql) — no date function on every row and no sort of the whole range, so 365 days of 100,000
        // payments cost about what a month does.
        var tenant = db.TenantOrganizationId ?? throw new InvalidOperationException("The home figures need a database scoped to one organization and mode.");
        var revenue = new Dictionary<string, long[]>(StringComparer.Ordinal);
        foreach (var row in await db.Database.SqlQueryRaw<MoneyRow>(PerDaySql.Money(days), PerDaySql.Arguments(tenant, db.TenantLivemode, since, days)).ToListAsync(ct))
        {
            if (row.Paid is null && row.Refunded is null)
            {
                continue;
            }
            if (!revenue.TryGetValue(row.Currency, out var perDay))
            {
                revenue[row.Currency] = perDay = new long[days];
            }
            perDay[row.Day] += (row.Paid ?? 0) - (row.Refunded ?? 0);
        }

        var started = new int[days];
        var ended = new int[days];
        foreach (var row in await db.Database.SqlQueryRaw<CountRow>(PerDaySql.Subscriptions(days), PerDaySql.Arguments(tenant, db.TenantLivemode, since, days)).ToListAsync(ct))
        {
            started[row.Day] = (int)row.Started;
            ended[row.Day] = (int)row.Ended;
        }
        // Running when the range began (a subscription still waiting for its first payment never started).
        var runningAtStart = await db.Subscriptions.AsNoTracking().CountAsync(s => s.Status != SubscriptionStatus.PendingPayment
            && s.StartDate < since && (s.EndedAt == null || s.EndedAt >= since), ct);
        var running = new int[days];
        var current = runningAtStart;
        for (var i = 0; i < days; i++)
        {
            current += started[i] - ended[i];
            running[i] = current;
        }

        return new HomeFigures
        {
            Days = days,
            Since = since,
            Today = today,
            Mrr = mrr,
            Active = Count(SubscriptionStatus.Active),
            Trialing = Count(SubscriptionStatus.Trialing),
            PastDue = Count(SubscriptionStatus.PastDue),
            Revenue = revenue.OrderByDescending(r => r.Value.Sum()).ThenBy(r => r.Key, StringComparer.Ordinal)
                .Select(r => (r.Key, r.Value)).ToList(),
            Started = started,
            Ended = ended,
            Running = running,
            RunningAtStart = runningAtStart,
        };
    }

    private sealed class MoneyRow
    {
        public int Day { get; set; }
        public string Currency { get; set; } = "";
        public long? Paid { get; set; }
        public long? Refunded { get; set; }
    }

    private sealed class CountRow
    {
        public int Day { get; set; }
        public long Started { get; set; }
        public long Ended { get; set; }
    }

    /// <summary>
    /// One period's price as a month's share, rounded half away from zero to the minor unit:
    /// quarterly ÷ 3, yearly ÷ 12, weekly × 52 ÷ 12.
    /// </summary>
    public static long Monthly(long perPeriod, string interval, string currency)
    {
        var money = new Money(perPeriod, Currency.IsKnown(currency) ? Currency.Of(currency) : Currency.Usd);
        return interval switch
        {
            BillingIntervals.Quarterly => money.MultiplyFraction(1, 3).MinorUnits,
            BillingIntervals.Yearly => money.MultiplyFraction(1, 12).MinorUnits,
            BillingIntervals.Weekly => money.MultiplyFraction(52, 12).MinorUnits,
            _ => perPeriod,
        };
    }
}
