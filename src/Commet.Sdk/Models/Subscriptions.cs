namespace Commet.Models;

/// <summary>A customer's subscription to a plan.</summary>
public sealed class Subscription : CommetObject
{
    /// <summary>The ID (<c>sub_…</c>).</summary>
    public string Id { get; init; } = "";

    /// <summary>The customer's ID.</summary>
    public string CustomerId { get; init; } = "";

    /// <summary>The plan.</summary>
    public SubscriptionPlan Plan { get; init; } = new();

    /// <summary>The subscription's name (the plan's, unless one was given).</summary>
    public string Name { get; init; } = "";

    /// <summary>A description.</summary>
    public string? Description { get; init; }

    /// <summary>The state. Grant access while it is <see cref="SubscriptionStatus.Active"/>, <see cref="SubscriptionStatus.Trialing"/> or (your choice) <see cref="SubscriptionStatus.PastDue"/>.</summary>
    public SubscriptionStatus Status { get; init; }

    /// <summary>The billing interval.</summary>
    public BillingInterval? BillingInterval { get; init; }

    /// <summary>How usage is paid for.</summary>
    public ConsumptionModel? ConsumptionModel { get; init; }

    /// <summary>When the trial ends.</summary>
    public DateTimeOffset? TrialEndsAt { get; init; }

    /// <summary>The current billing period.</summary>
    public SubscriptionPeriod? CurrentPeriod { get; init; }

    /// <summary>The features, with usage so far.</summary>
    public IReadOnlyList<SubscriptionFeature>? Features { get; init; }

    /// <summary>Credits, on a credits plan.</summary>
    public SubscriptionCredits? Credits { get; init; }

    /// <summary>The balance, on a balance plan.</summary>
    public SubscriptionBalance? Balance { get; init; }

    /// <summary>A cancellation, scheduled or done.</summary>
    public SubscriptionCancellation? Cancellation { get; init; }

    /// <summary>Whether it ends at the end of the period.</summary>
    public bool CancelAtPeriodEnd { get; init; }

    /// <summary>A plan or interval change scheduled for the period end.</summary>
    public ScheduledPlanChange? ScheduledPlanChange { get; init; }

    /// <summary>A discount in force.</summary>
    public SubscriptionDiscount? Discount { get; init; }

    /// <summary>When it started.</summary>
    public DateTimeOffset StartDate { get; init; }

    /// <summary>When it ended.</summary>
    public DateTimeOffset? EndDate { get; init; }

    /// <summary>The day of the month it renews.</summary>
    public int? BillingDayOfMonth { get; init; }

    /// <summary>When it next bills.</summary>
    public DateTimeOffset? NextBillingDate { get; init; }

    /// <summary>Where the customer pays, while the first charge is pending.</summary>
    public string? CheckoutUrl { get; init; }

    /// <summary>The provider of that checkout.</summary>
    public PaymentProvider? CheckoutProvider { get; init; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>The plan of a subscription.</summary>
public sealed class SubscriptionPlan
{
    /// <summary>The plan's ID.</summary>
    public string Id { get; init; } = "";

    /// <summary>The plan's name.</summary>
    public string Name { get; init; } = "";

    /// <summary>The price per period in minor units.</summary>
    public long? BasePrice { get; init; }
}

/// <summary>A billing period.</summary>
public sealed class SubscriptionPeriod
{
    /// <summary>Its start.</summary>
    public DateTimeOffset Start { get; init; }

    /// <summary>Its end.</summary>
    public DateTimeOffset End { get; init; }

    /// <summary>Whole days left.</summary>
    public int DaysRemaining { get; init; }
}

/// <summary>A feature of a subscription.</summary>
public sealed class SubscriptionFeature
{
    /// <summary>The code.</summary>
    public string Code { get; init; } = "";

    /// <summary>The name.</summary>
    public string Name { get; init; } = "";

    /// <summary>The kind.</summary>
    public FeatureType Type { get; init; }

    /// <summary>Whether it is on.</summary>
    public bool? Enabled { get; init; }

    /// <summary>Usage this period.</summary>
    public SubscriptionFeatureUsage? Usage { get; init; }
}

/// <summary>Usage of a feature this period.</summary>
public sealed class SubscriptionFeatureUsage
{
    /// <summary>Used so far.</summary>
    public decimal Current { get; init; }

    /// <summary>Included.</summary>
    public decimal Included { get; init; }

    /// <summary>Used beyond what is included.</summary>
    public decimal OverageQuantity { get; init; }

    /// <summary>The price of one unit beyond, in rate scale.</summary>
    public long? OverageUnitPrice { get; init; }
}

/// <summary>Credits of a subscription.</summary>
public sealed class SubscriptionCredits
{
    /// <summary>Left.</summary>
    public long Remaining { get; init; }

    /// <summary>Included per period.</summary>
    public long Included { get; init; }

    /// <summary>Bought in packs.</summary>
    public long Purchased { get; init; }
}

/// <summary>A prepaid balance, in rate scale (10000 = 1.00).</summary>
public sealed class SubscriptionBalance
{
    /// <summary>Left.</summary>
    public long Remaining { get; init; }

    /// <summary>Included per period.</summary>
    public long Included { get; init; }

    /// <summary>The currency.</summary>
    public string Currency { get; init; } = "";
}

/// <summary>A cancellation.</summary>
public sealed class SubscriptionCancellation
{
    /// <summary>When it was asked for.</summary>
    public DateTimeOffset ScheduledAt { get; init; }

    /// <summary>Why.</summary>
    public string? Reason { get; init; }

    /// <summary>When it takes effect.</summary>
    public DateTimeOffset EffectiveAt { get; init; }
}

/// <summary>A change scheduled for the period end.</summary>
public sealed class ScheduledPlanChange
{
    /// <summary><c>plan_downgrade</c> or <c>interval_change</c>.</summary>
    public string ChangeType { get; init; } = "";

    /// <summary>The plan it moves to.</summary>
    public string? NewPlanId { get; init; }

    /// <summary>That plan's name.</summary>
    public string? NewPlanName { get; init; }

    /// <summary>The interval it moves to.</summary>
    public string? NewBillingInterval { get; init; }

    /// <summary>When.</summary>
    public DateTimeOffset ScheduledFor { get; init; }
}

/// <summary>A discount on a subscription.</summary>
public sealed class SubscriptionDiscount
{
    /// <summary>How it is expressed.</summary>
    public DiscountType Type { get; init; }

    /// <summary>Basis points for a percentage, minor units for an amount.</summary>
    public long Value { get; init; }

    /// <summary>Its name.</summary>
    public string? Name { get; init; }

    /// <summary>When it ends.</summary>
    public DateTimeOffset? EndsAt { get; init; }
}

/// <summary>Filters of a subscription list.</summary>
public sealed class ListSubscriptionsOptions
{
    /// <summary>Only this customer's.</summary>
    public string? CustomerId { get; set; }

    /// <summary>Only in this state.</summary>
    public SubscriptionStatus? Status { get; set; }

    /// <summary>Page size, 1–100 (default 25).</summary>
    public int? PageSize { get; set; }
}

/// <summary>A new subscription. Give <see cref="PlanId"/> or <see cref="PlanCode"/>.</summary>
public sealed class CreateSubscriptionRequest
{
    /// <summary>The customer (Commet's ID or yours).</summary>
    public string CustomerId { get; set; } = "";

    /// <summary>The plan's ID.</summary>
    public string? PlanId { get; set; }

    /// <summary>The plan's code.</summary>
    public string? PlanCode { get; set; }

    /// <summary>The interval (default: the plan's default price).</summary>
    public BillingInterval? BillingInterval { get; set; }

    /// <summary>Seats to start with, by seat feature code.</summary>
    public IDictionary<string, long>? InitialSeats { get; set; }

    /// <summary>Start without the plan's trial.</summary>
    public bool? SkipTrial { get; set; }

    /// <summary>A trial length other than the plan's.</summary>
    public int? CustomTrialDays { get; set; }

    /// <summary>A promo code.</summary>
    public string? PromoCode { get; set; }

    /// <summary>A name for the subscription.</summary>
    public string? Name { get; set; }

    /// <summary>When it starts.</summary>
    public DateTimeOffset? StartDate { get; set; }

    /// <summary>Where the checkout sends the customer after paying.</summary>
    public string? SuccessUrl { get; set; }
}

/// <summary>A cancellation request.</summary>
public sealed class CancelSubscriptionRequest
{
    /// <summary>Why.</summary>
    public string? Reason { get; set; }

    /// <summary>The customer's own words about why.</summary>
    public string? Feedback { get; set; }

    /// <summary>End now instead of at the period end.</summary>
    public bool? Immediate { get; set; }
}

/// <summary>A subscription after a cancellation.</summary>
public sealed class CanceledSubscription : CommetObject
{
    /// <summary>The ID.</summary>
    public string Id { get; init; } = "";

    /// <summary>The customer's ID.</summary>
    public string CustomerId { get; init; } = "";

    /// <summary>The state (<c>canceled</c> when immediate, else unchanged until the period end).</summary>
    public SubscriptionStatus Status { get; init; }

    /// <summary>When it was canceled.</summary>
    public DateTimeOffset CanceledAt { get; init; }

    /// <summary>Why.</summary>
    public string? CancelReason { get; init; }

    /// <summary>When it ends.</summary>
    public DateTimeOffset ScheduledCancellationDate { get; init; }

    /// <summary>When it last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A subscription whose scheduled cancellation was undone.</summary>
public sealed class UncanceledSubscription : CommetObject
{
    /// <summary>The ID.</summary>
    public string Id { get; init; } = "";

    /// <summary>The customer's ID.</summary>
    public string CustomerId { get; init; } = "";

    /// <summary>The state.</summary>
    public SubscriptionStatus Status { get; init; }

    /// <summary>When it last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A reactivated subscription.</summary>
public sealed class ReactivatedSubscription : CommetObject
{
    /// <summary>The ID.</summary>
    public string Id { get; init; } = "";

    /// <summary>Whether an outstanding charge was retried.</summary>
    public bool RetryInitiated { get; init; }
}

/// <summary>A hosted link where the customer pays a past-due subscription.</summary>
public sealed class RecoveryLink : CommetObject
{
    /// <summary>The link.</summary>
    public string Url { get; init; } = "";

    /// <summary>Its signed token.</summary>
    public string Token { get; init; } = "";
}

/// <summary>A hosted page where the customer replaces the default card.</summary>
public sealed class PaymentMethodUpdateCheckout : CommetObject
{
    /// <summary>The page.</summary>
    public string CheckoutUrl { get; init; } = "";
}

/// <summary>A plan or interval change.</summary>
public sealed class ChangePlanRequest
{
    /// <summary>The plan to move to (in the same plan group).</summary>
    public string? NewPlanId { get; set; }

    /// <summary>The interval to move to.</summary>
    public BillingInterval? NewBillingInterval { get; set; }

    /// <summary>Where a checkout sends the customer after paying.</summary>
    public string? SuccessUrl { get; set; }

    /// <summary>A promo code for an upgrade charged now (a Commet for .NET addition).</summary>
    public string? PromoCode { get; set; }
}

/// <summary>What a plan change did: applied now (with its billing), scheduled, or waiting for a checkout.</summary>
public sealed class PlanChange : CommetObject
{
    /// <summary>The subscription's ID.</summary>
    public string? Id { get; init; }

    /// <summary>The customer's ID.</summary>
    public string? CustomerId { get; init; }

    /// <summary>Whether the customer must pay on a checkout first.</summary>
    public bool? RequiresCheckout { get; init; }

    /// <summary>That checkout.</summary>
    public string? CheckoutUrl { get; init; }

    /// <summary>Whether the change waits for the period end.</summary>
    public bool? Scheduled { get; init; }

    /// <summary>When it takes effect.</summary>
    public DateTimeOffset? ScheduledFor { get; init; }

    /// <summary><c>subscription.plan_downgrade</c> or <c>subscription.interval_change</c>.</summary>
    public string? ChangeType { get; init; }

    /// <summary>The new plan.</summary>
    public string? NewPlanId { get; init; }

    /// <summary>Its name.</summary>
    public string? NewPlanName { get; init; }

    /// <summary>The new interval.</summary>
    public string? NewBillingInterval { get; init; }

    /// <summary>The plan left.</summary>
    public PlanChangePlan? PreviousPlan { get; init; }

    /// <summary>The plan now.</summary>
    public PlanChangePlan? CurrentPlan { get; init; }

    /// <summary>The interval now.</summary>
    public string? BillingInterval { get; init; }

    /// <summary>What an immediate change charged.</summary>
    public PlanChangeBilling? Billing { get; init; }

    /// <summary>The invoice of an immediate change.</summary>
    public string? InvoiceId { get; init; }

    /// <summary>Whether a scheduled change was revoked instead.</summary>
    public bool? Revoked { get; init; }
}

/// <summary>A plan in a plan change.</summary>
public sealed class PlanChangePlan
{
    /// <summary>The ID.</summary>
    public string Id { get; init; } = "";

    /// <summary>The name.</summary>
    public string Name { get; init; } = "";

    /// <summary>The price per period in minor units.</summary>
    public long? Price { get; init; }
}

/// <summary>The proration of an immediate change, in minor units.</summary>
public sealed class PlanChangeBilling
{
    /// <summary>Credit for the unused part of the old plan.</summary>
    public long Credit { get; init; }

    /// <summary>Credits applied.</summary>
    public long CreditsApplied { get; init; }

    /// <summary>Charge for the rest of the period on the new plan.</summary>
    public long Charge { get; init; }

    /// <summary>Tax.</summary>
    public long TaxAmount { get; init; }

    /// <summary>Charge minus credit.</summary>
    public long NetAmount { get; init; }

    /// <summary>What was charged.</summary>
    public long TotalCharged { get; init; }

    /// <summary>Credit left over.</summary>
    public long RemainingCreditBalance { get; init; }
}

/// <summary>A change to price without applying it.</summary>
public sealed class PreviewChangeRequest
{
    /// <summary>The plan to move to.</summary>
    public string PlanId { get; set; } = "";

    /// <summary>The interval to move to.</summary>
    public BillingInterval? BillingInterval { get; set; }

    /// <summary>A promo code, to see its discount before the change (nothing is redeemed; a Commet for .NET addition).</summary>
    public string? PromoCode { get; set; }
}

/// <summary>What an immediate change would charge, in minor units.</summary>
public sealed class PreviewChange : CommetObject
{
    /// <summary>The currency.</summary>
    public string Currency { get; init; } = "";

    /// <summary>Credit for the unused part of the current plan.</summary>
    public long CurrentPlanCredit { get; init; }

    /// <summary>Charge for the rest of the period on the new plan.</summary>
    public long NewPlanCharge { get; init; }

    /// <summary>Charge minus credit.</summary>
    public long EstimatedTotal { get; init; }

    /// <summary>When it would take effect.</summary>
    public DateTimeOffset EffectiveDate { get; init; }

    /// <summary>Days left in the period.</summary>
    public int DaysRemaining { get; init; }

    /// <summary>Days in the period.</summary>
    public int TotalDays { get; init; }

    /// <summary>Whether it is an upgrade.</summary>
    public bool IsUpgrade { get; init; }

    /// <summary>What a discount takes off (already out of <see cref="EstimatedTotal"/>; a Commet for .NET addition).</summary>
    public long DiscountAmount { get; init; }
}

/// <summary>An add-on switched on for a subscription.</summary>
public sealed class SubscriptionAddon : CommetObject
{
    /// <summary>The add-on's ID.</summary>
    public string AddonId { get; init; } = "";

    /// <summary><c>active</c>.</summary>
    public string Status { get; init; } = "";

    /// <summary>Charged now for the rest of the period, in minor units.</summary>
    public long ProratedCharge { get; init; }
}

/// <summary>An add-on switched off.</summary>
public sealed class DeletedSubscriptionAddon : CommetObject
{
    /// <summary>The add-on's ID.</summary>
    public string Id { get; init; } = "";

    /// <summary><c>inactive</c>.</summary>
    public string Status { get; init; } = "";

    /// <summary>When it was switched off.</summary>
    public DateTimeOffset? DeactivatedAt { get; init; }
}

/// <summary>A signed change of a subscription's credits or balance.</summary>
public sealed class AdjustBalanceRequest
{
    /// <summary>Positive adds, negative takes away (credits, or rate scale for a balance).</summary>
    public long Amount { get; set; }

    /// <summary>Why.</summary>
    public string? Reason { get; set; }

    /// <summary><c>credits</c> or <c>balance</c> (default: the plan's model).</summary>
    public string? Type { get; set; }
}

/// <summary>An adjustment made.</summary>
public sealed class BalanceAdjustment : CommetObject
{
    /// <summary>The amount.</summary>
    public long Amount { get; init; }

    /// <summary>The new balance or credits.</summary>
    public long NewBalance { get; init; }

    /// <summary>Why.</summary>
    public string? Reason { get; init; }
}

/// <summary>A top-up made.</summary>
public sealed class BalanceTopup : CommetObject
{
    /// <summary>The amount in minor units.</summary>
    public long Amount { get; init; }

    /// <summary>The invoice that charged it.</summary>
    public string? InvoiceId { get; init; }
}

/// <summary>Credits bought.</summary>
public sealed class CreditGrant : CommetObject
{
    /// <summary>The credits added.</summary>
    public long Credits { get; init; }

    /// <summary>The invoice that charged for them.</summary>
    public string? InvoiceId { get; init; }
}
