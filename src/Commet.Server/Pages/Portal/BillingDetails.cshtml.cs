using System.Globalization;
using Commet.Domain;
using Commet.Server.Customers;
using Commet.Server.Http;
using Commet.Server.Portal;
using Microsoft.AspNetCore.Mvc;

namespace Commet.Server.Pages.Portal;

/// <summary>Name, billing email, address and tax ID, saved with the API's customer update; errors next to their fields.</summary>
public sealed class BillingDetailsModel(TimeProvider clock) : PortalPageModel
{
    public override PortalSection Section => PortalSection.BillingDetails;

    [BindProperty] public string? FullName { get; set; }
    [BindProperty] public string? Email { get; set; }
    [BindProperty] public string? TaxId { get; set; }
    [BindProperty] public string? Line1 { get; set; }
    [BindProperty] public string? Line2 { get; set; }
    [BindProperty] public string? City { get; set; }
    [BindProperty] public string? State { get; set; }
    [BindProperty] public string? PostalCode { get; set; }
    [BindProperty] public string? Country { get; set; }

    /// <summary>The customer's language (empty: automatic, from the browser).</summary>
    [BindProperty] public string? Locale { get; set; }

    public Dictionary<string, string> Errors { get; } = new(StringComparer.Ordinal);

    /// <summary>One region per country, made from a specific culture's name (some codes alone, such as EH, are refused).</summary>
    private static readonly IReadOnlyList<string> RegionCultures = CultureInfo.GetCultures(CultureTypes.SpecificCultures)
        .Select(c => { try { return (Culture: c.Name, Region: (RegionInfo?)new RegionInfo(c.Name)); } catch (ArgumentException) { return (c.Name, null); } })
        .Where(r => r.Region is not null && r.Region.TwoLetterISORegionName.Length == 2 && r.Region.TwoLetterISORegionName.All(char.IsAsciiLetterUpper))
        .DistinctBy(r => r.Region!.TwoLetterISORegionName)
        .Select(r => r.Culture)
        .ToList();

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, IReadOnlyList<(string Code, string Name)>> CountriesByLanguage = new(StringComparer.Ordinal);

    /// <summary>Every country with its name in the request's language (the platform's ICU names), sorted as that language sorts.</summary>
    public static IReadOnlyList<(string Code, string Name)> Countries => CountriesByLanguage.GetOrAdd(CultureInfo.CurrentUICulture.Name, _ =>
    {
        var ui = CultureInfo.CurrentUICulture;
        // A new RegionInfo per language: its display name is read in the current UI culture.
        return RegionCultures.Select(name => new RegionInfo(name)).Select(r => (r.TwoLetterISORegionName, r.DisplayName))
            .OrderBy(c => c.DisplayName, StringComparer.Create(ui.Name.Length == 0 ? CultureInfo.InvariantCulture : ui, false))
            .ToList();
    });

    public void OnGet()
    {
        var c = Portal.Customer;
        FullName = c.FullName;
        Email = c.Email;
        TaxId = c.TaxDocument;
        Line1 = c.Address?.Line1;
        Line2 = c.Address?.Line2;
        City = c.Address?.City;
        State = c.Address?.State;
        PostalCode = c.Address?.PostalCode;
        Country = c.Address?.Country;
        Locale = Localization.Languages.Match(c.Locale);
    }

    public async Task<IActionResult> OnPostAsync()
    {
        Trim();
        if (string.IsNullOrEmpty(Email))
        {
            Errors["Email"] = L["Details.Err.EmailRequired"];
        }
        var hasAddress = new[] { Line1, Line2, City, State, PostalCode, Country }.Any(v => !string.IsNullOrEmpty(v));
        if (!hasAddress && Portal.Customer.Address is not null)
        {
            Errors["Line1"] = L["Details.Err.Address"];
        }
        if (Errors.Count == 0)
        {
            var request = new UpdateCustomerRequest
            {
                FullName = FullName ?? "",
                Email = Email,
                TaxDocument = TaxId ?? "",
                // Only the portal's languages can be picked here; anything else leaves the customer's locale as the API set it.
                Locale = Locale is null ? "" : Localization.Languages.Match(Locale) is { } tag ? tag : null,
                Address = hasAddress ? new AddressInput { Line1 = Line1, Line2 = Line2, City = City, State = State, PostalCode = PostalCode, Country = Country } : null,
            };
            var result = await UpdateCustomer.HandleAsync(Portal.Customer.Id, request, Portal.Db, clock, Ct);
            if (result.IsSuccess)
            {
                return Done("/portal/billing-details", "details_saved");
            }
            MapErrors(result.Error);
        }
        Problem = Errors.Count == 1 ? L["Details.Err.One"] : L["Details.Err.Many"];
        return Page();
    }

    private void Trim()
    {
        static string? T(string? v) => string.IsNullOrWhiteSpace(v) ? null : v.Trim();
        FullName = T(FullName);
        Email = T(Email);
        TaxId = T(TaxId);
        Line1 = T(Line1);
        Line2 = T(Line2);
        City = T(City);
        State = T(State);
        PostalCode = T(PostalCode);
        Country = T(Country)?.ToUpperInvariant();
    }

    /// <summary>The API's field names, put next to the form's fields in words for people.</summary>
    private void MapErrors(Error error)
    {
        if (error.Details is not IEnumerable<FieldError> fields)
        {
            Errors["Email"] = PortalMessages.For(error);
            return;
        }
        foreach (var f in fields)
        {
            var (field, sentence) = f.Field switch
            {
                "email" => ("Email", L["Details.Err.Email"]),
                "fullName" => ("FullName", L["Details.Err.Max255"]),
                "taxDocument" => ("TaxId", L["Details.Err.Max100"]),
                "address.line1" => ("Line1", L["Details.Err.Line1"]),
                "address.line2" => ("Line2", L["Details.Err.Max255"]),
                "address.city" => ("City", L["Details.Err.City"]),
                "address.state" => ("State", L["Details.Err.Max255"]),
                "address.postalCode" => ("PostalCode", L["Details.Err.PostalCode"]),
                "address.country" => ("Country", L["Details.Err.Country"]),
                "locale" => ("Locale", L["Details.Err.Field"]),
                _ => ("Email", L["Details.Err.Field"]),
            };
            Errors.TryAdd(field, sentence);
        }
    }

    private static Localization.Texts L => Localization.Texts.Shared;

    public string? Invalid(string field) => Errors.ContainsKey(field) ? "true" : null;

    public string? Describe(string field) => Errors.ContainsKey(field) ? field + "-err" : null;
}
