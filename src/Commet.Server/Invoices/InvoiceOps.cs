using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Billing;
using Commet.Server.Payments;
using Commet.Server.Subscriptions;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Invoices;

/// <summary>
/// Invoice verbs, one per file (CreateAdjustment.cs, UpdateStatus.cs, Send.cs). Each runs in one database
/// transaction and writes its events in it; a change that touches a subscription locks the subscription first
/// (the order every subscription operation uses), then the invoice.
/// </summary>
public sealed partial class InvoiceOps(PaymentService payments, SubscriptionOps subscriptions)
{
    public static Error NotFound(string id) => Error.NotFound("invoice", $"No invoice with ID '{Truncate(id)}'.");

    /// <summary>Loads an invoice for change, locking its row on PostgreSQL (SQLite's write transaction already serializes).</summary>
    internal static async Task<Invoice?> LockAsync(BillingScope scope, string id, CancellationToken ct)
    {
        var db = scope.Db;
        if (db.IsPostgres)
        {
            var rows = await db.Invoices
                .FromSql($"""SELECT * FROM invoices WHERE "Id" = {id} AND "OrganizationId" = {scope.Tenant.OrganizationId} AND "Livemode" = {scope.Tenant.Livemode} FOR UPDATE""")
                .IgnoreQueryFilters()
                .ToListAsync(ct);
            return rows.SingleOrDefault();
        }
        return await db.Invoices.FirstOrDefaultAsync(i => i.Id == id, ct);
    }

    internal static void RecordVoided(BillingScope scope, Invoice invoice) =>
        EventRecorder.Record(scope.Db, scope.Tenant, InvoiceVoidedData.From(invoice), scope.Now, invoice.SubscriptionId, invoice.CustomerId);

    private static string Truncate(string value) => value.Length <= 100 ? value : value[..100] + "…";
}
