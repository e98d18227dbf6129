// Mirrors the event records the server emits (src/Commet.Server/Events), field for field; keep the two in step.

using System.Text.Json.Nodes;

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

/// <summary>A trial waits for the customer to add a card on a hosted checkout page (<c>trial.checkout_ready</c>).</summary>
public sealed class TrialCheckoutReadyData
{
    /// <summary>The subscription's ID.</summary>
    public string SubscriptionId { get; init; } = "";

    /// <summary>The customer: your own ID when the customer has one, else Commet's.</summary>
    public string CustomerId { get; init; } = "";

    /// <summary>The plan's name.</summary>
    public string PlanName { get; init; } = "";

    /// <summary>Days of trial.</summary>
    public int TrialDays { get; init; }

    /// <summary>Where the customer adds a card.</summary>
    public string CheckoutUrl { get; init; } = "";
}

/// <summary>The fields <c>payment.disputed</c> and <c>payment.dispute_resolved</c> share. Amount in minor units.</summary>
public abstract class PaymentDisputeEventData
{
    /// <summary>The disputed payment transaction's ID.</summary>
    public string PaymentTransactionId { get; init; } = "";

    /// <summary>The payment provider (<c>stripe</c>).</summary>
    public string Provider { get; init; } = "";

    /// <summary>The payment link that was paid, when the payment was one.</summary>
    public string? PaymentLinkId { get; init; }

    /// <summary>The invoice the payment settled.</summary>
    public string? InvoiceId { get; init; }

    /// <summary>That invoice's number.</summary>
    public string? InvoiceNumber { get; init; }

    /// <summary>The customer: your own ID when the customer has one, else Commet's.</summary>
    public string? CustomerId { get; init; }

    /// <summary>The subscription's ID.</summary>
    public string? SubscriptionId { get; init; }

    /// <summary>The amount disputed, minor units.</summary>
    public long DisputeAmount { get; init; }

    /// <summary>The currency.</summary>
    public string Currency { get; init; } = "";

    /// <summary>The reason the cardholder gave (<c>fraudulent</c>, <c>product_not_received</c>, …).</summary>
    public string? DisputeReason { get; init; }
}

/// <summary>A cardholder opened a dispute against a payment (<c>payment.disputed</c>).</summary>
public sealed class PaymentDisputedData : PaymentDisputeEventData
{
}

/// <summary>A dispute was closed (<c>payment.dispute_resolved</c>).</summary>
public sealed class PaymentDisputeResolvedData : PaymentDisputeEventData
{
    /// <summary><c>won</c> or <c>lost</c>.</summary>
    public string Outcome { get; init; } = "";
}

/// <summary>
/// The customer that <c>customer.created</c> and <c>customer.updated</c> carry. Unlike the other events, <c>Id</c> is
/// Commet's <c>cus_</c> ID and <c>ExternalId</c> yours.
/// </summary>
public abstract class CustomerEventData
{
    /// <summary>Commet's ID of the customer (<c>cus_…</c>).</summary>
    public string Id { get; init; } = "";

    /// <summary>Your own ID of the customer, when it has one.</summary>
    public string? ExternalId { get; init; }

    /// <summary>The customer's name.</summary>
    public string? FullName { get; init; }

    /// <summary>The billing email.</summary>
    public string Email { get; init; } = "";

    /// <summary>The tax document.</summary>
    public string? TaxDocument { get; init; }

    /// <summary>The tax document's kind.</summary>
    public string? DocumentType { get; init; }

    /// <summary>The customer's time zone.</summary>
    public string? Timezone { get; init; }

    /// <summary>Your metadata.</summary>
    public JsonObject? Metadata { get; init; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A customer was created (<c>customer.created</c>).</summary>
public sealed class CustomerCreatedData : CustomerEventData
{
}

/// <summary>A customer's details changed (<c>customer.updated</c>), through the API or the portal.</summary>
public sealed class CustomerUpdatedData : CustomerEventData
{
}

/// <summary>
/// What a customer may use now, sent after every change of entitlements (<c>customer.state_changed</c>): mirror it in
/// your database to gate features without calling Commet.
/// </summary>
public sealed class CustomerStateChangedData
{
    /// <summary>The customer: your own ID when the customer has one, else Commet's.</summary>
    public string CustomerId { get; init; } = "";

    /// <summary>What caused the change: <c>subscription_activated</c>, <c>subscription_canceled</c>, <c>plan_change</c>, <c>seats_updated</c>, <c>quota_exceeded</c>, ….</summary>
    public string Trigger { get; init; } = "";

    /// <summary>The subscription's state, <c>none</c> when the customer has no live subscription.</summary>
    public string Status { get; init; } = "";

    /// <summary>The live subscription's ID.</summary>
    public string? SubscriptionId { get; init; }

    /// <summary>The plan.</summary>
    public WebhookPlanRef? Plan { get; init; }

    /// <summary>The billing interval.</summary>
    public string? BillingInterval { get; init; }

    /// <summary>The plan's consumption model (<c>metered</c>, <c>credits</c>, <c>balance</c>).</summary>
    public string? ConsumptionModel { get; init; }

    /// <summary>Every feature of the plan with its access now.</summary>
    public IReadOnlyList<WebhookFeatureAccess> Features { get; init; } = [];

    /// <summary>The seat features.</summary>
    public IReadOnlyList<WebhookSeatSummary> Seats { get; init; } = [];

    /// <summary>Credits, on a credits plan.</summary>
    public WebhookCreditsBalance? Credits { get; init; }

    /// <summary>The balance, on a balance plan.</summary>
    public WebhookBalance? Balance { get; init; }
}

/// <summary>One feature in <c>customer.state_changed</c>; fields that do not apply to its type are null.</summary>
public sealed class WebhookFeatureAccess
{
    /// <summary>The feature's code.</summary>
    public string Code { get; init; } = "";

    /// <summary>The feature's name.</summary>
    public string Name { get; init; } = "";

    /// <summary><c>boolean</c>, <c>usage</c>, <c>seats</c> or <c>quota</c>.</summary>
    public string Type { get; init; } = "";

    /// <summary>Whether the customer may use it now.</summary>
    public bool Allowed { get; init; }

    /// <summary>Whether a boolean feature is on.</summary>
    public bool? Enabled { get; init; }

    /// <summary>Used (or held) now.</summary>
    public decimal? Current { get; init; }

    /// <summary>Included in the plan.</summary>
    public decimal? Included { get; init; }

    /// <summary>Left of the included amount.</summary>
    public decimal? Remaining { get; init; }

    /// <summary>Beyond the included amount.</summary>
    public decimal? OverageQuantity { get; init; }

    /// <summary>Price of a unit beyond it, rate scale (10000 = 1.00).</summary>
    public long? OverageUnitPrice { get; init; }

    /// <summary>Whether there is no limit.</summary>
    public bool? Unlimited { get; init; }

    /// <summary>Whether use beyond the included amount is billed (rather than refused).</summary>
    public bool? OverageEnabled { get; init; }

    /// <summary>The quantity billed (seats and quotas).</summary>
    public decimal? BilledQuantity { get; init; }
}

/// <summary>A seat feature in <c>customer.state_changed</c>.</summary>
public sealed class WebhookSeatSummary
{
    /// <summary>The feature's code.</summary>
    public string Code { get; init; } = "";

    /// <summary>Seats held.</summary>
    public decimal? Current { get; init; }

    /// <summary>Seats included.</summary>
    public decimal? Included { get; init; }

    /// <summary>Included seats left.</summary>
    public decimal? Remaining { get; init; }

    /// <summary>Whether there is no limit.</summary>
    public bool? Unlimited { get; init; }
}

/// <summary>Credits of a credits plan in <c>customer.state_changed</c>, whole credits.</summary>
public sealed class WebhookCreditsBalance
{
    /// <summary>Plan credits left this period.</summary>
    public long PlanCredits { get; init; }

    /// <summary>Purchased credits left.</summary>
    public long PurchasedCredits { get; init; }

    /// <summary>Both together.</summary>
    public long TotalCredits { get; init; }
}

/// <summary>The balance of a balance plan in <c>customer.state_changed</c>.</summary>
public sealed class WebhookBalance
{
    /// <summary>The balance, rate scale (10000 = 1.00).</summary>
    public long CurrentBalance { get; init; }
}

/// <summary>The credits fell below the low mark (<c>credits.low</c>), a share of the credits granted at the last period reset.</summary>
public sealed class CreditsLowData
{
    /// <summary>The subscription's ID.</summary>
    public string SubscriptionId { get; init; } = "";

    /// <summary>The customer: your own ID when the customer has one, else Commet's.</summary>
    public string CustomerId { get; init; } = "";

    /// <summary>Credits left.</summary>
    public long RemainingCredits { get; init; }

    /// <summary>The low mark, credits.</summary>
    public long ThresholdCredits { get; init; }

    /// <summary>Plan credits granted at the last period reset.</summary>
    public long PeriodCredits { get; init; }
}

/// <summary>The balance fell below the low mark (<c>balance.low</c>), a share of the balance after its last refill. Rate scale.</summary>
public sealed class BalanceLowData
{
    /// <summary>The subscription's ID.</summary>
    public string SubscriptionId { get; init; } = "";

    /// <summary>The customer: your own ID when the customer has one, else Commet's.</summary>
    public string CustomerId { get; init; } = "";

    /// <summary>The balance, rate scale (10000 = 1.00).</summary>
    public long CurrentBalance { get; init; }

    /// <summary>The low mark, rate scale.</summary>
    public long ThresholdBalance { get; init; }

    /// <summary>The currency.</summary>
    public string Currency { get; init; } = "";
}

/// <summary>A quota reached 80 % of its included quantity (<c>quota.threshold_reached</c>); once per feature and period.</summary>
public sealed class QuotaThresholdReachedData
{
    /// <summary>The subscription's ID.</summary>
    public string SubscriptionId { get; init; } = "";

    /// <summary>The customer: your own ID when the customer has one, else Commet's.</summary>
    public string CustomerId { get; init; } = "";

    /// <summary>The quota feature's code.</summary>
    public string FeatureCode { get; init; } = "";

    /// <summary>The quota now, whole units.</summary>
    public long CurrentUsage { get; init; }

    /// <summary>Units included in the plan.</summary>
    public long IncludedAmount { get; init; }

    /// <summary>Start of the current billing period.</summary>
    public DateTimeOffset PeriodStart { get; init; }
}

/// <summary>
/// A quota passed its included quantity (billed from here) or, with overage off, reached it and can grow no more
/// (<c>quota.exceeded</c>); once per feature and period.
/// </summary>
public sealed class QuotaExceededData
{
    /// <summary>The subscription's ID.</summary>
    public string SubscriptionId { get; init; } = "";

    /// <summary>The customer: your own ID when the customer has one, else Commet's.</summary>
    public string CustomerId { get; init; } = "";

    /// <summary>The quota feature's code.</summary>
    public string FeatureCode { get; init; } = "";

    /// <summary>The quota now, whole units.</summary>
    public long CurrentUsage { get; init; }

    /// <summary>Units included in the plan.</summary>
    public long IncludedAmount { get; init; }

    /// <summary>True: units beyond are billed; false: the limit is reached and adding more is refused.</summary>
    public bool OverageEnabled { get; init; }

    /// <summary>Start of the current billing period.</summary>
    public DateTimeOffset PeriodStart { get; init; }
}

/// <summary>A seat change reached the included seats (plan and add-ons) from below (<c>seats.limit_reached</c>).</summary>
public sealed class SeatsLimitReachedData
{
    /// <summary>The customer: your own ID when the customer has one, else Commet's.</summary>
    public string CustomerId { get; init; } = "";

    /// <summary>The subscription's ID.</summary>
    public string SubscriptionId { get; init; } = "";

    /// <summary>The seat feature's code.</summary>
    public string FeatureCode { get; init; } = "";

    /// <summary>Seats held now.</summary>
    public long CurrentSeats { get; init; }

    /// <summary>Seats included.</summary>
    public long IncludedSeats { get; init; }
}
