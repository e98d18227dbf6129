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

        // Money in and out, summed per day and currency by the database (at most a row a day and currency).
        var paid = await db.Transactions.AsNoTracking()
            .Where(t => t.PaidAt >= since && t.PaidAt < end
                && (t.Status == TransactionStatus.Succeeded || t.Status == TransactionStatus.Refunded || t.Status == TransactionStatus.Disputed))
            .GroupBy(t => new { t.Currency, Day = t.PaidAt!.Value.Date })
            .Select(g => new { g.Key.Currency, g.Key.Day, Amount = g.Sum(t => t.Amount) }).ToListAsync(ct);
        var refunded = await db.Transactions.AsNoTracking()
            .Where(t => t.RefundedAt >= since && t.RefundedAt < end && t.Status == TransactionStatus.Refunded)
            .GroupBy(t => new { t.Currency, Day = t.RefundedAt!.Value.Date })
            .Select(g => new { g.Key.Currency, g.Key.Day, Amount = g.Sum(t => t.Amount) }).ToListAsync(ct);
        var revenue = new Dictionary<string, long[]>(StringComparer.Ordinal);
        void AddMoney(string currency, DateTime day, long amount)
        {
            if (!revenue.TryGetValue(currency, out var perDay))
            {
                revenue[currency] = perDay = new long[days];
            }
            perDay[IndexOf(day, since, days)] += amount;
        }
        foreach (var p in paid)
        {
            AddMoney(p.Currency, p.Day, p.Amount);
        }
        foreach (var r in refunded)
        {
            AddMoney(r.Currency, r.Day, -r.Amount);
        }

        // Subscriptions started and ended per day, counted by the database; and those running when the range began.
        var live = db.Subscriptions.AsNoTracking().Where(s => s.Status != SubscriptionStatus.PendingPayment);
        var startedByDay = await live.Where(s => s.StartDate >= since && s.StartDate < end)
            .GroupBy(s => s.StartDate.Date).Select(g => new { Day = g.Key, Count = g.Count() }).ToListAsync(ct);
        var endedByDay = await live.Where(s => s.EndedAt >= since && s.EndedAt < end)
            .GroupBy(s => s.EndedAt!.Value.Date).Select(g => new { Day = g.Key, Count = g.Count() }).ToListAsync(ct);
        var runningAtStart = await live.CountAsync(s => s.StartDate < since && (s.EndedAt == null || s.EndedAt >= since), ct);
        var started = new int[days];
        var ended = new int[days];
        foreach (var d in startedByDay)
        {
            started[IndexOf(d.Day, since, days)] += d.Count;
        }
        foreach (var d in endedByDay)
        {
            ended[IndexOf(d.Day, since, days)] += d.Count;
        }
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

    private static int IndexOf(DateTime at, DateTime since, int days) => Math.Clamp((int)(at.Date - since).TotalDays, 0, days - 1);

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
