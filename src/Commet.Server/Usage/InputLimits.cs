using System.Text.Json;
using Commet.Domain;
using Commet.Domain.Usage;
using Commet.Server.Http;

namespace Commet.Server.Usage;

/// <summary>
/// Checks of usage input: the shape of <c>properties</c>, and the largest amounts usage and accounts may reach. They sit far above any real bill and far below where
/// the arithmetic of a 64-bit integer (or a <c>numeric(20,6)</c> invoice quantity) would overflow, so that an
/// extreme value is refused as a 422 naming the field instead of failing inside the sums.
/// </summary>
public static class InputLimits
{
    /// <summary>Decimal places a usage value may have (the columns keep 6; more would be rounded away on PostgreSQL only).</summary>
    public const int MaxValueDecimals = 6;

    /// <summary>Most one usage event may cost: credits, or balance in rate units (10^15 = 10^11 major units).</summary>
    public const long MaxEventCost = 1_000_000_000_000_000;

    /// <summary>Most a credits or balance account may hold, either way (credits, or rate units).</summary>
    public const long MaxAccountTotal = 100_000_000_000_000_000;

    /// <summary>Most usage of one feature in one period (fits the invoice line's quantity).</summary>
    public const decimal MaxPeriodUsage = 100_000_000_000_000m;

    public static bool HasAtMostDecimals(decimal value, int decimals) => decimal.Round(value, decimals) == value;

    /// <summary>
    /// Refuses a usage value whose cost, or whose period total priced at the overage rate, would be beyond what
    /// this server bills. <paramref name="current"/> is the period's usage so far (metered plans).
    /// </summary>
    internal static Error? CheckCost(string field, string model, PlanFeature pf, decimal value, decimal current)
    {
        var tooLarge = model switch
        {
            ConsumptionModels.Credits => value * (pf.CreditsPerUnit ?? 1) > MaxEventCost,
            ConsumptionModels.Balance => value * pf.OverageUnitPrice > MaxEventCost,
            _ => current + value > MaxPeriodUsage || (current + value) * pf.OverageUnitPrice > MaxAccountTotal,
        };
        return tooLarge
            ? Error.Validation(field, $"{field} is too large: at this feature's price it would cost more than this server bills in one period.")
            : null;
    }

    /// <summary>Refuses a movement that would take an account beyond <see cref="MaxAccountTotal"/> either way.</summary>
    internal static Error? CheckAccountRoom(string field, ConsumptionAccount account, long delta) =>
        (Int128)account.Total + delta is var next && (next > MaxAccountTotal || next < -MaxAccountTotal)
            ? Error.Validation(field, $"{field} would take the {account.Kind} beyond the most an account may hold ({MaxAccountTotal}).")
            : null;

    public const int MaxProperties = 50;
    public const int MaxPropertyValueLength = 1000;

    /// <summary>
    /// <c>properties</c> is an array of <c>{property, value}</c> objects: a null item, a missing or repeated
    /// name, a missing value or one that is an object or an array is refused, naming the item.
    /// </summary>
    internal static void CheckProperties(Check check, string field, List<UsagePropertyInput>? properties)
    {
        if (properties is null)
        {
            return;
        }
        if (properties.Count > MaxProperties)
        {
            check.Add(field, $"At most {MaxProperties} properties per event.");
            return;
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < properties.Count; i++)
        {
            var item = $"{field}[{i}]";
            if (properties[i] is not { } p)
            {
                check.Add(item, "Each property must be an object {property, value}.");
                continue;
            }
            if (string.IsNullOrWhiteSpace(p.Property) || p.Property.Length > 100)
            {
                check.Add(item + ".property", "Every property needs a name of at most 100 characters.");
            }
            else if (!names.Add(p.Property))
            {
                check.Add(item + ".property", $"The property '{p.Property}' is given more than once.");
            }
            else
            {
                check.MaxLength(item + ".property", p.Property, 100);
            }
            switch (p.Value.ValueKind)
            {
                case JsonValueKind.String:
                    check.MaxLength(item + ".value", p.Value.GetString(), MaxPropertyValueLength);
                    break;
                case JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null:
                    if (p.Value.GetRawText().Length > MaxPropertyValueLength)
                    {
                        check.Add(item + ".value", $"{item}.value must be at most {MaxPropertyValueLength} characters.");
                    }
                    break;
                case JsonValueKind.Undefined:
                    check.Add(item + ".value", $"{item}.value is required (a string).");
                    break;
                default:
                    check.Add(item + ".value", $"{item}.value must be a string, a number or a boolean, not an object or an array.");
                    break;
            }
        }
    }
}
