using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Billing;
using Commet.Server.Invoices;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Subscriptions;

/// <summary>
/// The invoice a subscription's next trial end or period end will make (our addition): built by the renewal's own
/// code (<see cref="RenewalInvoices"/>) with usage so far, written nowhere. None (404 <c>no_upcoming_invoice</c>) when
/// that moment bills nothing: a cancellation is scheduled, the plan is free, a payment is overdue, or the subscription
/// is not live.
/// </summary>
public sealed class GetUpcomingInvoice(RenewalInvoices renewals)
{
    public static readonly Error None = new("no_upcoming_invoice",
        "This subscription has no upcoming invoice: it ends at the period end, is on a free plan, has a payment overdue, or is not live.", 404, "invalid_request_error");

    public async Task<Result<Invoice>> HandleAsync(BillingScope scope, string id, CancellationToken ct)
    {
        var s = await scope.Db.Subscriptions.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (s is null)
        {
            return SubscriptionErrors.NotFound(id);
        }
        var invoice = await renewals.UpcomingAsync(scope, s, ct);
        return invoice is null ? None : invoice;
    }
}

/// <summary>
/// The upcoming invoice in the API's invoice shape: <c>status</c> <c>draft</c>, no <c>id</c> and no
/// <c>invoiceNumber</c> (null: it is not issued yet), lines included.
/// </summary>
public static class UpcomingInvoiceDto
{
    public static InvoiceDto From(Invoice invoice) => InvoiceDto.From(invoice, withLines: true) with { Id = null, InvoiceNumber = null };
}
