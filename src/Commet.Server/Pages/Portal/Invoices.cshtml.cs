using Commet.Domain.Billing;
using Commet.Server.Portal;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Pages.Portal;

/// <summary>Every invoice of this customer, newest first.</summary>
public sealed class InvoicesModel : PortalPageModel
{
    public const int PageSize = 50;

    public override PortalSection Section => PortalSection.Invoices;

    public IReadOnlyList<Invoice> Invoices { get; private set; } = [];

    public bool HasMore { get; private set; }

    public string? Before { get; private set; }

    public async Task OnGetAsync(string? before)
    {
        var query = Portal.Db.Invoices.AsNoTracking().Where(i => i.CustomerId == Portal.Customer.Id && i.Status != InvoiceStatus.Draft);
        if (!string.IsNullOrEmpty(before))
        {
            query = query.Where(i => string.Compare(i.Id, before) < 0);
        }
        var rows = await query.OrderByDescending(i => i.Id).Take(PageSize + 1).ToListAsync(Ct);
        HasMore = rows.Count > PageSize;
        Invoices = rows.Take(PageSize).ToList();
        Before = HasMore ? Invoices[^1].Id : null;
    }
}
