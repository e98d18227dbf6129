using Commet.Domain;
using Commet.Server.Customers;
using Commet.Server.Http;
using Commet.Server.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Commet.Server.Portal;

public sealed class PortalSectionsInput
{
    public bool? Usage { get; set; }
    public bool? ChangePlan { get; set; }
    public bool? Purchases { get; set; }
    public bool? PaymentMethod { get; set; }
    public bool? BillingDetails { get; set; }
    public bool? Invoices { get; set; }
    public bool? Cancel { get; set; }
}

/// <summary>Which emails go to customers; fields left out keep their value.</summary>
public sealed class PortalEmailsInput
{
    public bool? Receipts { get; set; }
    public bool? PaymentFailed { get; set; }
    public bool? UpcomingRenewal { get; set; }
    public bool? TrialEnding { get; set; }
    public bool? Cancellation { get; set; }
    public bool? PortalLinks { get; set; }
}

/// <summary>
/// Which emails go to customers (all on by default): a receipt for each paid invoice, a failed payment with the link to
/// pay, the renewal of a yearly plan coming up, a trial ending, a cancellation confirmed, and "email me a link" on the
/// used or expired link page. An invoice sent through <c>POST /invoices/{id}/send</c> always goes.
/// </summary>
public sealed record PortalEmailsDto(bool Receipts, bool PaymentFailed, bool UpcomingRenewal, bool TrialEnding, bool Cancellation, bool PortalLinks);

/// <summary>The seller block printed on invoices. Fields left out keep their value; an empty string clears one.</summary>
public sealed class SellerInput
{
    public string? LegalName { get; set; }
    public string? TaxId { get; set; }
    public AddressInput? Address { get; set; }
}

/// <summary>Fields left out (or null) keep their value; an empty string resets a text field to its default.</summary>
public sealed class UpdatePortalSettingsRequest
{
    public string? DisplayName { get; set; }
    public string? LogoUrl { get; set; }
    public string? AccentColor { get; set; }
    public string? SupportEmail { get; set; }
    public string? TermsUrl { get; set; }
    public string? PrivacyUrl { get; set; }

    /// <summary>The portal's language when the link, the customer and the browser name none it speaks: en, es, pt-BR, fr or de. Empty resets to en.</summary>
    public string? DefaultLocale { get; set; }
    public long? TopupMinimum { get; set; }
    public long? TopupMaximum { get; set; }
    public int? IdleTimeoutMinutes { get; set; }
    public int? AbsoluteTimeoutHours { get; set; }
    public PortalSectionsInput? Sections { get; set; }
    public SellerInput? Seller { get; set; }
    public PortalEmailsInput? Emails { get; set; }
}

public sealed record PortalSectionsDto(bool Usage, bool ChangePlan, bool Purchases, bool PaymentMethod, bool BillingDetails, bool Invoices, bool Cancel);

public sealed record SellerAddressDto(string? Line1, string? Line2, string? City, string? PostalCode, string? State, string? Country);

/// <summary>
/// The organization's legal details for the seller block of invoices, as stored (null: not set). Invoices show the
/// legal name, or <c>displayName</c> while it is not set.
/// </summary>
public sealed record SellerDto(string? LegalName, string? TaxId, SellerAddressDto? Address);

/// <summary>The effective portal settings of the caller's organization and mode (defaults filled in).</summary>
public sealed record PortalSettingsDto(
    string DisplayName,
    string? LogoUrl,
    string AccentColor,
    string? SupportEmail,
    string? TermsUrl,
    string? PrivacyUrl,
    long TopupMinimum,
    long TopupMaximum,
    string Currency,
    int IdleTimeoutMinutes,
    int AbsoluteTimeoutHours,
    PortalSectionsDto Sections,
    SellerDto Seller,
    PortalEmailsDto Emails,
    string DefaultLocale,
    IReadOnlyList<string> Locales,
    DateTime? UpdatedAt,
    bool Livemode)
{
    public string Object => "portal_settings";
}

/// <summary><c>GET/PUT /api/v1/portal/settings</c>: branding, limits and sections of the customer portal (our addition).</summary>
public static class PortalSettingsEndpoints
{
    public const long MaxTopup = 100_000_000;

    public static void MapPortalSettings(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/portal").WithTags("Portal");

        group.MapGet("/settings", async Task<ApiOk<PortalSettingsDto>> (HttpRequest request, CommetDb db, ApiCaller caller, IOptions<PortalOptions> options,
            Payments.HostedLinks links, CancellationToken ct) =>
        {
            var settings = await db.PortalSettings.AsNoTracking().FirstOrDefaultAsync(ct);
            return Answer.Ok(await ToDtoAsync(db, caller, settings, options.Value, links.Base(Billing.BillingScopes.BaseUrlOf(request)), ct));
        }).WithSummary("The customer portal's settings for this organization and mode (defaults filled in).");

        group.MapPut("/settings", async Task<Results<ApiOk<PortalSettingsDto>, ApiProblem>> (Json<UpdatePortalSettingsRequest> body, HttpRequest request, CommetDb db, ApiCaller caller, IOptions<PortalOptions> options,
            UpdatePortalSettings update, Payments.HostedLinks links, CancellationToken ct) =>
        {
            var result = await update.HandleAsync(body.Value, db, caller, ct);
            if (!result.IsSuccess)
            {
                return Answer.Problem(result.Error);
            }
            return Answer.Ok(await ToDtoAsync(db, caller, result.Value, options.Value, links.Base(Billing.BillingScopes.BaseUrlOf(request)), ct));
        }).WithSummary("Change the customer portal's settings: display name, logo, accent colour, support email, terms and privacy links, "
            + "top-up limits, session times, which sections show, the seller block of invoices (legal name, address, tax ID) and which emails go to customers. "
            + "Fields left out keep their value.");
    }

    public static Check Validate(UpdatePortalSettingsRequest r, PortalSettings? current, PortalOptions o)
    {
        var check = new Check()
            .MaxLength("displayName", r.DisplayName, 100)
            .Email("supportEmail", NullIfEmpty(r.SupportEmail), required: false);
        Url(check, "logoUrl", r.LogoUrl);
        Url(check, "termsUrl", r.TermsUrl);
        Url(check, "privacyUrl", r.PrivacyUrl);
        if (!string.IsNullOrEmpty(r.DefaultLocale) && Localization.Languages.Supported.FirstOrDefault(l => string.Equals(l, r.DefaultLocale.Trim(), StringComparison.OrdinalIgnoreCase)) is null)
        {
            check.Add("defaultLocale", $"defaultLocale must be one of the portal's languages: {string.Join(", ", Localization.Languages.Supported)}.");
        }
        if (!string.IsNullOrEmpty(r.AccentColor) && !Colors.IsHex(r.AccentColor))
        {
            check.Add("accentColor", "accentColor must be a hex colour such as #1d4ed8 or #2b6.");
        }
        check.Range("topupMinimum", r.TopupMinimum, 1, MaxTopup)
            .Range("topupMaximum", r.TopupMaximum, 1, MaxTopup)
            .Range("idleTimeoutMinutes", r.IdleTimeoutMinutes, 5, 24 * 60)
            .Range("absoluteTimeoutHours", r.AbsoluteTimeoutHours, 1, 7 * 24);
        var min = r.TopupMinimum ?? current?.TopupMinimum ?? o.TopupMinimum;
        var max = r.TopupMaximum ?? current?.TopupMaximum ?? o.TopupMaximum;
        if (!check.Failed && max < min)
        {
            check.Add(r.TopupMaximum is null ? "topupMinimum" : "topupMaximum", "topupMaximum must be at least topupMinimum.");
        }
        var idle = r.IdleTimeoutMinutes ?? current?.IdleTimeoutMinutes ?? o.IdleTimeoutMinutes;
        var absolute = r.AbsoluteTimeoutHours ?? current?.AbsoluteTimeoutHours ?? o.AbsoluteTimeoutHours;
        if (!check.Failed && idle > absolute * 60)
        {
            check.Add(r.IdleTimeoutMinutes is null ? "absoluteTimeoutHours" : "idleTimeoutMinutes",
                "idleTimeoutMinutes must not be longer than absoluteTimeoutHours.");
        }
        ValidateSeller(check, r.Seller, current);
        return check;
    }

    /// <summary>
    /// Each field on its own (lengths, no control characters, an ISO country code), then the address as it would be
    /// after the change: once any part of it is set, street, city, postal code and country are all needed.
    /// </summary>
    private static void ValidateSeller(Check check, SellerInput? seller, PortalSettings? current)
    {
        if (seller is null)
        {
            return;
        }
        var a = seller.Address;
        check.MaxLength("seller.legalName", seller.LegalName, 255)
            .MaxLength("seller.taxId", seller.TaxId, 100)
            .MaxLength("seller.address.line1", a?.Line1, 255)
            .MaxLength("seller.address.line2", a?.Line2, 255)
            .MaxLength("seller.address.city", a?.City, 255)
            .MaxLength("seller.address.postalCode", a?.PostalCode, 32)
            .MaxLength("seller.address.state", a?.State, 255);
        if (!string.IsNullOrWhiteSpace(a?.Country) && !CustomerRules.IsCountryCode(a.Country.Trim()))
        {
            check.Add("seller.address.country", "seller.address.country must be an ISO 3166-1 alpha-2 country code such as US or DE.");
        }
        if (a is null || check.Failed)
        {
            return;
        }
        var after = new[]
        {
            ("line1", Text(a.Line1, current?.LegalLine1)),
            ("city", Text(a.City, current?.LegalCity)),
            ("postalCode", Text(a.PostalCode, current?.LegalPostalCode)),
            ("country", Text(a.Country, current?.LegalCountry)),
        };
        var any = after.Any(x => x.Item2 is not null) || Text(a.Line2, current?.LegalLine2) is not null || Text(a.State, current?.LegalState) is not null;
        foreach (var (field, value) in after)
        {
            if (any && value is null)
            {
                check.Add($"seller.address.{field}", $"seller.address.{field} is required once the seller has an address.");
            }
        }
    }

    /// <summary>A text field after a PUT: left out keeps it, blank clears it, anything else is trimmed.</summary>
    private static string? Text(string? given, string? current) => given is null ? current : given.Trim().Length == 0 ? null : given.Trim();

    private static void Url(Check check, string field, string? value)
    {
        if (!string.IsNullOrEmpty(value) && !ReturnUrls.IsSafe(value))
        {
            check.Add(field, $"{field} must be an absolute http or https URL.");
        }
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    public static void Apply(UpdatePortalSettingsRequest r, PortalSettings s)
    {
        s.DisplayName = Text(r.DisplayName, s.DisplayName);
        s.LogoUrl = Text(r.LogoUrl, s.LogoUrl);
        s.AccentColor = r.AccentColor is null ? s.AccentColor : r.AccentColor.Length == 0 ? null : Colors.Normalize(r.AccentColor);
        s.SupportEmail = Text(r.SupportEmail, s.SupportEmail);
        s.TermsUrl = Text(r.TermsUrl, s.TermsUrl);
        s.PrivacyUrl = Text(r.PrivacyUrl, s.PrivacyUrl);
        s.DefaultLocale = r.DefaultLocale is null ? s.DefaultLocale : Localization.Languages.Match(r.DefaultLocale);
        s.TopupMinimum = r.TopupMinimum ?? s.TopupMinimum;
        s.TopupMaximum = r.TopupMaximum ?? s.TopupMaximum;
        s.IdleTimeoutMinutes = r.IdleTimeoutMinutes ?? s.IdleTimeoutMinutes;
        s.AbsoluteTimeoutHours = r.AbsoluteTimeoutHours ?? s.AbsoluteTimeoutHours;
        if (r.Sections is { } x)
        {
            s.ShowUsage = x.Usage ?? s.ShowUsage;
            s.ShowChangePlan = x.ChangePlan ?? s.ShowChangePlan;
            s.ShowPurchases = x.Purchases ?? s.ShowPurchases;
            s.ShowPaymentMethod = x.PaymentMethod ?? s.ShowPaymentMethod;
            s.ShowBillingDetails = x.BillingDetails ?? s.ShowBillingDetails;
            s.ShowInvoices = x.Invoices ?? s.ShowInvoices;
            s.ShowCancel = x.Cancel ?? s.ShowCancel;
        }
        if (r.Emails is { } m)
        {
            s.EmailReceipts = m.Receipts ?? s.EmailReceipts;
            s.EmailPaymentFailed = m.PaymentFailed ?? s.EmailPaymentFailed;
            s.EmailUpcomingRenewal = m.UpcomingRenewal ?? s.EmailUpcomingRenewal;
            s.EmailTrialEnding = m.TrialEnding ?? s.EmailTrialEnding;
            s.EmailCancellation = m.Cancellation ?? s.EmailCancellation;
            s.EmailPortalLinks = m.PortalLinks ?? s.EmailPortalLinks;
        }
        if (r.Seller is { } seller)
        {
            s.LegalName = Text(seller.LegalName, s.LegalName);
            s.TaxId = Text(seller.TaxId, s.TaxId);
            if (seller.Address is { } a)
            {
                s.LegalLine1 = Text(a.Line1, s.LegalLine1);
                s.LegalLine2 = Text(a.Line2, s.LegalLine2);
                s.LegalCity = Text(a.City, s.LegalCity);
                s.LegalPostalCode = Text(a.PostalCode, s.LegalPostalCode);
                s.LegalState = Text(a.State, s.LegalState);
                s.LegalCountry = Text(a.Country, s.LegalCountry)?.ToUpperInvariant();
            }
        }
    }

    /// <summary>The settings as answered; an uploaded logo's URL is made absolute with <paramref name="baseUrl"/>.</summary>
    public static async Task<PortalSettingsDto> ToDtoAsync(CommetDb db, ApiCaller caller, PortalSettings? s, PortalOptions o, string baseUrl, CancellationToken ct)
    {
        var org = await db.Organizations.AsNoTracking().Where(x => x.Id == caller.OrganizationId)
            .Select(x => new { x.Name, x.Currency }).FirstAsync(ct);
        var b = PortalBrandings.Build(org.Name, org.Currency, s, o);
        return new PortalSettingsDto(b.DisplayName, PortalLogos.Absolute(b.LogoUrl, baseUrl), b.Accent, b.SupportEmail, b.TermsUrl, b.PrivacyUrl, b.TopupMinimum, b.TopupMaximum,
            b.Currency, s?.IdleTimeoutMinutes ?? o.IdleTimeoutMinutes, s?.AbsoluteTimeoutHours ?? o.AbsoluteTimeoutHours,
            new PortalSectionsDto(b.ShowUsage, b.ShowChangePlan, b.ShowPurchases, b.ShowPaymentMethod, b.ShowBillingDetails, b.ShowInvoices, b.ShowCancel),
            new SellerDto(s?.LegalName, s?.TaxId, s?.LegalLine1 is null
                ? null
                : new SellerAddressDto(s.LegalLine1, s.LegalLine2, s.LegalCity, s.LegalPostalCode, s.LegalState, s.LegalCountry)),
            new PortalEmailsDto(s?.EmailReceipts ?? true, s?.EmailPaymentFailed ?? true, s?.EmailUpcomingRenewal ?? true, s?.EmailTrialEnding ?? true,
                s?.EmailCancellation ?? true, s?.EmailPortalLinks ?? true),
            s?.DefaultLocale ?? Localization.Languages.English, Localization.Languages.Supported,
            s?.UpdatedAt, caller.Livemode);
    }
}
