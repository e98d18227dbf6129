using Commet.Domain.Billing;
using Commet.Server.Invoices;
using Commet.Server.Portal;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Pages.Portal;

/// <summary>One invoice with its lines. An invoice of anyone else (or of another organization or mode) is "not found".</summary>
public sealed class InvoiceModel : PortalPageModel
{
    public override PortalSection Section => PortalSection.Invoices;

    public Invoice Invoice { get; private set; } = null!;

    /// <summary>The invoice's payment attempts, newest first, each with the card it was charged to (when known).</summary>
    public IReadOnlyList<(PaymentTransaction Payment, PaymentMethod? Card)> Payments { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(string id)
    {
        var invoice = await Portal.Db.Invoices.AsNoTracking().Include(i => i.Lines)
            .FirstOrDefaultAsync(i => i.Id == id && i.CustomerId == Portal.Customer.Id && i.Status != InvoiceStatus.Draft, Ct);
        if (invoice is null)
        {
            return NotFound();
        }
        Invoice = invoice;
        Payments = await (from t in Portal.Db.Transactions.AsNoTracking()
                          where t.InvoiceId == invoice.Id && t.CustomerId == Portal.Customer.Id
                          join m in Portal.Db.PaymentMethods.AsNoTracking() on t.PaymentMethodId equals m.Id into cards
                          from m in cards.DefaultIfEmpty()
                          orderby t.CreatedAt descending, t.Id descending
                          select new ValueTuple<PaymentTransaction, PaymentMethod?>(t, m)).ToListAsync(Ct);
        return Page();
    }

    /// <summary>
    /// The PDF, rendered by the invoices work, served within the portal session (the same check as the page), so
    /// no long-lived signed download link ends up in the browser's history.
    /// </summary>
    public async Task<IActionResult> OnGetPdfAsync(string id)
    {
        if (await OnGetAsync(id) is not PageResult)
        {
            return NotFound();
        }
        // The invoice as issued: its frozen bill-to and seller blocks, not the customer's details of today.
        var pdf = InvoicePdf.Render(Invoice, Localization.RequestLanguageMiddleware.Of(HttpContext), Portal.Format.Zone);
        return File(pdf, "application/pdf", InvoiceLinks.FileName(Invoice.Number));
    }
}
