using Commet.Domain.Billing;
using Commet.Server.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Billing;

/// <summary>
/// <c>invoice.overdue</c>: each engine run reports the outstanding invoices whose due date has passed, once each.
/// An invoice is claimed with a conditional UPDATE of its <see cref="Invoice.OverdueAt"/> in the same transaction
/// as its event, so two nodes running the engine at once never both report it, and a rollback un-reports it.
/// The invoice keeps its status: overdue is a fact about the due date, as the SDK says.
/// </summary>
public static class OverdueInvoices
{
    private const int BatchSize = 500;

    public static async Task<int> RecordAsync(IDbContextFactory<CommetDb> dbFactory, Tenant tenant, DateTime now, CancellationToken ct)
    {
        var reported = 0;
        while (!ct.IsCancellationRequested)
        {
            // Each try gets a fresh context and transaction: a deadlock with a chunk that pays these invoices rolls it back whole.
            var batch = await DbRetry.OnConcurrencyAbortAsync(() => ReportBatchAsync(dbFactory, tenant, now, ct), ct);
            reported += batch.Reported;
            if (batch.Found < BatchSize)
            {
                break;
            }
        }
        return reported;
    }

    private static async Task<(int Found, int Reported)> ReportBatchAsync(IDbContextFactory<CommetDb> dbFactory, Tenant tenant, DateTime now, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.ScopeTo(tenant.OrganizationId, tenant.Livemode);
        var batch = await db.InTransactionAsync<(int Found, int Reported)>(async () =>
        {
            var due = await db.Invoices.AsNoTracking()
                .Where(i => i.Status == InvoiceStatus.Outstanding && i.OverdueAt == null && i.DueDate < now)
                .OrderBy(i => i.DueDate).ThenBy(i => i.Id)
                .Take(BatchSize)
                .ToListAsync(ct);
            var count = 0;
            foreach (var invoice in due)
            {
                var claimed = await db.Invoices
                    .Where(i => i.Id == invoice.Id && i.Status == InvoiceStatus.Outstanding && i.OverdueAt == null)
                    .ExecuteUpdateAsync(u => u.SetProperty(i => i.OverdueAt, now), ct);
                if (claimed == 0)
                {
                    continue; // paid, voided or reported by another node meanwhile
                }
                EventRecorder.Record(db, tenant, InvoiceOverdueData.From(invoice), now, invoice.SubscriptionId, invoice.CustomerId);
                count++;
            }
            return (due.Count, count);
        }, ct);
        return batch.Value;
    }
}
