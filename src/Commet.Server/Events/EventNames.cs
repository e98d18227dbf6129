namespace Commet.Server.Events;

/// <summary>
/// The names of the webhook events, exactly as <c>@commet/node</c> 7.10.0 declares them (its <c>WebhookEvent</c> union).
/// Every event the server records takes its name from a data record (<see cref="IEventData.EventName"/>), which uses
/// these constants; an event the SDK does not declare would be added at the end, with a line in docs/decisions.md.
/// </summary>
public static class EventNames
{
    public const string SubscriptionCreated = "subscription.created";
    public const string SubscriptionActivated = "subscription.activated";
    public const string SubscriptionReactivated = "subscription.reactivated";
    public const string SubscriptionCanceled = "subscription.canceled";
    public const string SubscriptionUpdated = "subscription.updated";
    public const string SubscriptionPlanChanged = "subscription.plan_changed";
    public const string SubscriptionCancellationScheduled = "subscription.cancellation_scheduled";
    public const string SubscriptionCancellationRevoked = "subscription.cancellation_revoked";
    public const string SubscriptionPlanChangeScheduled = "subscription.plan_change_scheduled";
    public const string SubscriptionPlanChangeRevoked = "subscription.plan_change_revoked";
    public const string SubscriptionPastDue = "subscription.past_due";
    public const string TrialStarted = "trial.started";
    public const string TrialConverted = "trial.converted";
    public const string TrialExpired = "trial.expired";
    public const string TrialWillEnd = "trial.will_end";
    public const string TrialCheckoutReady = "trial.checkout_ready";
    public const string CheckoutReady = "checkout.ready";
    public const string PaymentReceived = "payment.received";
    public const string PaymentFailed = "payment.failed";
    public const string PaymentRecovered = "payment.recovered";
    public const string PaymentRetryFailed = "payment.retry_failed";
    public const string PaymentRefunded = "payment.refunded";
    public const string PaymentDisputed = "payment.disputed";
    public const string PaymentDisputeResolved = "payment.dispute_resolved";
    public const string PaymentLinkCreated = "payment_link.created";
    public const string PaymentLinkCompleted = "payment_link.completed";
    public const string PaymentLinkFailed = "payment_link.failed";
    public const string PaymentLinkCanceled = "payment_link.canceled";
    public const string InvoiceCreated = "invoice.created";
    public const string InvoiceVoided = "invoice.voided";
    public const string InvoiceOverdue = "invoice.overdue";
    public const string InvoiceUpcoming = "invoice.upcoming";
    public const string PaymentMethodAttached = "payment_method.attached";
    public const string PaymentMethodUpdated = "payment_method.updated";
    public const string CustomerCreated = "customer.created";
    public const string CustomerUpdated = "customer.updated";
    public const string CustomerStateChanged = "customer.state_changed";
    public const string CreditsGranted = "credits.granted";
    public const string CreditsPurchased = "credits.purchased";
    public const string CreditsLow = "credits.low";
    public const string CreditsDepleted = "credits.depleted";
    public const string CreditsExpired = "credits.expired";
    public const string BalanceToppedUp = "balance.topped_up";
    public const string BalanceLow = "balance.low";
    public const string BalanceDepleted = "balance.depleted";
    public const string QuotaThresholdReached = "quota.threshold_reached";
    public const string QuotaExceeded = "quota.exceeded";
    public const string SeatsUpdated = "seats.updated";
    public const string SeatsLimitReached = "seats.limit_reached";
    public const string AddonActivated = "addon.activated";
    public const string AddonDeactivated = "addon.deactivated";
    public const string UsageRecorded = "usage.recorded";
    public const string PayoutAvailable = "payout.available";
    public const string PayoutCreated = "payout.created";
    public const string PayoutPaid = "payout.paid";
    public const string PayoutFailed = "payout.failed";
}
