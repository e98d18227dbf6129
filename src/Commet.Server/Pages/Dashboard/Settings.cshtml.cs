using Commet.Domain;
using Commet.Server.Billing;
using Commet.Server.Customers;
using Commet.Server.Dashboard;
using Commet.Server.Localization;
using Commet.Server.Payments;
using Commet.Server.Portal;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Commet.Server.Pages.Dashboard;

/// <summary>
/// The organization's settings in this mode: the customer portal's branding with a preview of its header, the billing
/// profile printed as the seller on invoices, which emails go to customers and their default language, and the payment
/// provider (Stripe keys, never shown back). Each form is the API's use case (<see cref="UpdatePortalSettings"/>,
/// <see cref="ConnectPaymentProvider"/>) and is audited. Owners and admins only (page and every post).
/// </summary>
[Requires(Capability.Settings)]
public sealed class SettingsModel(UpdatePortalSettings update, ConnectPaymentProvider connect, PaymentProviders providers, HostedLinks links,
    IOptions<PortalOptions> portalOptions) : DashboardPageModel
{
    /// <summary>Updates the preview as the colour or the name is typed (progressive enhancement; the Preview button does the same without it).</summary>
    public const string PreviewScript =
        "(function(){var p=document.getElementById(\"preview\");if(!p)return;"
        + "function on(h){var n=parseInt(h.slice(1),16),r=n>>16&255,g=n>>8&255,b=n&255;return(0.299*r+0.587*g+0.114*b)>150?\"#111827\":\"#ffffff\"}"
        + "var c=document.getElementById(\"accentColor\"),d=document.getElementById(\"displayName\"),t=document.getElementById(\"preview-name\");"
        + "if(c)c.addEventListener(\"input\",function(){if(/^#[0-9a-fA-F]{6}$/.test(c.value)){p.style.setProperty(\"--accent\",c.value);p.style.setProperty(\"--on-accent\",on(c.value))}});"
        + "if(d)d.addEventListener(\"input\",function(){t.textContent=d.value||p.getAttribute(\"data-org\")})})()";

    public static readonly string PreviewScriptHash = PortalStyles.Hash(PreviewScript);

    public override string Section => "settings";

    public PortalSettings? Stored { get; private set; }

    /// <summary>The branding the preview shows: the stored one, or what the Preview button sent.</summary>
    public PortalBranding Preview { get; private set; } = null!;

    /// <summary>The preview's colours, in their own style block (allowed by its hash).</summary>
    public string PreviewCss { get; private set; } = "";

    public bool Previewing { get; private set; }

    public PaymentProviderDto Provider { get; private set; } = null!;

    /// <summary>Which form the field errors belong to (branding, profile, emails, provider).</summary>
    public string? FailedForm { get; private set; }

    public IReadOnlyDictionary<string, string> FieldErrors { get; private set; } = new Dictionary<string, string>();

    public string? ErrorFor(string form, string field) => FailedForm == form ? FieldErrors.GetValueOrDefault(field) : null;

    /// <summary>What a refused form held, so the member does not type it again.</summary>
    public IReadOnlyDictionary<string, string?> Entered { get; private set; } = new Dictionary<string, string?>();

    /// <summary>The refused form's value of <paramref name="field"/>, or else <paramref name="stored"/>.</summary>
    public string? Value(string form, string field, string? stored) => FailedForm == form && Entered.TryGetValue(field, out var typed) ? typed : stored;

    public static IReadOnlyList<string> Locales => Languages.Supported;

    /// <summary>Reads the settings and the provider; the preview shows <paramref name="name"/> and <paramref name="accent"/> when given (already checked).</summary>
    private async Task LoadAsync(string? name = null, string? accent = null)
    {
        Stored = await Db.PortalSettings.AsNoTracking().FirstOrDefaultAsync(Ct);
        var stored = PortalBrandings.Build(Organization.Name, Organization.Currency, Stored, portalOptions.Value);
        Preview = name is null && accent is null
            ? stored
            : stored with { DisplayName = name ?? stored.DisplayName, Accent = accent ?? stored.Accent, OnAccent = Colors.ReadableOn(accent ?? stored.Accent) };
        PreviewCss = $".preview{{--accent:{Preview.Accent};--on-accent:{Preview.OnAccent}}}";
        DashboardHeaders.Apply(Response, PortalStyles.Hash(PreviewCss), PreviewScriptHash);
        var connection = await providers.StripeForAsync(Db, Organization.Id, Livemode, Ct);
        Provider = PaymentProviderEndpoints.Describe(connection, Organization.Id, Livemode, links.Base(BillingScopes.BaseUrlOf(Request)));
    }

    public async Task OnGetAsync() => await LoadAsync();

    /// <summary>Shows the portal header with the typed name and colour, saving nothing (works without JavaScript).</summary>
    public async Task<IActionResult> OnPostPreviewAsync(string? displayName, string? accentColor)
    {
        var name = string.IsNullOrWhiteSpace(displayName) ? null : displayName.Trim();
        Previewing = true;
        await LoadAsync(name is null ? null : name[..Math.Min(name.Length, 100)], Colors.IsHex(accentColor) ? Colors.Normalize(accentColor!) : null);
        return Page();
    }

    public async Task<IActionResult> OnPostBrandingAsync(string? displayName, string? accentColor, string? logoUrl, string? supportEmail, string? termsUrl,
        string? privacyUrl)
    {
        var current = await Db.PortalSettings.AsNoTracking().FirstOrDefaultAsync(Ct);
        // A logo URL is sent only when it changed: sending one (even blank) replaces an uploaded logo.
        var logo = (logoUrl ?? "").Trim();
        var request = new UpdatePortalSettingsRequest
        {
            DisplayName = displayName ?? "",
            AccentColor = accentColor ?? "",
            LogoUrl = logo == (current?.LogoUrl ?? "") ? null : logo,
            SupportEmail = supportEmail ?? "",
            TermsUrl = termsUrl ?? "",
            PrivacyUrl = privacyUrl ?? "",
        };
        Entered = new Dictionary<string, string?>
        {
            ["displayName"] = displayName, ["logoUrl"] = logoUrl, ["supportEmail"] = supportEmail, ["termsUrl"] = termsUrl, ["privacyUrl"] = privacyUrl,
        };
        return await SaveAsync("branding", request, AuditActions.BrandingUpdated);
    }

    public async Task<IActionResult> OnPostProfileAsync(string? legalName, string? taxId, string? line1, string? line2, string? city, string? postalCode,
        string? state, string? country)
    {
        var request = new UpdatePortalSettingsRequest
        {
            Seller = new SellerInput
            {
                LegalName = legalName ?? "",
                TaxId = taxId ?? "",
                Address = new AddressInput
                {
                    Line1 = line1 ?? "", Line2 = line2 ?? "", City = city ?? "", PostalCode = postalCode ?? "", State = state ?? "", Country = country ?? "",
                },
            },
        };
        Entered = new Dictionary<string, string?>
        {
            ["legalName"] = legalName, ["taxId"] = taxId, ["line1"] = line1, ["line2"] = line2, ["city"] = city, ["postalCode"] = postalCode,
            ["state"] = state, ["country"] = country,
        };
        return await SaveAsync("profile", request, AuditActions.BillingProfileUpdated);
    }

    public async Task<IActionResult> OnPostEmailsAsync(bool receipts, bool paymentFailed, bool upcomingRenewal, bool trialEnding, bool cancellation, bool portalLinks,
        string? defaultLocale)
    {
        var request = new UpdatePortalSettingsRequest
        {
            DefaultLocale = defaultLocale ?? "",
            Emails = new PortalEmailsInput
            {
                Receipts = receipts, PaymentFailed = paymentFailed, UpcomingRenewal = upcomingRenewal, TrialEnding = trialEnding,
                Cancellation = cancellation, PortalLinks = portalLinks,
            },
        };
        return await SaveAsync("emails", request, AuditActions.EmailSettingsUpdated);
    }

    public async Task<IActionResult> OnPostProviderAsync(string? secretKey, string? webhookSecret)
    {
        var result = await connect.HandleAsync(new PaymentProviderRequest { Provider = PaymentProviders.Stripe, SecretKey = secretKey, WebhookSecret = webhookSecret },
            Db, Caller, Ct);
        if (!result.IsSuccess)
        {
            return await FailAsync("provider", result.Error!);
        }
        // The key's last four characters only: the audit log never holds a secret.
        await AuditAsync(AuditActions.PaymentProviderConnected, $"stripe {result.Value.AccountId} (…{result.Value.KeyLast4})");
        return Redirect(Path("settings") + "?saved=provider#provider");
    }

    private async Task<IActionResult> SaveAsync(string form, UpdatePortalSettingsRequest request, string action)
    {
        var result = await update.HandleAsync(request, Db, Caller, Ct);
        if (!result.IsSuccess)
        {
            return await FailAsync(form, result.Error!);
        }
        await AuditAsync(action, form);
        return Redirect(Path("settings") + "?saved=" + form + "#" + form);
    }

    private async Task<IActionResult> FailAsync(string form, Error error)
    {
        // Nothing of a refused form is kept: nothing tracked may be saved with the audit row.
        Db.ChangeTracker.Clear();
        Response.StatusCode = error.Status;
        FailedForm = form;
        FieldErrors = DashboardText.Fields(error);
        Problem = DashboardText.Describe(error);
        await LoadAsync();
        return Page();
    }
}
