using Commet.Domain.Billing;
using Commet.Server.Portal;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Pages.Portal;

/// <summary>One invoice with its lines. An invoice of anyone else (or of another organization or mode) is "not found".</summary>
public sealed class InvoiceModel : PortalPageModel
{
    public override PortalSection Section => PortalSection.Invoices;

    public Invoice Invoice { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(string id)
    {
        var invoice = await Portal.Db.Invoices.AsNoTracking().Include(i => i.Lines)
            .FirstOrDefaultAsync(i => i.Id == id && i.CustomerId == Portal.Customer.Id && i.Status != InvoiceStatus.Draft, Ct);
        if (invoice is null)
        {
            return NotFound();
        }
        Invoice = invoice;
        return Page();
    }
}
