using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Billing;
using Commet.Server.Dashboard;
using Commet.Server.Invoices;
using Commet.Server.Transactions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Pages.Dashboard;

/// <summary>
/// One invoice of this organization and mode (any other is 404): its lines, its payment transactions, a signed PDF
/// link (the API's download link) and a full refund of its succeeded payment (the API's refund transaction).
/// </summary>
public sealed class InvoiceModel(RefundTransaction refund, BillingScopes scopes, InvoiceLinks links) : DashboardPageModel
{
    public override string Section => "invoices";

    public Invoice Invoice { get; private set; } = null!;

    public Customer? Customer { get; private set; }

    public IReadOnlyList<PaymentTransaction> Transactions { get; private set; } = [];

    public string PdfUrl { get; private set; } = "";

    public bool Refundable => Transactions.Any(t => t.Status == TransactionStatus.Succeeded);

    private async Task<bool> LoadAsync(string id)
    {
        var invoice = await Db.Invoices.AsNoTracking().Include(i => i.Lines).FirstOrDefaultAsync(i => i.Id == id, Ct);
        if (invoice is null)
        {
            return false;
        }
        Invoice = invoice;
        Customer = await Db.Customers.AsNoTracking().FirstOrDefaultAsync(c => c.Id == invoice.CustomerId, Ct);
        Transactions = await Db.Transactions.AsNoTracking().Where(t => t.InvoiceId == invoice.Id).OrderBy(t => t.Id).ToListAsync(Ct);
        PdfUrl = links.Create(new Tenant(Organization.Id, Livemode), invoice.Id, BillingScopes.BaseUrlOf(Request)).Url;
        return true;
    }

    public async Task<IActionResult> OnGetAsync(string id) => await LoadAsync(id) ? Page() : NotFound();

    /// <summary>
    /// Refunds the invoice's succeeded payment in full. A second submit of the same form finds no succeeded payment
    /// (or loses the use case's claim on it) and says the invoice was already refunded: one refund, never two.
    /// </summary>
    [Requires(Capability.Invoices)]
    public async Task<IActionResult> OnPostRefundAsync(string id)
    {
        if (!await LoadAsync(id))
        {
            return NotFound();
        }
        var paid = Transactions.FirstOrDefault(t => t.Status == TransactionStatus.Succeeded);
        if (paid is null)
        {
            Response.StatusCode = StatusCodes.Status409Conflict;
            Problem = Transactions.Any(t => t.Status == TransactionStatus.Refunded)
                ? "This invoice was already refunded."
                : "This invoice has no succeeded payment to refund.";
            return Page();
        }
        var scope = await scopes.ForAsync(Db, Organization.Id, Livemode, BillingScopes.BaseUrlOf(Request), Ct);
        var result = await refund.HandleAsync(scope, paid.Id, Ct);
        if (!result.IsSuccess)
        {
            Db.ChangeTracker.Clear();
            Response.StatusCode = result.Error!.Status;
            Problem = result.Error.Code == "transaction_already_refunded" ? "This invoice was already refunded." : DashboardText.Describe(result.Error);
            await LoadAsync(id);
            return Page();
        }
        await AuditAsync(AuditActions.TransactionRefunded, $"{paid.Id} ({Invoice.Number})");
        return Redirect(Path("invoices/" + Uri.EscapeDataString(Invoice.Id)) + "?refunded=1");
    }
}
