// Mirrors the event records the server emits (src/Commet.Server/Events), field for field; keep the two in step.

namespace Commet.Webhooks;

/// <summary>/// The invoice shape that <c>invoice.created</c> and <c>invoice.voided</c> share (InvoiceCreatedData and
/// InvoiceVoidedData in @commet/node 7.10.0; invoice.overdue has it too). Amounts in minor units.
/// The fields are taken from the invoice here and nowhere else.
///</summary>
public abstract class InvoiceEventData
{
    /// <summary>The invoice's ID.</summary>
    public string InvoiceId { get; init; } = "";

    /// <summary>The invoice's number.</summary>
    public string InvoiceNumber { get; init; } = "";

    /// <summary>The invoice's state.</summary>
    public string InvoiceStatus { get; init; } = "";

    /// <summary>Start of the period billed.</summary>
    public DateTimeOffset PeriodStart { get; init; }

    /// <summary>End of the period billed.</summary>
    public DateTimeOffset PeriodEnd { get; init; }

    /// <summary>When it was issued.</summary>
    public DateTimeOffset IssueDate { get; init; }

    /// <summary>When it is due.</summary>
    public DateTimeOffset DueDate { get; init; }

    /// <summary>The currency.</summary>
    public string Currency { get; init; } = "";

    /// <summary>Before tax, minor units.</summary>
    public long Subtotal { get; init; }

    /// <summary>Total, minor units.</summary>
    public long Total { get; init; }

    /// <summary>The customer: your own ID when the customer has one, else Commet's.</summary>
    public string CustomerId { get; init; } = "";

    /// <summary>The subscription's ID.</summary>
    public string? SubscriptionId { get; init; }
}

/// <summary>A payment settled (<c>payment.received</c>).</summary>
public sealed class PaymentReceivedData
{
    /// <summary>The invoice's ID.</summary>
    public string InvoiceId { get; init; } = "";

    /// <summary>The invoice's number.</summary>
    public string InvoiceNumber { get; init; } = "";

    /// <summary>The invoice total, minor units.</summary>
    public long InvoiceTotal { get; init; }

    /// <summary>The customer: your own ID when the customer has one, else Commet's.</summary>
    public string CustomerId { get; init; } = "";

    /// <summary>The subscription's ID.</summary>
    public string? SubscriptionId { get; init; }

    /// <summary>The transaction's ID.</summary>
    public string? PaymentTransactionId { get; init; }

    /// <summary>The payment provider.</summary>
    public string? Provider { get; init; }

    /// <summary>Gross amount, minor units.</summary>
    public long? GrossAmount { get; init; }

    /// <summary>The currency.</summary>
    public string? Currency { get; init; }

    /// <summary>Net to you, minor units.</summary>
    public long? OrgNetAmount { get; init; }

    /// <summary>The customer's email.</summary>
    public string? CustomerEmail { get; init; }

    /// <summary>When it was paid.</summary>
    public DateTimeOffset? PaidAt { get; init; }
}

/// <summary>A recurring charge failed (<c>payment.failed</c>).</summary>
public sealed class PaymentFailedData
{
    /// <summary>The invoice's ID.</summary>
    public string InvoiceId { get; init; } = "";

    /// <summary>The invoice's number.</summary>
    public string InvoiceNumber { get; init; } = "";

    /// <summary>The customer: your own ID when the customer has one, else Commet's.</summary>
    public string CustomerId { get; init; } = "";

    /// <summary>The subscription's ID.</summary>
    public string? SubscriptionId { get; init; }

    /// <summary>Why it failed (code).</summary>
    public string FailureCode { get; init; } = "";

    /// <summary>Why it failed.</summary>
    public string FailureMessage { get; init; } = "";

    /// <summary>Where the customer can fix the payment.</summary>
    public string? RecoveryUrl { get; init; }
}

/// <summary>An invoice that had failed was paid (<c>payment.recovered</c>).</summary>
public sealed class PaymentRecoveredData
{
    /// <summary>The invoice's ID.</summary>
    public string InvoiceId { get; init; } = "";

    /// <summary>The invoice's number.</summary>
    public string InvoiceNumber { get; init; } = "";

    /// <summary>The invoice total, minor units.</summary>
    public long InvoiceTotal { get; init; }

    /// <summary>The customer: your own ID when the customer has one, else Commet's.</summary>
    public string CustomerId { get; init; } = "";

    /// <summary>The subscription's ID.</summary>
    public string? SubscriptionId { get; init; }
}

/// <summary>/// Dunning gave up (<c>payment.retry_failed</c>). invoiceId and invoiceNumber are null only if the outstanding invoice
/// could not be read, which the dunning state does not allow.
///</summary>
public sealed class PaymentRetryFailedData
{
    /// <summary>The invoice's ID.</summary>
    public string? InvoiceId { get; init; }

    /// <summary>The invoice's number.</summary>
    public string? InvoiceNumber { get; init; }

    /// <summary>The customer: your own ID when the customer has one, else Commet's.</summary>
    public string CustomerId { get; init; } = "";

    /// <summary>The subscription's ID.</summary>
    public string SubscriptionId { get; init; } = "";

    /// <summary>Why.</summary>
    public string Reason { get; init; } = "";
}

/// <summary>A payment was refunded (<c>payment.refunded</c>).</summary>
public sealed class PaymentRefundedData
{
    /// <summary>The transaction's ID.</summary>
    public string PaymentTransactionId { get; init; } = "";

    /// <summary>The payment provider.</summary>
    public string Provider { get; init; } = "";

    /// <summary>The payment link's ID.</summary>
    public string? PaymentLinkId { get; init; }

    /// <summary>The invoice's ID.</summary>
    public string? InvoiceId { get; init; }

    /// <summary>The invoice's number.</summary>
    public string? InvoiceNumber { get; init; }

    /// <summary>The customer: your own ID when the customer has one, else Commet's.</summary>
    public string? CustomerId { get; init; }

    /// <summary>The subscription's ID.</summary>
    public string? SubscriptionId { get; init; }

    /// <summary>Refunded, minor units.</summary>
    public long RefundAmount { get; init; }

    /// <summary>The currency.</summary>
    public string Currency { get; init; } = "";
}

/// <summary>What every <c>payment_link.*</c> event carries. Amounts in minor units.</summary>
public abstract class PaymentLinkEventData
{
    /// <summary>The payment's ID (<c>pay_…</c>).</summary>
    public string PaymentId { get; init; } = "";

    /// <summary>The payment's state after the event (<c>pending</c>, <c>succeeded</c>, <c>failed</c>, <c>canceled</c>).</summary>
    public string Status { get; init; } = "";

    /// <summary>The amount, minor units.</summary>
    public long Amount { get; init; }

    /// <summary>The currency.</summary>
    public string Currency { get; init; } = "";

    /// <summary>What the payment is for.</summary>
    public string Description { get; init; } = "";

    /// <summary>The customer: your own ID when the customer has one, else Commet's.</summary>
    public string? CustomerId { get; init; }
}

/// <summary>A payment link was created and waits to be paid (<c>payment_link.created</c>).</summary>
public sealed class PaymentLinkCreatedData : PaymentLinkEventData
{
}

/// <summary>A payment link was paid; its <c>one_time_payment</c> invoice is issued (<c>payment_link.completed</c>).</summary>
public sealed class PaymentLinkCompletedData : PaymentLinkEventData
{
    /// <summary>The invoice's ID.</summary>
    public string InvoiceId { get; init; } = "";

    /// <summary>The invoice's number.</summary>
    public string InvoiceNumber { get; init; } = "";

    /// <summary>The transaction that paid it.</summary>
    public string? PaymentTransactionId { get; init; }
}

/// <summary>An attempt to pay a payment link was declined; the link stays open (<c>payment_link.failed</c>).</summary>
public sealed class PaymentLinkFailedData : PaymentLinkEventData
{
    /// <summary>The decline code, such as <c>card_declined</c>.</summary>
    public string FailureCode { get; init; } = "";

    /// <summary>The decline as text.</summary>
    public string FailureMessage { get; init; } = "";
}

/// <summary>A payment link was canceled before it was paid (<c>payment_link.canceled</c>).</summary>
public sealed class PaymentLinkCanceledData : PaymentLinkEventData
{
}

/// <summary>A payment method was saved for a subscription (<c>payment_method.attached</c>).</summary>
public sealed class PaymentMethodAttachedData
{
    /// <summary>The subscription's ID.</summary>
    public string SubscriptionId { get; init; } = "";

    /// <summary>The customer: your own ID when the customer has one, else Commet's.</summary>
    public string CustomerId { get; init; } = "";

    /// <summary>The card (brand, last four digits, expiry).</summary>
    public WebhookCardInfo? Card { get; init; }
}

/// <summary>The customer's default payment method was replaced (<c>payment_method.updated</c>).</summary>
public sealed class PaymentMethodUpdatedData
{
    /// <summary>The customer: your own ID when the customer has one, else Commet's.</summary>
    public string CustomerId { get; init; } = "";

    /// <summary>The card (brand, last four digits, expiry).</summary>
    public WebhookCardInfo? Card { get; init; }
}

/// <summary>A subscription row was made; its first charge is not confirmed yet (<c>subscription.created</c>).</summary>
public sealed class SubscriptionCreatedData
{
    /// <summary>The subscription's ID.</summary>
    public string SubscriptionId { get; init; } = "";

    /// <summary>The customer: your own ID when the customer has one, else Commet's.</summary>
    public string CustomerId { get; init; } = "";

    /// <summary>The plan's ID.</summary>
    public string PlanId { get; init; } = "";

    /// <summary>The plan's name.</summary>
    public string PlanName { get; init; } = "";

    /// <summary>The state (<c>active</c>, <c>trialing</c>, …).</summary>
    public string Status { get; init; } = "";

    /// <summary>When it starts.</summary>
    public DateTimeOffset StartDate { get; init; }

    /// <summary>The subscription's own name.</summary>
    public string? Name { get; init; }
}

/// <summary>The first charge succeeded (<c>subscription.activated</c>). Invoice total in minor units.</summary>
public sealed class SubscriptionActivatedData
{
    /// <summary>The subscription's ID.</summary>
    public string SubscriptionId { get; init; } = "";

    /// <summary>The customer: your own ID when the customer has one, else Commet's.</summary>
    public string CustomerId { get; init; } = "";

    /// <summary>The state (<c>active</c>, <c>trialing</c>, …).</summary>
    public string Status { get; init; } = "";

    /// <summary>Start of the current period.</summary>
    public DateTimeOffset? CurrentPeriodStart { get; init; }

    /// <summary>End of the current period.</summary>
    public DateTimeOffset? CurrentPeriodEnd { get; init; }

    /// <summary>The subscription's own name.</summary>
    public string? Name { get; init; }

    /// <summary>The invoice's ID.</summary>
    public string InvoiceId { get; init; } = "";

    /// <summary>The invoice's number.</summary>
    public string InvoiceNumber { get; init; } = "";

    /// <summary>The invoice total, minor units.</summary>
    public long InvoiceTotal { get; init; }

    /// <summary>The invoice's currency.</summary>
    public string InvoiceCurrency { get; init; } = "";

    /// <summary>The payment provider.</summary>
    public string? Provider { get; init; }
}

/// <summary>/// A canceled subscription is live again (<c>subscription.reactivated</c>). On a free plan nothing is charged, so
/// there is no invoice: invoiceId, invoiceNumber and provider are null and invoiceTotal 0 (see docs/decisions.md).
///</summary>
public sealed class SubscriptionReactivatedData
{
    /// <summary>The subscription's ID.</summary>
    public string SubscriptionId { get; init; } = "";

    /// <summary>The customer: your own ID when the customer has one, else Commet's.</summary>
    public string CustomerId { get; init; } = "";

    /// <summary>The state (<c>active</c>, <c>trialing</c>, …).</summary>
    public string Status { get; init; } = "";

    /// <summary>Start of the current period.</summary>
    public DateTimeOffset? CurrentPeriodStart { get; init; }

    /// <summary>End of the current period.</summary>
    public DateTimeOffset? CurrentPeriodEnd { get; init; }

    /// <summary>The subscription's own name.</summary>
    public string? Name { get; init; }

    /// <summary>The invoice's ID.</summary>
    public string? InvoiceId { get; init; }

    /// <summary>The invoice's number.</summary>
    public string? InvoiceNumber { get; init; }

    /// <summary>The invoice total, minor units.</summary>
    public long InvoiceTotal { get; init; }

    /// <summary>The invoice's currency.</summary>
    public string InvoiceCurrency { get; init; } = "";

    /// <summary>The payment provider.</summary>
    public string? Provider { get; init; }
}

/// <summary>The subscription ended; revoke access (<c>subscription.canceled</c>).</summary>
public sealed class SubscriptionCanceledData
{
    /// <summary>The subscription's ID.</summary>
    public string SubscriptionId { get; init; } = "";

    /// <summary>The customer: your own ID when the customer has one, else Commet's.</summary>
    public string CustomerId { get; init; } = "";

    /// <summary>The state (<c>active</c>, <c>trialing</c>, …).</summary>
    public string Status { get; init; } = "";

    /// <summary>When it was canceled.</summary>
    public DateTimeOffset? CanceledAt { get; init; }

    /// <summary>Why.</summary>
    public string? CancelReason { get; init; }

    /// <summary>When it ended.</summary>
    public DateTimeOffset? EndDate { get; init; }
}

/// <summary>Subscription details changed (<c>subscription.updated</c>).</summary>
public sealed class SubscriptionUpdatedData
{
    /// <summary>The subscription's ID.</summary>
    public string SubscriptionId { get; init; } = "";

    /// <summary>The customer: your own ID when the customer has one, else Commet's.</summary>
    public string CustomerId { get; init; } = "";

    /// <summary>The state (<c>active</c>, <c>trialing</c>, …).</summary>
    public string Status { get; init; } = "";

    /// <summary>When it was canceled.</summary>
    public DateTimeOffset? CanceledAt { get; init; }

    /// <summary>Why.</summary>
    public string? CancelReason { get; init; }

    /// <summary>When it ended.</summary>
    public DateTimeOffset? EndDate { get; init; }
}

/// <summary>The subscription moved to another plan (<c>subscription.plan_changed</c>); amounts in minor units.</summary>
public sealed class SubscriptionPlanChangedData
{
    /// <summary>The subscription's ID.</summary>
    public string SubscriptionId { get; init; } = "";

    /// <summary>The customer: your own ID when the customer has one, else Commet's.</summary>
    public string CustomerId { get; init; } = "";

    /// <summary>The plan left.</summary>
    public WebhookPlanRef PreviousPlan { get; init; } = new("", "");

    /// <summary>The plan now.</summary>
    public WebhookPlanRef CurrentPlan { get; init; } = new("", "");

    /// <summary>The billing interval.</summary>
    public string? BillingInterval { get; init; }

    /// <summary>Credit for the unused part, minor units.</summary>
    public long Credit { get; init; }

    /// <summary>Charge for the new plan, minor units.</summary>
    public long Charge { get; init; }

    /// <summary>What was charged, minor units.</summary>
    public long TotalCharged { get; init; }
}

/// <summary>A cancellation is scheduled for the period end (<c>subscription.cancellation_scheduled</c>).</summary>
public sealed class SubscriptionCancellationScheduledData
{
    /// <summary>The subscription's ID.</summary>
    public string SubscriptionId { get; init; } = "";

    /// <summary>The customer: your own ID when the customer has one, else Commet's.</summary>
    public string CustomerId { get; init; } = "";

    /// <summary>The state (<c>active</c>, <c>trialing</c>, …).</summary>
    public string Status { get; init; } = "";

    /// <summary>When it was canceled.</summary>
    public DateTimeOffset? CanceledAt { get; init; }

    /// <summary>Why.</summary>
    public string? CancelReason { get; init; }

    /// <summary>When it takes effect.</summary>
    public DateTimeOffset EffectiveAt { get; init; }
}

/// <summary>A scheduled cancellation was undone (<c>subscription.cancellation_revoked</c>).</summary>
public sealed class SubscriptionCancellationRevokedData
{
    /// <summary>The subscription's ID.</summary>
    public string SubscriptionId { get; init; } = "";

    /// <summary>The customer: your own ID when the customer has one, else Commet's.</summary>
    public string CustomerId { get; init; } = "";

    /// <summary>The state (<c>active</c>, <c>trialing</c>, …).</summary>
    public string Status { get; init; } = "";

    /// <summary>End of the current period.</summary>
    public DateTimeOffset? CurrentPeriodEnd { get; init; }
}

/// <summary>A plan change is scheduled for the period end (<c>subscription.plan_change_scheduled</c>).</summary>
public sealed class SubscriptionPlanChangeScheduledData
{
    /// <summary>The subscription's ID.</summary>
    public string SubscriptionId { get; init; } = "";

    /// <summary>The customer: your own ID when the customer has one, else Commet's.</summary>
    public string CustomerId { get; init; } = "";

    /// <summary>The state (<c>active</c>, <c>trialing</c>, …).</summary>
    public string Status { get; init; } = "";

    /// <summary>The plan now.</summary>
    public WebhookPlanRef CurrentPlan { get; init; } = new("", "");

    /// <summary>The plan it will move to.</summary>
    public WebhookPlanRef ScheduledPlan { get; init; } = new("", "");

    /// <summary>The billing interval.</summary>
    public string? BillingInterval { get; init; }

    /// <summary>The interval it will move to.</summary>
    public string? ScheduledBillingInterval { get; init; }

    /// <summary>When it takes effect.</summary>
    public DateTimeOffset EffectiveAt { get; init; }
}

/// <summary>A scheduled plan change was dropped or replaced (<c>subscription.plan_change_revoked</c>).</summary>
public sealed class SubscriptionPlanChangeRevokedData
{
    /// <summary>The subscription's ID.</summary>
    public string SubscriptionId { get; init; } = "";

    /// <summary>The customer: your own ID when the customer has one, else Commet's.</summary>
    public string CustomerId { get; init; } = "";

    /// <summary>The state (<c>active</c>, <c>trialing</c>, …).</summary>
    public string Status { get; init; } = "";

    /// <summary>The plan now.</summary>
    public WebhookPlanRef CurrentPlan { get; init; } = new("", "");

    /// <summary>The plan it would have moved to.</summary>
    public WebhookPlanRef RevokedPlan { get; init; } = new("", "");

    /// <summary>The billing interval.</summary>
    public string? BillingInterval { get; init; }

    /// <summary>The interval it would have moved to.</summary>
    public string? RevokedBillingInterval { get; init; }
}

/// <summary>A renewal charge failed and the subscription is past due (<c>subscription.past_due</c>).</summary>
public sealed class SubscriptionPastDueData
{
    /// <summary>The subscription's ID.</summary>
    public string SubscriptionId { get; init; } = "";

    /// <summary>The customer: your own ID when the customer has one, else Commet's.</summary>
    public string CustomerId { get; init; } = "";

    /// <summary>The state (<c>active</c>, <c>trialing</c>, …).</summary>
    public string Status { get; init; } = "";

    /// <summary>The invoice's ID.</summary>
    public string InvoiceId { get; init; } = "";

    /// <summary>The invoice's number.</summary>
    public string InvoiceNumber { get; init; } = "";
}

/// <summary>A subscription's trial began (<c>trial.started</c>).</summary>
public sealed class TrialStartedData
{
    /// <summary>The subscription's ID.</summary>
    public string SubscriptionId { get; init; } = "";

    /// <summary>The customer: your own ID when the customer has one, else Commet's.</summary>
    public string CustomerId { get; init; } = "";

    /// <summary>The state (<c>active</c>, <c>trialing</c>, …).</summary>
    public string Status { get; init; } = "";

    /// <summary>The plan's ID.</summary>
    public string PlanId { get; init; } = "";

    /// <summary>The plan's name.</summary>
    public string PlanName { get; init; } = "";

    /// <summary>When the trial ends.</summary>
    public DateTimeOffset TrialEndsAt { get; init; }
}

/// <summary>A trial turned into a paid subscription (<c>trial.converted</c>).</summary>
public sealed class TrialConvertedData
{
    /// <summary>The subscription's ID.</summary>
    public string SubscriptionId { get; init; } = "";

    /// <summary>The customer: your own ID when the customer has one, else Commet's.</summary>
    public string CustomerId { get; init; } = "";

    /// <summary>The state (<c>active</c>, <c>trialing</c>, …).</summary>
    public string Status { get; init; } = "";

    /// <summary>The plan's ID.</summary>
    public string PlanId { get; init; } = "";

    /// <summary>The plan's name.</summary>
    public string PlanName { get; init; } = "";
}

/// <summary>A trial ran out (<c>trial.expired</c>).</summary>
public sealed class TrialExpiredData
{
    /// <summary>The subscription's ID.</summary>
    public string SubscriptionId { get; init; } = "";

    /// <summary>The customer: your own ID when the customer has one, else Commet's.</summary>
    public string CustomerId { get; init; } = "";

    /// <summary>The state (<c>active</c>, <c>trialing</c>, …).</summary>
    public string Status { get; init; } = "";

    /// <summary>The plan's ID.</summary>
    public string PlanId { get; init; } = "";

    /// <summary>The plan's name.</summary>
    public string PlanName { get; init; } = "";

    /// <summary>When the trial ends.</summary>
    public DateTimeOffset TrialEndsAt { get; init; }
}

/// <summary>A trial ends in three days (<c>trial.will_end</c>).</summary>
public sealed class TrialWillEndData
{
    /// <summary>The subscription's ID.</summary>
    public string SubscriptionId { get; init; } = "";

    /// <summary>The customer: your own ID when the customer has one, else Commet's.</summary>
    public string CustomerId { get; init; } = "";

    /// <summary>The state (<c>active</c>, <c>trialing</c>, …).</summary>
    public string Status { get; init; } = "";

    /// <summary>The plan's ID.</summary>
    public string PlanId { get; init; } = "";

    /// <summary>The plan's name.</summary>
    public string PlanName { get; init; } = "";

    /// <summary>When the trial ends.</summary>
    public DateTimeOffset TrialEndsAt { get; init; }
}

/// <summary>The checkout for a subscription's first invoice can be shared (<c>checkout.ready</c>). Total in minor units.</summary>
public sealed class CheckoutReadyData
{
    /// <summary>The subscription's ID.</summary>
    public string SubscriptionId { get; init; } = "";

    /// <summary>The customer: your own ID when the customer has one, else Commet's.</summary>
    public string CustomerId { get; init; } = "";

    /// <summary>The invoice's ID.</summary>
    public string InvoiceId { get; init; } = "";

    /// <summary>The invoice's number.</summary>
    public string InvoiceNumber { get; init; } = "";

    /// <summary>The invoice total, minor units.</summary>
    public long InvoiceTotal { get; init; }

    /// <summary>The invoice's currency.</summary>
    public string InvoiceCurrency { get; init; } = "";

    /// <summary>Where the customer pays.</summary>
    public string CheckoutUrl { get; init; } = "";
}

/// <summary>An active subscription renews in three days (<c>invoice.upcoming</c>); no amount, by design.</summary>
public sealed class InvoiceUpcomingData
{
    /// <summary>The subscription's ID.</summary>
    public string SubscriptionId { get; init; } = "";

    /// <summary>The customer: your own ID when the customer has one, else Commet's.</summary>
    public string CustomerId { get; init; } = "";

    /// <summary>The state (<c>active</c>, <c>trialing</c>, …).</summary>
    public string Status { get; init; } = "";

    /// <summary>The plan's ID.</summary>
    public string PlanId { get; init; } = "";

    /// <summary>The plan's name.</summary>
    public string PlanName { get; init; } = "";

    /// <summary>The billing interval.</summary>
    public string? BillingInterval { get; init; }

    /// <summary>End of the current period.</summary>
    public DateTimeOffset CurrentPeriodEnd { get; init; }
}

/// <summary>Plan credits were granted (<c>credits.granted</c>).</summary>
public sealed class CreditsGrantedData
{
    /// <summary>The subscription's ID.</summary>
    public string SubscriptionId { get; init; } = "";

    /// <summary>The customer: your own ID when the customer has one, else Commet's.</summary>
    public string CustomerId { get; init; } = "";

    /// <summary>Credits.</summary>
    public long Credits { get; init; }

    /// <summary>Why.</summary>
    public string Reason { get; init; } = "";
}

/// <summary>A credit pack was bought (<c>credits.purchased</c>).</summary>
public sealed class CreditsPurchasedData
{
    /// <summary>The subscription's ID.</summary>
    public string SubscriptionId { get; init; } = "";

    /// <summary>The customer: your own ID when the customer has one, else Commet's.</summary>
    public string CustomerId { get; init; } = "";

    /// <summary>The invoice's ID.</summary>
    public string InvoiceId { get; init; } = "";

    /// <summary>The invoice's number.</summary>
    public string InvoiceNumber { get; init; } = "";

    /// <summary>The credit pack's name.</summary>
    public string CreditPackName { get; init; } = "";

    /// <summary>Credits.</summary>
    public long Credits { get; init; }
}

/// <summary>The credits ran out (<c>credits.depleted</c>).</summary>
public sealed class CreditsDepletedData
{
    /// <summary>The subscription's ID.</summary>
    public string SubscriptionId { get; init; } = "";

    /// <summary>The customer: your own ID when the customer has one, else Commet's.</summary>
    public string CustomerId { get; init; } = "";

    /// <summary>Credits left.</summary>
    public long RemainingCredits { get; init; }
}

/// <summary>Unused plan credits were discarded at the period reset (<c>credits.expired</c>).</summary>
public sealed class CreditsExpiredData
{
    /// <summary>The subscription's ID.</summary>
    public string SubscriptionId { get; init; } = "";

    /// <summary>The customer: your own ID when the customer has one, else Commet's.</summary>
    public string CustomerId { get; init; } = "";

    /// <summary>Credits discarded.</summary>
    public long ExpiredCredits { get; init; }
}

/// <summary>A prepaid balance was topped up (<c>balance.topped_up</c>); <c>Amount</c> in rate scale.</summary>
public sealed class BalanceToppedUpData
{
    /// <summary>The subscription's ID.</summary>
    public string SubscriptionId { get; init; } = "";

    /// <summary>The customer: your own ID when the customer has one, else Commet's.</summary>
    public string CustomerId { get; init; } = "";

    /// <summary>The invoice's ID.</summary>
    public string InvoiceId { get; init; } = "";

    /// <summary>The invoice's number.</summary>
    public string InvoiceNumber { get; init; } = "";

    /// <summary>The amount, rate scale (10000 = 1.00).</summary>
    public long Amount { get; init; }

    /// <summary>The currency.</summary>
    public string Currency { get; init; } = "";
}

/// <summary>The balance reached zero or below (<c>balance.depleted</c>); <c>CurrentBalance</c> in rate scale.</summary>
public sealed class BalanceDepletedData
{
    /// <summary>The subscription's ID.</summary>
    public string SubscriptionId { get; init; } = "";

    /// <summary>The customer: your own ID when the customer has one, else Commet's.</summary>
    public string CustomerId { get; init; } = "";

    /// <summary>The balance, rate scale (10000 = 1.00).</summary>
    public long CurrentBalance { get; init; }

    /// <summary>The currency.</summary>
    public string Currency { get; init; } = "";
}

/// <summary>A seat count changed (<c>seats.updated</c>).</summary>
public sealed class SeatsUpdatedData
{
    /// <summary>The customer: your own ID when the customer has one, else Commet's.</summary>
    public string CustomerId { get; init; } = "";

    /// <summary>The subscription's ID.</summary>
    public string? SubscriptionId { get; init; }

    /// <summary>The feature's code.</summary>
    public string FeatureCode { get; init; } = "";

    /// <summary>Seats before.</summary>
    public long PreviousSeats { get; init; }

    /// <summary>Seats now.</summary>
    public long CurrentSeats { get; init; }
}

/// <summary>An add-on was activated (<c>addon.activated</c>); <c>ProratedPrice</c> in rate scale, 0 when nothing was charged.</summary>
public sealed class AddonActivatedData
{
    /// <summary>The subscription's ID.</summary>
    public string SubscriptionId { get; init; } = "";

    /// <summary>The customer: your own ID when the customer has one, else Commet's.</summary>
    public string CustomerId { get; init; } = "";

    /// <summary>The add-on.</summary>
    public WebhookAddonRef Addon { get; init; } = new("", "");

    /// <summary>The feature's code.</summary>
    public string FeatureCode { get; init; } = "";

    /// <summary>Charged now, rate scale (10000 = 1.00).</summary>
    public long ProratedPrice { get; init; }

    /// <summary>The currency.</summary>
    public string Currency { get; init; } = "";
}

/// <summary>An add-on was deactivated (<c>addon.deactivated</c>).</summary>
public sealed class AddonDeactivatedData
{
    /// <summary>The subscription's ID.</summary>
    public string SubscriptionId { get; init; } = "";

    /// <summary>The customer: your own ID when the customer has one, else Commet's.</summary>
    public string CustomerId { get; init; } = "";

    /// <summary>The add-on.</summary>
    public WebhookAddonRef Addon { get; init; } = new("", "");

    /// <summary>The feature's code.</summary>
    public string FeatureCode { get; init; } = "";
}

/// <summary>A usage event was processed (<c>usage.recorded</c>).</summary>
public sealed class UsageRecordedData
{
    /// <summary>The subscription's ID.</summary>
    public string SubscriptionId { get; init; } = "";

    /// <summary>The customer: your own ID when the customer has one, else Commet's.</summary>
    public string CustomerId { get; init; } = "";

    /// <summary>The usage event's ID.</summary>
    public string UsageEventId { get; init; } = "";

    /// <summary>The feature's code.</summary>
    public string FeatureCode { get; init; } = "";

    /// <summary>The quantity.</summary>
    public decimal Value { get; init; }

    /// <summary>When the usage happened.</summary>
    public DateTimeOffset Ts { get; init; }
}

/// <summary>A new invoice (<c>invoice.created</c>).</summary>
public sealed class InvoiceCreatedData : InvoiceEventData
{
}

/// <summary>An invoice was voided (<c>invoice.voided</c>).</summary>
public sealed class InvoiceVoidedData : InvoiceEventData
{
}

/// <summary>An invoice is past its due date (<c>invoice.overdue</c>).</summary>
public sealed class InvoiceOverdueData : InvoiceEventData
{
}

/// <summary>A plan as events name it.</summary>
/// <param name="Id">The plan's ID.</param>
/// <param name="Name">The plan's name.</param>
public sealed record WebhookPlanRef(string Id, string Name);

/// <summary>An add-on as events name it.</summary>
/// <param name="Id">The add-on's ID.</param>
/// <param name="Name">The add-on's name.</param>
public sealed record WebhookAddonRef(string Id, string Name);

/// <summary>Card display data; full numbers never leave the payment provider.</summary>
/// <param name="Brand">The brand.</param>
/// <param name="Last4">The last four digits.</param>
/// <param name="ExpMonth">Expiry month.</param>
/// <param name="ExpYear">Expiry year.</param>
public sealed record WebhookCardInfo(string Brand, string Last4, int ExpMonth, int ExpYear);
