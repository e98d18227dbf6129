namespace Commet.Domain.Billing;

/// <summary>
/// Billing periods follow the interval from an anchor date. Every boundary is computed from the anchor, not
/// from the previous boundary, so month ends clamp and recover: Jan 31 → Feb 28 (29) → Mar 31 → Apr 30.
/// </summary>
public static class BillingCalendar
{
    /// <summary>The start of period <paramref name="cycle"/> (0 = the anchor itself).</summary>
    public static DateTime Boundary(DateTime anchor, string interval, int cycle) => interval switch
    {
        BillingIntervals.Weekly => anchor.AddDays(7 * cycle),
        BillingIntervals.Monthly => anchor.AddMonths(cycle),
        BillingIntervals.Quarterly => anchor.AddMonths(3 * cycle),
        BillingIntervals.Yearly => anchor.AddYears(cycle),
        _ => throw new ArgumentOutOfRangeException(nameof(interval), interval, "Unknown billing interval."),
    };

    /// <summary>The monthly allowance window that contains <paramref name="at"/>.</summary>
    public static (DateTime Start, DateTime End) AllowanceWindow(DateTime anchor, DateTime at)
    {
        if (at < anchor)
        {
            return (anchor, anchor.AddMonths(1));
        }
        var months = ((at.Year - anchor.Year) * 12) + at.Month - anchor.Month;
        var start = anchor.AddMonths(months);
        while (start > at)
        {
            months--;
            start = anchor.AddMonths(months);
        }
        var end = anchor.AddMonths(months + 1);
        while (end <= at)
        {
            months++;
            start = end;
            end = anchor.AddMonths(months + 1);
        }
        return (start, end);
    }

    /// <summary>Whole calendar days (UTC) from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public static int WholeDays(DateTime from, DateTime to) => (int)(to.Date - from.Date).TotalDays;
}
