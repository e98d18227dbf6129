using Commet.Domain;
using Commet.Server.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Commet.Server.Portal;

/// <summary>An organization's portal settings with every default filled in, ready for a page.</summary>
public sealed record PortalBranding(
    string DisplayName,
    string? LogoUrl,
    string Accent,
    string OnAccent,
    string? SupportEmail,
    string? TermsUrl,
    string? PrivacyUrl,
    long TopupMinimum,
    long TopupMaximum,
    string Currency,
    PortalSettings? Settings)
{
    public const string DefaultAccent = "#1d4ed8";

    public bool ShowUsage => Settings?.ShowUsage ?? true;
    public bool ShowChangePlan => Settings?.ShowChangePlan ?? true;
    public bool ShowPurchases => Settings?.ShowPurchases ?? true;
    public bool ShowPaymentMethod => Settings?.ShowPaymentMethod ?? true;
    public bool ShowBillingDetails => Settings?.ShowBillingDetails ?? true;
    public bool ShowInvoices => Settings?.ShowInvoices ?? true;
    public bool ShowCancel => Settings?.ShowCancel ?? true;
}

/// <summary>
/// Reads portal settings, cached for a short while per organization and mode (every portal page needs them).
/// A change through the API clears the cache on the node that made it; other nodes see it within
/// <see cref="CacheFor"/>.
/// </summary>
public sealed class PortalBrandings(IMemoryCache cache, IOptions<PortalOptions> options)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(15);

    public async Task<PortalBranding> GetAsync(CommetDb db, string organizationId, bool livemode, CancellationToken ct)
    {
        var key = Key(organizationId, livemode);
        if (cache.TryGetValue(key, out PortalBranding? cached))
        {
            return cached!;
        }
        var org = await db.Organizations.AsNoTracking().Where(o => o.Id == organizationId)
            .Select(o => new { o.Name, o.Currency }).FirstOrDefaultAsync(ct);
        var settings = await db.PortalSettings.IgnoreQueryFilters().AsNoTracking()
            .FirstOrDefaultAsync(s => s.OrganizationId == organizationId && s.Livemode == livemode, ct);
        var branding = Build(org?.Name ?? "your provider", org?.Currency ?? "USD", settings, options.Value);
        cache.Set(key, branding, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = CacheFor, Size = 1 });
        return branding;
    }

    public void Forget(string organizationId, bool livemode) => cache.Remove(Key(organizationId, livemode));

    public static PortalBranding Build(string organizationName, string currency, PortalSettings? s, PortalOptions o)
    {
        var accent = s?.AccentColor ?? PortalBranding.DefaultAccent;
        return new PortalBranding(
            string.IsNullOrWhiteSpace(s?.DisplayName) ? organizationName : s.DisplayName!,
            s?.LogoUrl,
            accent,
            Colors.ReadableOn(accent),
            s?.SupportEmail,
            s?.TermsUrl,
            s?.PrivacyUrl,
            s?.TopupMinimum ?? o.TopupMinimum,
            s?.TopupMaximum ?? o.TopupMaximum,
            currency,
            s);
    }

    private static string Key(string organizationId, bool livemode) => $"portal-branding:{organizationId}:{(livemode ? "live" : "test")}";
}

/// <summary>Colour arithmetic for accessible branding (WCAG 2 relative luminance and contrast).</summary>
public static class Colors
{
    public static bool IsHex(string? value) =>
        value is { Length: 4 or 7 } && value[0] == '#' && value.Skip(1).All(char.IsAsciiHexDigit);

    /// <summary>#abc → #aabbcc, lower case.</summary>
    public static string Normalize(string hex)
    {
        var h = hex.ToLowerInvariant();
        return h.Length == 4 ? $"#{h[1]}{h[1]}{h[2]}{h[2]}{h[3]}{h[3]}" : h;
    }

    public static double Luminance(string hex)
    {
        var h = Normalize(hex);
        double Channel(int i)
        {
            var c = Convert.ToInt32(h.Substring(i, 2), 16) / 255.0;
            return c <= 0.03928 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4);
        }
        return 0.2126 * Channel(1) + 0.7152 * Channel(3) + 0.0722 * Channel(5);
    }

    public static double Contrast(string a, string b)
    {
        var (la, lb) = (Luminance(a), Luminance(b));
        return (Math.Max(la, lb) + 0.05) / (Math.Min(la, lb) + 0.05);
    }

    /// <summary>White or near-black, whichever reads better on the given background.</summary>
    public static string ReadableOn(string background) =>
        Contrast(background, "#ffffff") >= Contrast(background, "#111827") ? "#ffffff" : "#111827";
}
