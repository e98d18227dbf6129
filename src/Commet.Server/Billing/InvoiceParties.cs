using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Billing;

/// <summary>
/// The bill-to and seller blocks of a new invoice, copied onto it when it is issued (<see cref="Invoice.Freeze"/>):
/// the customer's name, billing email, address and tax ID, and the organization's legal name, address, tax ID and
/// support email. Every invoice is made by <see cref="InvoiceBuilder.NewAsync"/>, which calls this, so no path can
/// issue one without them; the PDF and the portal read only what was frozen.
/// </summary>
public static class InvoiceParties
{
    public static async Task FreezeAsync(BillingScope scope, Invoice invoice, CancellationToken ct)
    {
        var customer = await CustomerAsync(scope, invoice.CustomerId, ct);
        var seller = scope.Batch is { } batch
            ? await batch.SellerAsync(() => SellerAsync(scope.Db, scope.Tenant, ct))
            : await SellerAsync(scope.Db, scope.Tenant, ct);
        invoice.Freeze(customer is null ? InvoiceParty.None : InvoiceParty.Of(customer), seller);
    }

    /// <summary>
    /// The customer as this unit of work sees it: read once per chunk in the engine's batch; otherwise the tracked
    /// entity if there is one (it may hold changes not saved yet, or be new), else the row.
    /// </summary>
    private static async Task<Customer?> CustomerAsync(BillingScope scope, string customerId, CancellationToken ct)
    {
        if (scope.Batch?.CustomerOf(customerId) is { } preloaded)
        {
            return preloaded;
        }
        return scope.Db.Customers.Local.FindEntry(customerId)?.Entity
            ?? await scope.Db.Customers.AsNoTracking().FirstOrDefaultAsync(c => c.Id == customerId, ct);
    }

    /// <summary>The seller block of the scope's organization and mode, from its settings (<c>PUT /api/v1/portal/settings</c>).</summary>
    public static async Task<InvoiceParty> SellerAsync(CommetDb db, Tenant tenant, CancellationToken ct)
    {
        var organizationName = await db.Organizations.AsNoTracking().Where(o => o.Id == tenant.OrganizationId).Select(o => o.Name).FirstOrDefaultAsync(ct);
        var settings = await db.PortalSettings.IgnoreQueryFilters().AsNoTracking()
            .FirstOrDefaultAsync(s => s.OrganizationId == tenant.OrganizationId && s.Livemode == tenant.Livemode, ct);
        return Seller(organizationName, settings);
    }

    /// <summary>The legal name when set, else the name customers see in the portal, else the organization's name.</summary>
    public static InvoiceParty Seller(string? organizationName, PortalSettings? s) => new(
        InvoiceParty.Text(s?.LegalName) ?? InvoiceParty.Text(s?.DisplayName) ?? InvoiceParty.Text(organizationName),
        InvoiceParty.Text(s?.SupportEmail),
        InvoiceParty.Text(s?.LegalLine1),
        InvoiceParty.Text(s?.LegalLine2),
        InvoiceParty.Text(s?.LegalCity),
        InvoiceParty.Text(s?.LegalPostalCode),
        InvoiceParty.Text(s?.LegalState),
        null,
        InvoiceParty.Text(s?.LegalCountry),
        InvoiceParty.Text(s?.TaxId));
}
