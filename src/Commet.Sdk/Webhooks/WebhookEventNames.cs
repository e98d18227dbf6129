using System.Text.Json;
using Commet.Internal;

namespace Commet.Webhooks;

/// <summary>The names of webhook events (the <c>event</c> field), as Commet's SDKs declare them.</summary>
public static class WebhookEventNames
{
    /// <summary><c>subscription.created</c>.</summary>
    public const string SubscriptionCreated = "subscription.created";

    /// <summary><c>subscription.activated</c>.</summary>
    public const string SubscriptionActivated = "subscription.activated";

    /// <summary><c>subscription.reactivated</c>.</summary>
    public const string SubscriptionReactivated = "subscription.reactivated";

    /// <summary><c>subscription.canceled</c>.</summary>
    public const string SubscriptionCanceled = "subscription.canceled";

    /// <summary><c>subscription.updated</c>.</summary>
    public const string SubscriptionUpdated = "subscription.updated";

    /// <summary><c>subscription.plan_changed</c>.</summary>
    public const string SubscriptionPlanChanged = "subscription.plan_changed";

    /// <summary><c>subscription.cancellation_scheduled</c>.</summary>
    public const string SubscriptionCancellationScheduled = "subscription.cancellation_scheduled";

    /// <summary><c>subscription.cancellation_revoked</c>.</summary>
    public const string SubscriptionCancellationRevoked = "subscription.cancellation_revoked";

    /// <summary><c>subscription.plan_change_scheduled</c>.</summary>
    public const string SubscriptionPlanChangeScheduled = "subscription.plan_change_scheduled";

    /// <summary><c>subscription.plan_change_revoked</c>.</summary>
    public const string SubscriptionPlanChangeRevoked = "subscription.plan_change_revoked";

    /// <summary><c>subscription.past_due</c>.</summary>
    public const string SubscriptionPastDue = "subscription.past_due";

    /// <summary><c>trial.started</c>.</summary>
    public const string TrialStarted = "trial.started";

    /// <summary><c>trial.converted</c>.</summary>
    public const string TrialConverted = "trial.converted";

    /// <summary><c>trial.expired</c>.</summary>
    public const string TrialExpired = "trial.expired";

    /// <summary><c>trial.will_end</c>.</summary>
    public const string TrialWillEnd = "trial.will_end";

    /// <summary><c>trial.checkout_ready</c>.</summary>
    public const string TrialCheckoutReady = "trial.checkout_ready";

    /// <summary><c>checkout.ready</c>.</summary>
    public const string CheckoutReady = "checkout.ready";

    /// <summary><c>payment.received</c>.</summary>
    public const string PaymentReceived = "payment.received";

    /// <summary><c>payment.failed</c>.</summary>
    public const string PaymentFailed = "payment.failed";

    /// <summary><c>payment.recovered</c>.</summary>
    public const string PaymentRecovered = "payment.recovered";

    /// <summary><c>payment.retry_failed</c>.</summary>
    public const string PaymentRetryFailed = "payment.retry_failed";

    /// <summary><c>payment.refunded</c>.</summary>
    public const string PaymentRefunded = "payment.refunded";

    /// <summary><c>payment.disputed</c>.</summary>
    public const string PaymentDisputed = "payment.disputed";

    /// <summary><c>payment.dispute_resolved</c>.</summary>
    public const string PaymentDisputeResolved = "payment.dispute_resolved";

    /// <summary><c>payment_link.created</c>.</summary>
    public const string PaymentLinkCreated = "payment_link.created";

    /// <summary><c>payment_link.completed</c>.</summary>
    public const string PaymentLinkCompleted = "payment_link.completed";

    /// <summary><c>payment_link.failed</c>.</summary>
    public const string PaymentLinkFailed = "payment_link.failed";

    /// <summary><c>payment_link.canceled</c>.</summary>
    public const string PaymentLinkCanceled = "payment_link.canceled";

    /// <summary><c>invoice.created</c>.</summary>
    public const string InvoiceCreated = "invoice.created";

    /// <summary><c>invoice.voided</c>.</summary>
    public const string InvoiceVoided = "invoice.voided";

    /// <summary><c>invoice.overdue</c>.</summary>
    public const string InvoiceOverdue = "invoice.overdue";

    /// <summary><c>invoice.upcoming</c>.</summary>
    public const string InvoiceUpcoming = "invoice.upcoming";

    /// <summary><c>payment_method.attached</c>.</summary>
    public const string PaymentMethodAttached = "payment_method.attached";

    /// <summary><c>payment_method.updated</c>.</summary>
    public const string PaymentMethodUpdated = "payment_method.updated";

    /// <summary><c>customer.created</c>.</summary>
    public const string CustomerCreated = "customer.created";

    /// <summary><c>customer.updated</c>.</summary>
    public const string CustomerUpdated = "customer.updated";

    /// <summary><c>customer.state_changed</c>.</summary>
    public const string CustomerStateChanged = "customer.state_changed";

    /// <summary><c>credits.granted</c>.</summary>
    public const string CreditsGranted = "credits.granted";

    /// <summary><c>credits.purchased</c>.</summary>
    public const string CreditsPurchased = "credits.purchased";

    /// <summary><c>credits.low</c>.</summary>
    public const string CreditsLow = "credits.low";

    /// <summary><c>credits.depleted</c>.</summary>
    public const string CreditsDepleted = "credits.depleted";

    /// <summary><c>credits.expired</c>.</summary>
    public const string CreditsExpired = "credits.expired";

    /// <summary><c>balance.topped_up</c>.</summary>
    public const string BalanceToppedUp = "balance.topped_up";

    /// <summary><c>balance.low</c>.</summary>
    public const string BalanceLow = "balance.low";

    /// <summary><c>balance.depleted</c>.</summary>
    public const string BalanceDepleted = "balance.depleted";

    /// <summary><c>quota.threshold_reached</c>.</summary>
    public const string QuotaThresholdReached = "quota.threshold_reached";

    /// <summary><c>quota.exceeded</c>.</summary>
    public const string QuotaExceeded = "quota.exceeded";

    /// <summary><c>seats.updated</c>.</summary>
    public const string SeatsUpdated = "seats.updated";

    /// <summary><c>seats.limit_reached</c>.</summary>
    public const string SeatsLimitReached = "seats.limit_reached";

    /// <summary><c>addon.activated</c>.</summary>
    public const string AddonActivated = "addon.activated";

    /// <summary><c>addon.deactivated</c>.</summary>
    public const string AddonDeactivated = "addon.deactivated";

    /// <summary><c>usage.recorded</c>.</summary>
    public const string UsageRecorded = "usage.recorded";

    /// <summary><c>payout.available</c>.</summary>
    public const string PayoutAvailable = "payout.available";

    /// <summary><c>payout.created</c>.</summary>
    public const string PayoutCreated = "payout.created";

    /// <summary><c>payout.paid</c>.</summary>
    public const string PayoutPaid = "payout.paid";

    /// <summary><c>payout.failed</c>.</summary>
    public const string PayoutFailed = "payout.failed";
}

/// <summary>Which data type each event of the catalogue carries.</summary>
internal static class WebhookEventTypes
{
    private static readonly CommetJsonContext J = CommetJsonContext.Default;

    private static WebhookEvent Typed<T>(WebhookEnvelope e, JsonElement data, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
        where T : class =>
        CommetWebhooks.Read(data, type) is { } typed ? new WebhookEvent<T>(e, data, typed) : new WebhookEvent(e, data);

    /// <summary>The typed event for a known name; the untyped one otherwise.</summary>
    public static WebhookEvent Create(WebhookEnvelope e, JsonElement data) => e.Event switch
    {
        "addon.activated" => Typed(e, data, J.AddonActivatedData),
        "addon.deactivated" => Typed(e, data, J.AddonDeactivatedData),
        "balance.depleted" => Typed(e, data, J.BalanceDepletedData),
        "balance.topped_up" => Typed(e, data, J.BalanceToppedUpData),
        "checkout.ready" => Typed(e, data, J.CheckoutReadyData),
        "credits.depleted" => Typed(e, data, J.CreditsDepletedData),
        "credits.expired" => Typed(e, data, J.CreditsExpiredData),
        "credits.granted" => Typed(e, data, J.CreditsGrantedData),
        "credits.purchased" => Typed(e, data, J.CreditsPurchasedData),
        "invoice.created" => Typed(e, data, J.InvoiceCreatedData),
        "invoice.overdue" => Typed(e, data, J.InvoiceOverdueData),
        "invoice.upcoming" => Typed(e, data, J.InvoiceUpcomingData),
        "invoice.voided" => Typed(e, data, J.InvoiceVoidedData),
        "payment.failed" => Typed(e, data, J.PaymentFailedData),
        "payment.received" => Typed(e, data, J.PaymentReceivedData),
        "payment.recovered" => Typed(e, data, J.PaymentRecoveredData),
        "payment.refunded" => Typed(e, data, J.PaymentRefundedData),
        "payment.retry_failed" => Typed(e, data, J.PaymentRetryFailedData),
        "payment_link.canceled" => Typed(e, data, J.PaymentLinkCanceledData),
        "payment_link.completed" => Typed(e, data, J.PaymentLinkCompletedData),
        "payment_link.created" => Typed(e, data, J.PaymentLinkCreatedData),
        "payment_link.failed" => Typed(e, data, J.PaymentLinkFailedData),
        "payment_method.attached" => Typed(e, data, J.PaymentMethodAttachedData),
        "payment_method.updated" => Typed(e, data, J.PaymentMethodUpdatedData),
        "seats.updated" => Typed(e, data, J.SeatsUpdatedData),
        "subscription.activated" => Typed(e, data, J.SubscriptionActivatedData),
        "subscription.canceled" => Typed(e, data, J.SubscriptionCanceledData),
        "subscription.cancellation_revoked" => Typed(e, data, J.SubscriptionCancellationRevokedData),
        "subscription.cancellation_scheduled" => Typed(e, data, J.SubscriptionCancellationScheduledData),
        "subscription.created" => Typed(e, data, J.SubscriptionCreatedData),
        "subscription.past_due" => Typed(e, data, J.SubscriptionPastDueData),
        "subscription.plan_change_revoked" => Typed(e, data, J.SubscriptionPlanChangeRevokedData),
        "subscription.plan_change_scheduled" => Typed(e, data, J.SubscriptionPlanChangeScheduledData),
        "subscription.plan_changed" => Typed(e, data, J.SubscriptionPlanChangedData),
        "subscription.reactivated" => Typed(e, data, J.SubscriptionReactivatedData),
        "subscription.updated" => Typed(e, data, J.SubscriptionUpdatedData),
        "trial.converted" => Typed(e, data, J.TrialConvertedData),
        "trial.expired" => Typed(e, data, J.TrialExpiredData),
        "trial.started" => Typed(e, data, J.TrialStartedData),
        "trial.will_end" => Typed(e, data, J.TrialWillEndData),
        "usage.recorded" => Typed(e, data, J.UsageRecordedData),
        "trial.checkout_ready" => Typed(e, data, J.TrialCheckoutReadyData),
        "payment.disputed" => Typed(e, data, J.PaymentDisputedData),
        "payment.dispute_resolved" => Typed(e, data, J.PaymentDisputeResolvedData),
        "customer.created" => Typed(e, data, J.CustomerCreatedData),
        "customer.updated" => Typed(e, data, J.CustomerUpdatedData),
        "customer.state_changed" => Typed(e, data, J.CustomerStateChangedData),
        "credits.low" => Typed(e, data, J.CreditsLowData),
        "balance.low" => Typed(e, data, J.BalanceLowData),
        "quota.threshold_reached" => Typed(e, data, J.QuotaThresholdReachedData),
        "quota.exceeded" => Typed(e, data, J.QuotaExceededData),
        "seats.limit_reached" => Typed(e, data, J.SeatsLimitReachedData),
        _ => new WebhookEvent(e, data),
    };
}
