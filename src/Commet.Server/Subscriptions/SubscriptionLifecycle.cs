using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Billing;
using Commet.Server.Payments;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Subscriptions;

/// <summary>
/// Steps in a subscription's life that several use cases share: a period started or the subscription ended (the
/// consumption side hooks in here to reset allowances or end plan credits), the first payment arrived, an overdue
/// invoice was charged again.
/// </summary>
public sealed class SubscriptionLifecycle(IEnumerable<ISubscriptionLifecycleHook> hooks, PaymentService payments)
{
    public async Task PeriodStartedAsync(BillingScope scope, Subscription subscription, CancellationToken ct)
    {
        foreach (var hook in hooks)
        {
            await hook.OnPeriodStartedAsync(scope, subscription, ct);
        }
    }

    public async Task CanceledAsync(BillingScope scope, Subscription subscription, CancellationToken ct)
    {
        foreach (var hook in hooks)
        {
            await hook.OnCanceledAsync(scope, subscription, ct);
        }
    }

    /// <summary>The first payment arrived: active, with the period starting now.</summary>
    public async Task ActivateAfterFirstPaymentAsync(BillingScope scope, Subscription subscription, Invoice invoice, CancellationToken ct)
    {
        var now = scope.Now;
        subscription.StartPeriod(now, subscription.BillingInterval!, subscription.BasePrice, invoice.Total);
        invoice.PeriodStart = subscription.CurrentPeriodStart;
        invoice.PeriodEnd = subscription.CurrentPeriodEnd;
        subscription.MarkPaid(now);
        EventRecorder.Record(scope.Db, scope.Tenant, new SubscriptionActivatedData(subscription.Id, subscription.CustomerId, subscription.Status,
            subscription.CurrentPeriodStart, subscription.CurrentPeriodEnd, null, invoice.Id, invoice.Number, invoice.Total, invoice.Currency, PaymentService.ProviderOf(scope.Db, invoice)),
            now, subscription.Id, subscription.CustomerId);
        await PeriodStartedAsync(scope, subscription, ct);
    }

    public static void RecordCanceled(BillingScope scope, Subscription s) =>
        EventRecorder.Record(scope.Db, scope.Tenant, new SubscriptionCanceledData(s.Id, s.CustomerId, s.Status, s.CanceledAt ?? scope.Now, s.CancelReason, s.EndedAt ?? scope.Now),
            scope.Now, s.Id, s.CustomerId);

    /// <summary>
    /// Charges the outstanding invoice of a past_due subscription once more. On success: paid, active,
    /// <c>payment.recovered</c>. The caller decides what a failure means (the engine counts it as a retry).
    /// </summary>
    public async Task<ChargeOutcome> RetryOutstandingAsync(BillingScope scope, Subscription s, string attempt, Domain.Billing.PaymentMethod? method, CancellationToken ct,
        ChargeOutcome? prepaid = null)
    {
        var invoice = await scope.Db.Invoices.FirstOrDefaultAsync(i => i.Id == s.OutstandingInvoiceId, ct);
        if (invoice is null || invoice.Status != InvoiceStatus.Outstanding)
        {
            s.MarkPaid(scope.Now);
            return ChargeOutcome.Success("nothing-outstanding");
        }
        var outcome = await payments.ChargeInvoiceAsync(scope.Db, scope.Tenant, invoice, $"{invoice.Id}:{attempt}", scope.Now, ct, method, prepaid);
        if (outcome.Succeeded)
        {
            s.MarkPaid(scope.Now);
            EventRecorder.Record(scope.Db, scope.Tenant, new PaymentRecoveredData(invoice.Id, invoice.Number, invoice.Total, s.CustomerId, s.Id), scope.Now, s.Id, s.CustomerId);
        }
        return outcome;
    }
}
