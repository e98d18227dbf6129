using System.Text.Json.Serialization;
using Commet.Domain;
using Commet.Domain.Billing;

namespace Commet.Server.Events;

// The subscription lifecycle (SubscriptionCreatedData … SubscriptionPastDueData in @commet/node 7.10.0).
// Times are DateTime: Api.Json writes them as ISO 8601 UTC with milliseconds and a Z.

/// <summary>A subscription row was made; its first charge is not confirmed yet (<c>subscription.created</c>).</summary>
public sealed record SubscriptionCreatedData(
    string SubscriptionId, string CustomerId, string PlanId, string PlanName, string Status, DateTime StartDate, string? Name) : IEventData
{
    public static string EventName => EventNames.SubscriptionCreated;
}

/// <summary>The first charge succeeded (<c>subscription.activated</c>). Invoice total in minor units.</summary>
public sealed record SubscriptionActivatedData(
    string SubscriptionId,
    string CustomerId,
    string Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTime? CurrentPeriodStart,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTime? CurrentPeriodEnd,
    string? Name,
    string InvoiceId,
    string InvoiceNumber,
    long InvoiceTotal,
    string InvoiceCurrency,
    string? Provider) : IEventData
{
    public static string EventName => EventNames.SubscriptionActivated;
}

/// <summary>
/// A canceled subscription is live again (<c>subscription.reactivated</c>). On a free plan nothing is charged, so
/// there is no invoice: invoiceId, invoiceNumber and provider are null and invoiceTotal 0 (see docs/decisions.md).
/// </summary>
public sealed record SubscriptionReactivatedData(
    string SubscriptionId,
    string CustomerId,
    string Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTime? CurrentPeriodStart,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTime? CurrentPeriodEnd,
    string? Name,
    string? InvoiceId,
    string? InvoiceNumber,
    long InvoiceTotal,
    string InvoiceCurrency,
    string? Provider) : IEventData
{
    public static string EventName => EventNames.SubscriptionReactivated;
}

/// <summary>The subscription ended; revoke access (<c>subscription.canceled</c>).</summary>
public sealed record SubscriptionCanceledData(
    string SubscriptionId,
    string CustomerId,
    string Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTime? CanceledAt,
    string? CancelReason,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTime? EndDate) : IEventData
{
    public static string EventName => EventNames.SubscriptionCanceled;
}

/// <summary>Subscription details changed (<c>subscription.updated</c>).</summary>
public sealed record SubscriptionUpdatedData(
    string SubscriptionId,
    string CustomerId,
    string Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTime? CanceledAt,
    string? CancelReason,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTime? EndDate) : IEventData
{
    public static string EventName => EventNames.SubscriptionUpdated;
}

/// <summary>The subscription moved to another plan (<c>subscription.plan_changed</c>); amounts in minor units.</summary>
public sealed record SubscriptionPlanChangedData(
    string SubscriptionId,
    string CustomerId,
    WebhookPlanRef PreviousPlan,
    WebhookPlanRef CurrentPlan,
    string? BillingInterval,
    long Credit,
    long Charge,
    long TotalCharged) : IEventData
{
    public static string EventName => EventNames.SubscriptionPlanChanged;

    /// <summary>
    /// The one place a plan change is described: by the API and the portal (prorated now), and by the engine
    /// (a scheduled change at the period end, or a move to a free plan when a trial ends).
    /// </summary>
    public static SubscriptionPlanChangedData From(Subscription s, Plan? previous, Plan target, string? billingInterval,
        long credit, long charge, long totalCharged) =>
        new(s.Id, s.CustomerId, WebhookPlanRef.Of(previous), WebhookPlanRef.Of(target), billingInterval, credit, charge, totalCharged);
}

/// <summary>A cancellation is scheduled for the period end (<c>subscription.cancellation_scheduled</c>).</summary>
public sealed record SubscriptionCancellationScheduledData(
    string SubscriptionId,
    string CustomerId,
    string Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTime? CanceledAt,
    string? CancelReason,
    DateTime EffectiveAt) : IEventData
{
    public static string EventName => EventNames.SubscriptionCancellationScheduled;
}

/// <summary>A scheduled cancellation was undone (<c>subscription.cancellation_revoked</c>).</summary>
public sealed record SubscriptionCancellationRevokedData(
    string SubscriptionId,
    string CustomerId,
    string Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTime? CurrentPeriodEnd) : IEventData
{
    public static string EventName => EventNames.SubscriptionCancellationRevoked;
}

/// <summary>A plan change is scheduled for the period end (<c>subscription.plan_change_scheduled</c>).</summary>
public sealed record SubscriptionPlanChangeScheduledData(
    string SubscriptionId,
    string CustomerId,
    string Status,
    WebhookPlanRef CurrentPlan,
    WebhookPlanRef ScheduledPlan,
    string? BillingInterval,
    string? ScheduledBillingInterval,
    DateTime EffectiveAt) : IEventData
{
    public static string EventName => EventNames.SubscriptionPlanChangeScheduled;
}

/// <summary>A scheduled plan change was dropped or replaced (<c>subscription.plan_change_revoked</c>).</summary>
public sealed record SubscriptionPlanChangeRevokedData(
    string SubscriptionId,
    string CustomerId,
    string Status,
    WebhookPlanRef CurrentPlan,
    WebhookPlanRef RevokedPlan,
    string? BillingInterval,
    string? RevokedBillingInterval) : IEventData
{
    public static string EventName => EventNames.SubscriptionPlanChangeRevoked;
}

/// <summary>A renewal charge failed and the subscription is past due (<c>subscription.past_due</c>).</summary>
public sealed record SubscriptionPastDueData(
    string SubscriptionId, string CustomerId, string Status, string InvoiceId, string InvoiceNumber) : IEventData
{
    public static string EventName => EventNames.SubscriptionPastDue;
}

/// <summary>A subscription's trial began (<c>trial.started</c>).</summary>
public sealed record TrialStartedData(
    string SubscriptionId, string CustomerId, string Status, string PlanId, string PlanName, DateTime TrialEndsAt) : IEventData
{
    public static string EventName => EventNames.TrialStarted;
}

/// <summary>A trial turned into a paid subscription (<c>trial.converted</c>).</summary>
public sealed record TrialConvertedData(
    string SubscriptionId, string CustomerId, string Status, string PlanId, string PlanName) : IEventData
{
    public static string EventName => EventNames.TrialConverted;
}

/// <summary>A trial ran out (<c>trial.expired</c>).</summary>
public sealed record TrialExpiredData(
    string SubscriptionId, string CustomerId, string Status, string PlanId, string PlanName, DateTime TrialEndsAt) : IEventData
{
    public static string EventName => EventNames.TrialExpired;
}

/// <summary>A trial ends in three days (<c>trial.will_end</c>).</summary>
public sealed record TrialWillEndData(
    string SubscriptionId, string CustomerId, string Status, string PlanId, string PlanName, DateTime TrialEndsAt) : IEventData
{
    public static string EventName => EventNames.TrialWillEnd;
}

/// <summary>
/// A trial waits for the customer to add a card on a hosted checkout page (<c>trial.checkout_ready</c>): the
/// subscription was created with a trial and the customer has no payment method.
/// </summary>
public sealed record TrialCheckoutReadyData(string SubscriptionId, string CustomerId, string PlanName, int TrialDays, string CheckoutUrl) : IEventData
{
    public static string EventName => EventNames.TrialCheckoutReady;
}

/// <summary>The checkout for a subscription's first invoice can be shared (<c>checkout.ready</c>). Total in minor units.</summary>
public sealed record CheckoutReadyData(
    string SubscriptionId,
    string CustomerId,
    string InvoiceId,
    string InvoiceNumber,
    long InvoiceTotal,
    string InvoiceCurrency,
    string CheckoutUrl) : IEventData
{
    public static string EventName => EventNames.CheckoutReady;
}

/// <summary>An active subscription renews in three days (<c>invoice.upcoming</c>); no amount, by design.</summary>
public sealed record InvoiceUpcomingData(
    string SubscriptionId,
    string CustomerId,
    string Status,
    string PlanId,
    string PlanName,
    string? BillingInterval,
    DateTime CurrentPeriodEnd) : IEventData
{
    public static string EventName => EventNames.InvoiceUpcoming;
}
