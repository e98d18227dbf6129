using System.Globalization;
using Commet.Domain.Billing;

namespace Commet.Server.Invoices;

/// <summary>How an invoice's name-and-address blocks read, the same in the PDF and on the portal's invoice page.</summary>
public static class InvoiceText
{
    /// <summary>The address lines of a block: street lines, "postal code city", then "state, region, country name".</summary>
    public static IEnumerable<string> AddressLines(InvoiceParty p)
    {
        if (!string.IsNullOrWhiteSpace(p.Line1))
        {
            yield return p.Line1;
        }
        if (!string.IsNullOrWhiteSpace(p.Line2))
        {
            yield return p.Line2;
        }
        var town = string.Join(" ", new[] { p.PostalCode, p.City }.Where(s => !string.IsNullOrWhiteSpace(s)));
        if (town.Length > 0)
        {
            yield return town;
        }
        var region = string.Join(", ", new[] { p.State, p.Region, CountryName(p.Country) }.Where(s => !string.IsNullOrWhiteSpace(s)));
        if (region.Length > 0)
        {
            yield return region;
        }
    }

    /// <summary>The country's English name for an ISO 3166-1 alpha-2 code ("GB" → "United Kingdom"); the code itself if unknown.</summary>
    public static string? CountryName(string? code)
    {
        if (string.IsNullOrWhiteSpace(code))
        {
            return null;
        }
        try
        {
            var region = new RegionInfo(code);
            return string.Equals(region.TwoLetterISORegionName, code, StringComparison.OrdinalIgnoreCase) ? region.EnglishName : code;
        }
        catch (ArgumentException)
        {
            return code;
        }
    }

    /// <summary>A quantity with thousands separators and no trailing zeros ("28,500", "1.5").</summary>
    public static string Quantity(decimal q) => q.ToString("#,0.######", CultureInfo.InvariantCulture);
}
