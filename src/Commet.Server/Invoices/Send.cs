using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Billing;
using Commet.Server.Persistence;
using Commet.Server.Subscriptions;

namespace Commet.Server.Invoices;

/// <summary>Marks an invoice as sent to the customer.</summary>
public sealed class SendInvoice
{
    /// <summary>
    /// "Send the invoice to the customer": records the time on the invoice (<c>sentAt</c>) and puts an email with the
    /// invoice PDF in the outbox in the same transaction (the background sender delivers it; see docs/emails.md); no
    /// event is recorded (the SDK's event list has none for it). A void invoice is not sent (422 <c>invalid_invoice_status</c>).
    /// </summary>
    public async Task<Result<Invoice>> HandleAsync(BillingScope scope, string id, CancellationToken ct) =>
        await scope.Db.InTransactionAsync<Invoice>(async () =>
        {
            var invoice = await scope.Db.LockInvoiceAsync(id, ct);
            if (invoice is null)
            {
                return InvoiceErrors.NotFound(id);
            }
            var error = invoice.MarkSent(scope.Now);
            if (error is not null)
            {
                return error;
            }
            Emails.EmailOutbox.Add(scope.Db, scope.Tenant, EmailKinds.Invoice, invoice.CustomerId, invoice.Id, invoice.SubscriptionId);
            return invoice;
        }, ct);
}
