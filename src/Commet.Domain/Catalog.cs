using System.Text.RegularExpressions;

namespace Commet.Domain;

public enum Mode
{
    Sandbox,
    Live,
}

public static partial class FeatureTypes
{
    public const string Boolean = "boolean";
    public const string Usage = "usage";
    public const string Seats = "seats";

    /// <summary>A durable count set per customer (add, remove, set), billed like seats.</summary>
    public const string Quota = "quota";
    public static readonly string[] All = [Boolean, Usage, Seats, Quota];
}

public static class ConsumptionModels
{
    public const string Metered = "metered";
    public const string Credits = "credits";
    public const string Balance = "balance";
    public static readonly string[] All = [Metered, Credits, Balance];
}

public static class BillingIntervals
{
    public const string Weekly = "weekly";
    public const string Monthly = "monthly";
    public const string Quarterly = "quarterly";
    public const string Yearly = "yearly";
    public static readonly string[] All = [Weekly, Monthly, Quarterly, Yearly];

    /// <summary>Length rank used to tell a longer interval (an upgrade) from a shorter one.</summary>
    public static int Rank(string interval) => interval switch
    {
        Weekly => 1,
        Monthly => 2,
        Quarterly => 3,
        Yearly => 4,
        _ => 0,
    };
}

public static partial class CatalogRules
{
    /// <summary>Feature codes: lowercase letters, digits and underscores, 1–100 characters.</summary>
    public static bool IsValidFeatureCode(string? code) => code is not null && FeatureCodePattern().IsMatch(code);

    /// <summary>Plan codes follow the same pattern, with hyphens allowed as well.</summary>
    public static bool IsValidPlanCode(string? code) => code is not null && PlanCodePattern().IsMatch(code);

    /// <summary>Turns a display name into a URL-safe slug ("Extra Storage!" → "extra-storage").</summary>
    public static string Slugify(string name)
    {
        // Letters with accents keep their base letter ("Ünïcödé" → "unicode").
        var decomposed = name.Trim().ToLowerInvariant().Normalize(System.Text.NormalizationForm.FormD);
        var lower = new string(decomposed.Where(c => System.Globalization.CharUnicodeInfo.GetUnicodeCategory(c) != System.Globalization.UnicodeCategory.NonSpacingMark).ToArray());
        var slug = NonSlugChars().Replace(lower, "-").Trim('-');
        if (slug.Length > 80)
        {
            slug = slug[..80].TrimEnd('-');
        }
        return slug.Length == 0 ? "addon" : slug;
    }

    [GeneratedRegex("^[a-z0-9_]{1,100}$")]
    private static partial Regex FeatureCodePattern();

    [GeneratedRegex("^[a-z0-9_-]{1,100}$")]
    private static partial Regex PlanCodePattern();

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex NonSlugChars();
}
