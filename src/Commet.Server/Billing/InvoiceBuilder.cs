using Commet.Domain;
using Commet.Domain.Billing;

namespace Commet.Server.Billing;

/// <summary>Makes invoices with their number, in the scope's unit of work.</summary>
public static class InvoiceBuilder
{
    public static async Task<Invoice> NewAsync(BillingScope scope, string customerId, string? subscriptionId, string type, string currency,
        DateTime periodStart, DateTime periodEnd, string? billingKey, string? planName, CancellationToken ct)
    {
        // In an engine chunk the number is given when the chunk is written (BillingBatch.AssignNumbersAsync).
        var number = scope.Batch?.PendingNumber() ?? await InvoiceNumbering.NextAsync(scope.Db, scope.Tenant, ct);
        var invoice = new Invoice
        {
            Id = Ids.New(Ids.Invoice),
            OrganizationId = scope.Tenant.OrganizationId,
            Livemode = scope.Tenant.Livemode,
            CustomerId = customerId,
            SubscriptionId = subscriptionId,
            Number = number,
            Type = type,
            Status = InvoiceStatus.Outstanding,
            Currency = currency,
            PeriodStart = periodStart,
            PeriodEnd = periodEnd,
            IssueDate = scope.Now,
            DueDate = scope.Now,
            PlanName = planName,
            BillingKey = billingKey,
            CreatedAt = scope.Now,
            UpdatedAt = scope.Now,
        };
        await InvoiceParties.FreezeAsync(scope, invoice, ct);
        scope.Db.Invoices.Add(invoice);
        scope.Batch?.Numbered(invoice);
        return invoice;
    }

    public static void RecordCreated(BillingScope scope, Invoice invoice) =>
        EventRecorder.Record(scope.Db, scope.Tenant, InvoiceCreatedData.From(invoice), scope.Now, invoice.SubscriptionId, invoice.CustomerId);

    public static InvoiceLine PlanBase(string planName, long amount, DateTime start, DateTime end) => new()
    {
        LineType = LineTypes.PlanBase,
        Description = $"{planName} ({start:MMM d, yyyy} – {end:MMM d, yyyy})",
        Quantity = 1,
        UnitAmount = amount,
        Amount = amount,
        ChargeType = "advance",
    };
}

/// <summary>
/// Adds lines to a renewal invoice for what the period that ended used (metered overage, seat true-up,
/// balance overage). The usage work registers its sources; the engine asks every one of them.
/// </summary>
public interface IRenewalLineSource
{
    /// <remarks><c>endedPlanId</c> is the plan the subscription was on during the period being billed (a scheduled change may already have moved it).</remarks>
    Task AddLinesAsync(BillingScope scope, Subscription subscription, Invoice invoice, string endedPlanId, DateTime endedPeriodStart, DateTime endedPeriodEnd, CancellationToken ct);

    /// <summary>Lines billed in advance for the period an invoice opens (seats beyond the included ones).</summary>
    Task AddAdvanceLinesAsync(BillingScope scope, Subscription subscription, Invoice invoice, CancellationToken ct);
}

/// <summary>Hooks the consumption side into subscription changes (reset allowances, zero plan credits on cancel…).</summary>
public interface ISubscriptionLifecycleHook
{
    Task OnPeriodStartedAsync(BillingScope scope, Subscription subscription, CancellationToken ct);

    Task OnCanceledAsync(BillingScope scope, Subscription subscription, CancellationToken ct);
}
