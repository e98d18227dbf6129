using System.Linq.Expressions;
using Commet.Domain.Usage;
using Commet.Server.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Portal;

/// <summary>
/// The calendar days of a customer's time zone that a UTC window touches, each with the UTC instant it starts at
/// (midnight there; when the clocks skip midnight, the first minute that exists).
/// </summary>
public sealed record LocalDays(IReadOnlyList<DateTime> Days, IReadOnlyList<DateTime> StartsUtc)
{
    /// <summary>The local days of [<paramref name="startUtc"/>, <paramref name="endUtc"/>) in <paramref name="zone"/>, first to last.</summary>
    public static LocalDays Of(DateTime startUtc, DateTime endUtc, TimeZoneInfo zone)
    {
        var first = Local(startUtc, zone).Date;
        var last = Local(endUtc.AddTicks(-1), zone).Date;
        var days = new List<DateTime>();
        var starts = new List<DateTime>();
        for (var d = first; d <= last; d = d.AddDays(1))
        {
            days.Add(d);
            starts.Add(StartUtc(d, zone));
        }
        return new LocalDays(days, starts);
    }

    /// <summary>The UTC instant a local calendar day begins.</summary>
    public static DateTime StartUtc(DateTime day, TimeZoneInfo zone)
    {
        var t = DateTime.SpecifyKind(day.Date, DateTimeKind.Unspecified);
        // Zones whose clocks jump at midnight (daylight saving starting at 00:00): the day starts when they resume.
        while (zone.IsInvalidTime(t))
        {
            t = t.AddMinutes(15);
        }
        return DateTime.SpecifyKind(TimeZoneInfo.ConvertTimeToUtc(t, zone), DateTimeKind.Utc);
    }

    private static DateTime Local(DateTime utc, TimeZoneInfo zone) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone);

    /// <summary>
    /// One feature's usage of a subscription per local day: the events (tracked and set adjustments) that arrived in
    /// [<paramref name="fromUtc"/>, <paramref name="toUtc"/>), summed per day by the database. Events count by when they
    /// arrived, like the period's counter and the stored daily totals, so the bars add up to the meter. The day of an
    /// event is a CASE over the days' start instants (passed as parameters), which works the same on every database and
    /// in every zone (daylight saving, half-hour offsets) because the boundaries are worked out here.
    /// </summary>
    public static async Task<decimal[]> TotalsAsync(CommetDb db, string subscriptionId, string featureId, LocalDays days,
        DateTime fromUtc, DateTime toUtc, CancellationToken ct)
    {
        var totals = new decimal[days.Days.Count];
        if (totals.Length == 0)
        {
            return totals;
        }
        var rows = await db.UsageEvents.AsNoTracking()
            .Where(e => e.SubscriptionId == subscriptionId && e.FeatureId == featureId && e.CreatedAt >= fromUtc && e.CreatedAt < toUtc)
            .GroupBy(DayIndex(days.StartsUtc.ToArray()))
            .Select(g => new { Day = g.Key, Quantity = g.Sum(e => e.Value) })
            .ToListAsync(ct);
        foreach (var row in rows)
        {
            totals[row.Day] += row.Quantity;
        }
        return totals;
    }

    /// <summary>
    /// <c>e =&gt; e.CreatedAt &lt; starts[1] ? 0 : e.CreatedAt &lt; starts[2] ? 1 : … : n - 1</c>. The starts are read from
    /// the array, so the query sends them as parameters (one cached query shape per month length, not per month).
    /// </summary>
    private static Expression<Func<UsageEvent, int>> DayIndex(DateTime[] starts)
    {
        var e = Expression.Parameter(typeof(UsageEvent), "e");
        var at = Expression.Property(e, nameof(UsageEvent.CreatedAt));
        var holder = Expression.Constant(starts);
        Expression index = Expression.Constant(starts.Length - 1);
        for (var i = starts.Length - 1; i >= 1; i--)
        {
            index = Expression.Condition(Expression.LessThan(at, Expression.ArrayIndex(holder, Expression.Constant(i))), Expression.Constant(i - 1), index);
        }
        return Expression.Lambda<Func<UsageEvent, int>>(index, e);
    }
}
