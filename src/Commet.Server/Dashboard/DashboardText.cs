using System.Globalization;
using Commet.Domain;

namespace Commet.Server.Dashboard;

/// <summary>How the dashboard writes errors, money and times (English, UTC).</summary>
public static class DashboardText
{
    /// <summary>One readable sentence for a coded error: the field messages when there are any, else the message.</summary>
    public static string Describe(Error error) =>
        error.Details is IEnumerable<FieldError> fields && fields.Any()
            ? string.Join(" ", fields.Select(f => f.Message))
            : error.Message;

    /// <summary>The field errors of a validation error by field (the first message of each), for showing next to the inputs.</summary>
    public static IReadOnlyDictionary<string, string> Fields(Error error) =>
        error.Details is IEnumerable<FieldError> fields
            ? fields.GroupBy(f => f.Field, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Message, StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);

    public static string Money(long minorUnits, string currency) =>
        Currency.IsKnown(currency) ? new Money(minorUnits, Currency.Of(currency)).Format(CultureInfo.GetCultureInfo("en-US")) : $"{minorUnits} {currency}";

    public static string Time(DateTime? at) => at is { } t ? t.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) : "—";

    public static string Date(DateTime? at) => at is { } t ? t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "—";
}
