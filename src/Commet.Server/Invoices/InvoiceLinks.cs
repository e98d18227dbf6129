using System.Globalization;
using Commet.Server.Billing;
using Commet.Server.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace Commet.Server.Invoices;

/// <summary>
/// Signed download links for invoice PDFs: <c>{base}/invoices/pdf/{token}</c>, where the token is a time-limited
/// Data Protection protection of the organization, mode and invoice ID (keys shared through the database, so any
/// node can open a link any node made). Nothing is stored; a link cannot be forged, altered or used after it expires.
/// </summary>
public sealed class InvoiceLinks(IDataProtectionProvider protection, IOptions<CommetOptions> options, BillingClock clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(7);

    private readonly ITimeLimitedDataProtector protector = protection.CreateProtector("Commet.InvoicePdf.v1").ToTimeLimitedDataProtector();

    /// <summary>A link to the PDF and the real time (not the test clock) when it stops working.</summary>
    public (string Url, DateTime ExpiresAt) Create(Tenant tenant, string invoiceId, string requestBase)
    {
        var expires = clock.RealNow + Lifetime;
        var payload = string.Join('\n', tenant.OrganizationId, tenant.Livemode ? "1" : "0", invoiceId);
        var token = protector.Protect(payload, new DateTimeOffset(expires, TimeSpan.Zero));
        var baseUrl = (options.Value.PublicUrl is { Length: > 0 } p ? p : requestBase).TrimEnd('/');
        return ($"{baseUrl}/invoices/pdf/{token}", expires);
    }

    /// <summary>The tenant and invoice a token names, or null for a forged, altered or expired token.</summary>
    public (Tenant Tenant, string InvoiceId)? Open(string token)
    {
        if (token.Length is 0 or > 2000)
        {
            return null;
        }
        string payload;
        try
        {
            payload = protector.Unprotect(token);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
        catch (FormatException)
        {
            return null;
        }
        var parts = payload.Split('\n');
        if (parts.Length != 3 || parts[1] is not ("0" or "1"))
        {
            return null;
        }
        return (new Tenant(parts[0], parts[1] == "1"), parts[2]);
    }

    public static string FileName(string number) => string.Create(CultureInfo.InvariantCulture, $"{number}.pdf");
}
