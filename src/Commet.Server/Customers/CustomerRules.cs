using System.Globalization;
using System.Text.Json;
using Commet.Domain;
using Commet.Server.Http;
using Commet.Server.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Customers;

public sealed class AddressInput
{
    public string? Line1 { get; set; }
    public string? Line2 { get; set; }
    public string? City { get; set; }
    public string? State { get; set; }
    public string? PostalCode { get; set; }
    public string? Country { get; set; }
    public string? Region { get; set; }
}

/// <summary>Checks and lookups shared by every customer verb.</summary>
public static class CustomerRules
{
    public static void CheckAddress(Check check, string field, AddressInput? address)
    {
        if (address is null)
        {
            return;
        }
        check.Required($"{field}.line1", address.Line1)
            .MaxLength($"{field}.line2", address.Line2, 255)
            .Required($"{field}.city", address.City)
            .MaxLength($"{field}.state", address.State, 255)
            .Required($"{field}.postalCode", address.PostalCode, 32)
            .MaxLength($"{field}.region", address.Region, 255);
        if (!IsCountryCode(address.Country))
        {
            check.Add($"{field}.country", $"{field}.country must be an ISO 3166-1 alpha-2 country code such as US or DE.");
        }
    }

    public static void CheckTimezone(Check check, string? timezone)
    {
        if (timezone is not null && (timezone.Length > 64 || !TimeZoneInfo.TryFindSystemTimeZoneById(timezone, out _)))
        {
            check.Add("timezone", "timezone must be an IANA time zone such as UTC or Europe/Madrid.");
        }
    }

    /// <summary>A customer's or a link's language: a well-formed BCP 47 tag ("es", "pt-BR"); languages the portal does not speak are kept and skipped.</summary>
    public static void CheckLocale(Check check, string? locale)
    {
        if (!string.IsNullOrEmpty(locale) && !Localization.Languages.IsWellFormed(locale.Trim()))
        {
            check.Add("locale", "locale must be a BCP 47 language tag such as en, es or pt-BR.");
        }
    }

    /// <summary>A locale as stored: canonical case, or null for none (an empty string clears it).</summary>
    public static string? NormalizeLocale(string? locale) =>
        string.IsNullOrWhiteSpace(locale) ? null : Localization.Languages.Canonical(locale.Trim());

    public static bool IsCountryCode(string? code)
    {
        if (code is null || code.Length != 2 || !code.All(char.IsAsciiLetter))
        {
            return false;
        }
        try
        {
            var region = new RegionInfo(code.ToUpperInvariant());
            return string.Equals(region.TwoLetterISORegionName, code, StringComparison.OrdinalIgnoreCase);
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    public static Address? ToAddress(AddressInput? a) => a is null ? null : new Address
    {
        Line1 = a.Line1!.Trim(),
        Line2 = a.Line2,
        City = a.City!.Trim(),
        State = a.State,
        PostalCode = a.PostalCode!.Trim(),
        Country = a.Country!.ToUpperInvariant(),
        Region = a.Region,
    };

    /// <summary>Finds a customer by our <c>cus_…</c> ID or by the merchant's own ID.</summary>
    public static async Task<Customer?> FindAsync(CommetDb db, string id, CancellationToken ct, bool track = false)
    {
        var query = track ? db.Customers : db.Customers.AsNoTracking();
        if (Ids.HasPrefix(id, Ids.Customer))
        {
            var byId = await query.FirstOrDefaultAsync(c => c.Id == id, ct);
            if (byId is not null)
            {
                return byId;
            }
        }
        return await query.FirstOrDefaultAsync(c => c.ExternalId == id, ct);
    }

    public static Error NotFound(string id) => Error.NotFound("customer", $"No customer with ID '{Truncate(id)}'.");

    public static string Truncate(string value) => value.Length <= 100 ? value : value[..100] + "…";
}
