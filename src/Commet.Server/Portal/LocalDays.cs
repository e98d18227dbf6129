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
}
