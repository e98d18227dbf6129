using System.Text.Json;
using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Billing;
using Commet.Server.Customers;
using Commet.Server.Http;
using Commet.Server.Payments;
using Commet.Server.Persistence;
using Commet.Server.Subscriptions;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Invoices;

public sealed class CreateAdjustmentRequest
{
    public string? CustomerId { get; set; }

    /// <summary>Signed minor units: positive bills the customer, negative credits them.</summary>
    public long? Amount { get; set; }
    public string? Description { get; set; }
    public Dictionary<string, JsonElement>? Metadata { get; set; }
}

/// <summary>Creates a one-off invoice (a charge or a credit) for a customer.</summary>
public sealed class CreateAdjustment(PaymentService payments)
{
    public const long MaxAdjustment = 10_000_000_000;

    /// <summary>
    /// A one-off <c>adjustment</c> invoice with one line. A positive amount is outstanding and charged at once to
    /// the customer's default card if there is one (paid on success; a decline leaves it outstanding with the
    /// failed attempt on record). A negative amount is a credit note: nothing to collect, so it is paid at once with
    /// a negative total, and nothing is refunded or carried to later invoices automatically.
    /// </summary>
    public async Task<Result<Invoice>> HandleAsync(BillingScope scope, CreateAdjustmentRequest r, CancellationToken ct)
    {
        var check = new Check()
            .Required("customerId", r.CustomerId)
            .Required("description", r.Description, 500)
            .Metadata("metadata", r.Metadata);
        if (r.Amount is null)
        {
            check.Add("amount", "amount is required (minor units; negative for a credit).");
        }
        else if (r.Amount == 0 || r.Amount is < -MaxAdjustment or > MaxAdjustment)
        {
            check.Add("amount", $"amount must be non-zero and between -{MaxAdjustment} and {MaxAdjustment} (minor units).");
        }
        if (check.Failed)
        {
            return check.ToError();
        }

        return await scope.Db.InTransactionAsync<Invoice>(async () =>
        {
            var db = scope.Db;
            var customer = await CustomerRules.FindAsync(db, r.CustomerId!, ct);
            if (customer is null)
            {
                return CustomerRules.NotFound(r.CustomerId!);
            }
            var currency = await CurrencyForAsync(scope, customer.Id, ct);
            var now = scope.Now;
            var amount = r.Amount!.Value;
            var description = r.Description!.Trim();
            // With an Idempotency-Key, a second request with it answers the first one's invoice and charges nothing more.
            var billingKey = scope.RequestBillingKey($"adjustment:{customer.Id}:{amount}");
            if (billingKey is not null && await db.Invoices.Include(i => i.Lines).FirstOrDefaultAsync(i => i.BillingKey == billingKey, ct) is { } earlier)
            {
                return earlier;
            }
            var invoice = await InvoiceBuilder.NewAsync(scope, customer.Id, null, InvoiceTypes.Adjustment, currency, now, now, billingKey, null, ct);
            invoice.MetadataJson = MetadataJson.Write(r.Metadata);
            invoice.AddLine(new InvoiceLine
            {
                LineType = amount < 0 ? LineTypes.Credit : LineTypes.OneTime,
                Description = description,
                Quantity = 1,
                UnitAmount = amount,
                Amount = amount,
                ChargeType = "standard",
            });
            InvoiceBuilder.RecordCreated(scope, invoice);

            if (amount < 0)
            {
                invoice.MarkPaid(now);
                return invoice;
            }
            var method = await PaymentService.DefaultMethodAsync(db, customer.Id, ct);
            if (method is not null)
            {
                // A decline is kept on record (a failed transaction) and leaves the invoice outstanding.
                await payments.ChargeInvoiceAsync(db, scope.Tenant, invoice, $"{invoice.Id}:charge", now, ct, method);
            }
            return invoice;
        }, ct, Usage.PurchaseCharges.RepeatedKey);
    }

    /// <summary>The currency of the customer's live subscription, else the organization's.</summary>
    private static async Task<string> CurrencyForAsync(BillingScope scope, string customerId, CancellationToken ct)
    {
        var db = scope.Db;
        var live = await db.Subscriptions.AsNoTracking()
            .Where(s => s.CustomerId == customerId && SubscriptionStatus.Live.Contains(s.Status))
            .Select(s => s.Currency)
            .FirstOrDefaultAsync(ct);
        if (live is not null)
        {
            return live;
        }
        var org = await db.Organizations.AsNoTracking().Where(o => o.Id == scope.Tenant.OrganizationId).Select(o => o.Currency).FirstOrDefaultAsync(ct);
        return org ?? "USD";
    }
}
