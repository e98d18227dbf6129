using System.Collections.Concurrent;
using Commet.Domain;

namespace Commet.Server.Usage;

/// <summary>
/// Which day of the portal's usage chart an event counts on: the customer's calendar day (in their <c>timezone</c>)
/// when it arrives, worked out as it is written so the chart reads one stored total per day whatever the zone. The
/// day is stored as that date at midnight, UTC kind (the column's kind); a customer without a zone has UTC days.
/// Changing a customer's zone changes the days of later events only: totals written before stay on the days of the
/// zone they were written in.
/// </summary>
public static class UsageDays
{
    // Zones are validated when a customer is saved, so this holds at most the system's zones.
    private static readonly ConcurrentDictionary<string, TimeZoneInfo> Zones = new(StringComparer.Ordinal);

    public static DateTime Of(DateTime utc, Customer customer) => Of(utc, customer.Timezone);

    public static DateTime Of(DateTime utc, string? timezone)
    {
        if (string.IsNullOrEmpty(timezone))
        {
            return utc.Date;
        }
        var zone = Zones.GetOrAdd(timezone, static id => TimeZoneInfo.TryFindSystemTimeZoneById(id, out var z) ? z : TimeZoneInfo.Utc);
        if (ReferenceEquals(zone, TimeZoneInfo.Utc))
        {
            return utc.Date;
        }
        var local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone);
        return DateTime.SpecifyKind(local.Date, DateTimeKind.Utc);
    }
}
