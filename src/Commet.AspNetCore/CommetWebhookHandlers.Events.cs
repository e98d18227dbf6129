using Commet.Webhooks;
using Microsoft.AspNetCore.Http;

namespace Commet.AspNetCore;

/// <summary>
/// The handlers of a webhook receiver (<see cref="WebhookEndpoints.MapCommetWebhooks"/>): a typed method per event of the
/// catalogue (<c>OnSubscriptionCanceled</c>, …), <see cref="On{TData}(Func{WebhookEvent{TData}, HttpContext, Task})"/> for any data type,
/// and <see cref="OnAny"/> for every event, typed or not.
/// </summary>
public sealed partial class CommetWebhookHandlers
{
    /// <summary>Runs <paramref name="handler"/> for <c>addon.activated</c>.</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnAddonActivated(Func<WebhookEvent<AddonActivatedData>, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>addon.activated</c>, with the request (its services and abort token).</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnAddonActivated(Func<WebhookEvent<AddonActivatedData>, HttpContext, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>addon.deactivated</c>.</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnAddonDeactivated(Func<WebhookEvent<AddonDeactivatedData>, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>addon.deactivated</c>, with the request (its services and abort token).</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnAddonDeactivated(Func<WebhookEvent<AddonDeactivatedData>, HttpContext, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>balance.depleted</c>.</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnBalanceDepleted(Func<WebhookEvent<BalanceDepletedData>, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>balance.depleted</c>, with the request (its services and abort token).</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnBalanceDepleted(Func<WebhookEvent<BalanceDepletedData>, HttpContext, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>balance.topped_up</c>.</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnBalanceToppedUp(Func<WebhookEvent<BalanceToppedUpData>, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>balance.topped_up</c>, with the request (its services and abort token).</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnBalanceToppedUp(Func<WebhookEvent<BalanceToppedUpData>, HttpContext, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>checkout.ready</c>.</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnCheckoutReady(Func<WebhookEvent<CheckoutReadyData>, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>checkout.ready</c>, with the request (its services and abort token).</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnCheckoutReady(Func<WebhookEvent<CheckoutReadyData>, HttpContext, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>credits.depleted</c>.</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnCreditsDepleted(Func<WebhookEvent<CreditsDepletedData>, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>credits.depleted</c>, with the request (its services and abort token).</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnCreditsDepleted(Func<WebhookEvent<CreditsDepletedData>, HttpContext, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>credits.expired</c>.</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnCreditsExpired(Func<WebhookEvent<CreditsExpiredData>, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>credits.expired</c>, with the request (its services and abort token).</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnCreditsExpired(Func<WebhookEvent<CreditsExpiredData>, HttpContext, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>credits.granted</c>.</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnCreditsGranted(Func<WebhookEvent<CreditsGrantedData>, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>credits.granted</c>, with the request (its services and abort token).</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnCreditsGranted(Func<WebhookEvent<CreditsGrantedData>, HttpContext, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>credits.purchased</c>.</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnCreditsPurchased(Func<WebhookEvent<CreditsPurchasedData>, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>credits.purchased</c>, with the request (its services and abort token).</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnCreditsPurchased(Func<WebhookEvent<CreditsPurchasedData>, HttpContext, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>invoice.created</c>.</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnInvoiceCreated(Func<WebhookEvent<InvoiceCreatedData>, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>invoice.created</c>, with the request (its services and abort token).</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnInvoiceCreated(Func<WebhookEvent<InvoiceCreatedData>, HttpContext, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>invoice.overdue</c>.</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnInvoiceOverdue(Func<WebhookEvent<InvoiceOverdueData>, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>invoice.overdue</c>, with the request (its services and abort token).</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnInvoiceOverdue(Func<WebhookEvent<InvoiceOverdueData>, HttpContext, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>invoice.upcoming</c>.</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnInvoiceUpcoming(Func<WebhookEvent<InvoiceUpcomingData>, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>invoice.upcoming</c>, with the request (its services and abort token).</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnInvoiceUpcoming(Func<WebhookEvent<InvoiceUpcomingData>, HttpContext, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>invoice.voided</c>.</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnInvoiceVoided(Func<WebhookEvent<InvoiceVoidedData>, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>invoice.voided</c>, with the request (its services and abort token).</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnInvoiceVoided(Func<WebhookEvent<InvoiceVoidedData>, HttpContext, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>payment.failed</c>.</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnPaymentFailed(Func<WebhookEvent<PaymentFailedData>, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>payment.failed</c>, with the request (its services and abort token).</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnPaymentFailed(Func<WebhookEvent<PaymentFailedData>, HttpContext, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>payment_link.canceled</c>.</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnPaymentLinkCanceled(Func<WebhookEvent<PaymentLinkCanceledData>, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>payment_link.canceled</c>, with the request (its services and abort token).</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnPaymentLinkCanceled(Func<WebhookEvent<PaymentLinkCanceledData>, HttpContext, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>payment_link.completed</c>.</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnPaymentLinkCompleted(Func<WebhookEvent<PaymentLinkCompletedData>, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>payment_link.completed</c>, with the request (its services and abort token).</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnPaymentLinkCompleted(Func<WebhookEvent<PaymentLinkCompletedData>, HttpContext, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>payment_link.created</c>.</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnPaymentLinkCreated(Func<WebhookEvent<PaymentLinkCreatedData>, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>payment_link.created</c>, with the request (its services and abort token).</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnPaymentLinkCreated(Func<WebhookEvent<PaymentLinkCreatedData>, HttpContext, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>payment_link.failed</c>.</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnPaymentLinkFailed(Func<WebhookEvent<PaymentLinkFailedData>, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>payment_link.failed</c>, with the request (its services and abort token).</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnPaymentLinkFailed(Func<WebhookEvent<PaymentLinkFailedData>, HttpContext, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>payment.received</c>.</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnPaymentReceived(Func<WebhookEvent<PaymentReceivedData>, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>payment.received</c>, with the request (its services and abort token).</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnPaymentReceived(Func<WebhookEvent<PaymentReceivedData>, HttpContext, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>payment.recovered</c>.</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnPaymentRecovered(Func<WebhookEvent<PaymentRecoveredData>, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>payment.recovered</c>, with the request (its services and abort token).</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnPaymentRecovered(Func<WebhookEvent<PaymentRecoveredData>, HttpContext, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>payment.refunded</c>.</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnPaymentRefunded(Func<WebhookEvent<PaymentRefundedData>, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>payment.refunded</c>, with the request (its services and abort token).</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnPaymentRefunded(Func<WebhookEvent<PaymentRefundedData>, HttpContext, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>payment.retry_failed</c>.</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnPaymentRetryFailed(Func<WebhookEvent<PaymentRetryFailedData>, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>payment.retry_failed</c>, with the request (its services and abort token).</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnPaymentRetryFailed(Func<WebhookEvent<PaymentRetryFailedData>, HttpContext, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>payment_method.attached</c>.</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnPaymentMethodAttached(Func<WebhookEvent<PaymentMethodAttachedData>, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>payment_method.attached</c>, with the request (its services and abort token).</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnPaymentMethodAttached(Func<WebhookEvent<PaymentMethodAttachedData>, HttpContext, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>payment_method.updated</c>.</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnPaymentMethodUpdated(Func<WebhookEvent<PaymentMethodUpdatedData>, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>payment_method.updated</c>, with the request (its services and abort token).</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnPaymentMethodUpdated(Func<WebhookEvent<PaymentMethodUpdatedData>, HttpContext, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>seats.updated</c>.</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnSeatsUpdated(Func<WebhookEvent<SeatsUpdatedData>, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>seats.updated</c>, with the request (its services and abort token).</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnSeatsUpdated(Func<WebhookEvent<SeatsUpdatedData>, HttpContext, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>subscription.activated</c>.</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnSubscriptionActivated(Func<WebhookEvent<SubscriptionActivatedData>, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>subscription.activated</c>, with the request (its services and abort token).</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnSubscriptionActivated(Func<WebhookEvent<SubscriptionActivatedData>, HttpContext, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>subscription.canceled</c>.</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnSubscriptionCanceled(Func<WebhookEvent<SubscriptionCanceledData>, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>subscription.canceled</c>, with the request (its services and abort token).</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnSubscriptionCanceled(Func<WebhookEvent<SubscriptionCanceledData>, HttpContext, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>subscription.cancellation_revoked</c>.</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnSubscriptionCancellationRevoked(Func<WebhookEvent<SubscriptionCancellationRevokedData>, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>subscription.cancellation_revoked</c>, with the request (its services and abort token).</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnSubscriptionCancellationRevoked(Func<WebhookEvent<SubscriptionCancellationRevokedData>, HttpContext, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>subscription.cancellation_scheduled</c>.</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnSubscriptionCancellationScheduled(Func<WebhookEvent<SubscriptionCancellationScheduledData>, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>subscription.cancellation_scheduled</c>, with the request (its services and abort token).</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnSubscriptionCancellationScheduled(Func<WebhookEvent<SubscriptionCancellationScheduledData>, HttpContext, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>subscription.created</c>.</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnSubscriptionCreated(Func<WebhookEvent<SubscriptionCreatedData>, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>subscription.created</c>, with the request (its services and abort token).</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnSubscriptionCreated(Func<WebhookEvent<SubscriptionCreatedData>, HttpContext, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>subscription.past_due</c>.</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnSubscriptionPastDue(Func<WebhookEvent<SubscriptionPastDueData>, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>subscription.past_due</c>, with the request (its services and abort token).</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnSubscriptionPastDue(Func<WebhookEvent<SubscriptionPastDueData>, HttpContext, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>subscription.plan_change_revoked</c>.</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnSubscriptionPlanChangeRevoked(Func<WebhookEvent<SubscriptionPlanChangeRevokedData>, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>subscription.plan_change_revoked</c>, with the request (its services and abort token).</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnSubscriptionPlanChangeRevoked(Func<WebhookEvent<SubscriptionPlanChangeRevokedData>, HttpContext, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>subscription.plan_change_scheduled</c>.</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnSubscriptionPlanChangeScheduled(Func<WebhookEvent<SubscriptionPlanChangeScheduledData>, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>subscription.plan_change_scheduled</c>, with the request (its services and abort token).</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnSubscriptionPlanChangeScheduled(Func<WebhookEvent<SubscriptionPlanChangeScheduledData>, HttpContext, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>subscription.plan_changed</c>.</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnSubscriptionPlanChanged(Func<WebhookEvent<SubscriptionPlanChangedData>, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>subscription.plan_changed</c>, with the request (its services and abort token).</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnSubscriptionPlanChanged(Func<WebhookEvent<SubscriptionPlanChangedData>, HttpContext, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>subscription.reactivated</c>.</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnSubscriptionReactivated(Func<WebhookEvent<SubscriptionReactivatedData>, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>subscription.reactivated</c>, with the request (its services and abort token).</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnSubscriptionReactivated(Func<WebhookEvent<SubscriptionReactivatedData>, HttpContext, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>subscription.updated</c>.</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnSubscriptionUpdated(Func<WebhookEvent<SubscriptionUpdatedData>, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>subscription.updated</c>, with the request (its services and abort token).</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnSubscriptionUpdated(Func<WebhookEvent<SubscriptionUpdatedData>, HttpContext, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>trial.converted</c>.</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnTrialConverted(Func<WebhookEvent<TrialConvertedData>, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>trial.converted</c>, with the request (its services and abort token).</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnTrialConverted(Func<WebhookEvent<TrialConvertedData>, HttpContext, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>trial.expired</c>.</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnTrialExpired(Func<WebhookEvent<TrialExpiredData>, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>trial.expired</c>, with the request (its services and abort token).</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnTrialExpired(Func<WebhookEvent<TrialExpiredData>, HttpContext, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>trial.started</c>.</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnTrialStarted(Func<WebhookEvent<TrialStartedData>, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>trial.started</c>, with the request (its services and abort token).</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnTrialStarted(Func<WebhookEvent<TrialStartedData>, HttpContext, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>trial.will_end</c>.</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnTrialWillEnd(Func<WebhookEvent<TrialWillEndData>, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>trial.will_end</c>, with the request (its services and abort token).</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnTrialWillEnd(Func<WebhookEvent<TrialWillEndData>, HttpContext, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>usage.recorded</c>.</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnUsageRecorded(Func<WebhookEvent<UsageRecordedData>, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>usage.recorded</c>, with the request (its services and abort token).</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnUsageRecorded(Func<WebhookEvent<UsageRecordedData>, HttpContext, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>trial.checkout_ready</c>.</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnTrialCheckoutReady(Func<WebhookEvent<TrialCheckoutReadyData>, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>trial.checkout_ready</c>, with the request (its services and abort token).</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnTrialCheckoutReady(Func<WebhookEvent<TrialCheckoutReadyData>, HttpContext, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>payment.disputed</c>.</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnPaymentDisputed(Func<WebhookEvent<PaymentDisputedData>, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>payment.disputed</c>, with the request (its services and abort token).</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnPaymentDisputed(Func<WebhookEvent<PaymentDisputedData>, HttpContext, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>payment.dispute_resolved</c>.</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnPaymentDisputeResolved(Func<WebhookEvent<PaymentDisputeResolvedData>, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>payment.dispute_resolved</c>, with the request (its services and abort token).</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnPaymentDisputeResolved(Func<WebhookEvent<PaymentDisputeResolvedData>, HttpContext, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>customer.created</c>.</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnCustomerCreated(Func<WebhookEvent<CustomerCreatedData>, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>customer.created</c>, with the request (its services and abort token).</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnCustomerCreated(Func<WebhookEvent<CustomerCreatedData>, HttpContext, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>customer.updated</c>.</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnCustomerUpdated(Func<WebhookEvent<CustomerUpdatedData>, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>customer.updated</c>, with the request (its services and abort token).</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnCustomerUpdated(Func<WebhookEvent<CustomerUpdatedData>, HttpContext, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>customer.state_changed</c>.</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnCustomerStateChanged(Func<WebhookEvent<CustomerStateChangedData>, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>customer.state_changed</c>, with the request (its services and abort token).</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnCustomerStateChanged(Func<WebhookEvent<CustomerStateChangedData>, HttpContext, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>credits.low</c>.</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnCreditsLow(Func<WebhookEvent<CreditsLowData>, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>credits.low</c>, with the request (its services and abort token).</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnCreditsLow(Func<WebhookEvent<CreditsLowData>, HttpContext, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>balance.low</c>.</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnBalanceLow(Func<WebhookEvent<BalanceLowData>, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>balance.low</c>, with the request (its services and abort token).</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnBalanceLow(Func<WebhookEvent<BalanceLowData>, HttpContext, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>quota.threshold_reached</c>.</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnQuotaThresholdReached(Func<WebhookEvent<QuotaThresholdReachedData>, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>quota.threshold_reached</c>, with the request (its services and abort token).</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnQuotaThresholdReached(Func<WebhookEvent<QuotaThresholdReachedData>, HttpContext, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>quota.exceeded</c>.</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnQuotaExceeded(Func<WebhookEvent<QuotaExceededData>, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>quota.exceeded</c>, with the request (its services and abort token).</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnQuotaExceeded(Func<WebhookEvent<QuotaExceededData>, HttpContext, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>seats.limit_reached</c>.</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnSeatsLimitReached(Func<WebhookEvent<SeatsLimitReachedData>, Task> handler) => On(handler);

    /// <summary>Runs <paramref name="handler"/> for <c>seats.limit_reached</c>, with the request (its services and abort token).</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnSeatsLimitReached(Func<WebhookEvent<SeatsLimitReachedData>, HttpContext, Task> handler) => On(handler);
}
