using System.Text.Json;
using Commet.Internal;
using Commet.Models;

namespace Commet.Resources;

/// <summary>Subscriptions and every verb on them: <c>/subscriptions</c>.</summary>
public class SubscriptionsClient
{
    private static readonly CommetJsonContext J = CommetJsonContext.Default;
    private readonly Pipeline pipeline;

    /// <summary>For mocking.</summary>
    protected SubscriptionsClient() => pipeline = null!;

    internal SubscriptionsClient(Pipeline pipeline) => this.pipeline = pipeline;

    private static string Sub(string id) => "/subscriptions/" + Pipeline.Segment(id);

    /// <summary>Every subscription, newest first.</summary>
    /// <param name="options">Filters.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    public virtual IAsyncEnumerable<Subscription> ListAsync(ListSubscriptionsOptions? options = null, CancellationToken cancellationToken = default) =>
        pipeline.ListAsync("/subscriptions", new Query()
            .Add("customerId", options?.CustomerId)
            .Add("status", options?.Status is { } s ? JsonSerializer.Serialize(s, J.SubscriptionStatus).Trim('"') : null)
            .Add("limit", options?.PageSize), J.Subscription, cancellationToken);

    /// <summary>
    /// Creates a subscription: a free plan is active at once; a paid one is charged to the saved card, or waits in
    /// <see cref="SubscriptionStatus.PendingPayment"/> with a <see cref="Subscription.CheckoutUrl"/>; a plan with a trial starts trialing.
    /// </summary>
    /// <param name="request">The subscription.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<Subscription> CreateAsync(CreateSubscriptionRequest request, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Post, "/subscriptions", null, Body.Of(request, J.CreateSubscriptionRequest), J.Subscription, cancellationToken);

    /// <summary>Gets a subscription in any state.</summary>
    /// <param name="id">The subscription's ID.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<Subscription> GetAsync(string id, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Get, Sub(id), null, null, J.Subscription, cancellationToken);

    /// <summary>The customer's live subscription, or null when there is none.</summary>
    /// <param name="customerId">The customer.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual async Task<Subscription?> GetActiveAsync(string customerId, CancellationToken cancellationToken = default) =>
        await pipeline.SendAsync(HttpMethod.Get, "/subscriptions/active", new Query().Add("customerId", customerId), null, J.Subscription, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// The invoice the next renewal (or the trial's end) will make, with usage so far. A 404 <c>no_upcoming_invoice</c>
    /// when that moment bills nothing (cancellation scheduled, free plan, past due).
    /// </summary>
    /// <param name="id">The subscription's ID.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<UpcomingInvoice> GetUpcomingInvoiceAsync(string id, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Get, Sub(id) + "/upcoming-invoice", null, null, J.UpcomingInvoice, cancellationToken);

    /// <summary>Cancels at the period end, or now with <see cref="CancelSubscriptionRequest.Immediate"/>.</summary>
    /// <param name="id">The subscription's ID.</param>
    /// <param name="request">Reason and timing; null cancels at the period end.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<CanceledSubscription> CancelAsync(string id, CancelSubscriptionRequest? request = null, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Post, Sub(id) + "/cancel", null, Body.Of(request ?? new CancelSubscriptionRequest(), J.CancelSubscriptionRequest),
            J.CanceledSubscription, cancellationToken);

    /// <summary>Undoes a scheduled cancellation.</summary>
    /// <param name="id">The subscription's ID.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<UncanceledSubscription> UncancelAsync(string id, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Post, Sub(id) + "/uncancel", null, Body.Empty, J.UncanceledSubscription, cancellationToken);

    /// <summary>Past due: retries the outstanding charge. Canceled: a fresh invoice, charged, and a new period.</summary>
    /// <param name="id">The subscription's ID.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<ReactivatedSubscription> ReactivateAsync(string id, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Post, Sub(id) + "/reactivate", null, Body.Empty, J.ReactivatedSubscription, cancellationToken);

    /// <summary>A signed hosted link where the customer pays a past-due subscription's outstanding invoice.</summary>
    /// <param name="id">The subscription's ID.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<RecoveryLink> CreateRecoveryLinkAsync(string id, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Post, Sub(id) + "/recovery-link", null, Body.Empty, J.RecoveryLink, cancellationToken);

    /// <summary>A hosted page where the customer replaces the default card.</summary>
    /// <param name="id">The subscription's ID.</param>
    /// <param name="successUrl">Where the page sends the customer afterwards.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<PaymentMethodUpdateCheckout> UpdatePaymentMethodAsync(string id, string? successUrl = null, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Post, Sub(id) + "/payment-method/update", null, Body.Of(new SuccessUrlBody { SuccessUrl = successUrl }, J.SuccessUrlBody),
            J.PaymentMethodUpdateCheckout, cancellationToken);

    /// <summary>Upgrades now (prorated), or schedules a downgrade or shorter interval for the period end.</summary>
    /// <param name="id">The subscription's ID.</param>
    /// <param name="request">The change.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<PlanChange> ChangePlanAsync(string id, ChangePlanRequest request, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Post, Sub(id) + "/change-plan", null, Body.Of(request, J.ChangePlanRequest), J.PlanChange, cancellationToken);

    /// <summary>What an immediate change would charge, without making it.</summary>
    /// <param name="id">The subscription's ID.</param>
    /// <param name="request">The change.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<PreviewChange> PreviewChangeAsync(string id, PreviewChangeRequest request, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Post, Sub(id) + "/preview-change", null, Body.Of(request, J.PreviewChangeRequest), J.PreviewChange, cancellationToken);

    /// <summary>Revokes a scheduled downgrade or interval change.</summary>
    /// <param name="id">The subscription's ID.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<Subscription> CancelScheduledChangeAsync(string id, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Delete, Sub(id) + "/scheduled-change", null, null, J.Subscription, cancellationToken);

    /// <summary>Switches an add-on on, charging the rest of the period now.</summary>
    /// <param name="id">The subscription's ID.</param>
    /// <param name="addonId">The add-on's ID or slug.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<SubscriptionAddon> ActivateAddonAsync(string id, string addonId, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Post, Sub(id) + "/addons", null, Body.Of(new AddonIdBody { AddonId = addonId }, J.AddonIdBody), J.SubscriptionAddon, cancellationToken);

    /// <summary>Switches an add-on off (no refund).</summary>
    /// <param name="id">The subscription's ID.</param>
    /// <param name="addonId">The add-on's ID or slug.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<DeletedSubscriptionAddon> DeactivateAddonAsync(string id, string addonId, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Delete, $"{Sub(id)}/addons/{Pipeline.Segment(addonId)}", null, null, J.DeletedSubscriptionAddon, cancellationToken);

    /// <summary>Adds to or takes from a subscription's credits or balance.</summary>
    /// <param name="id">The subscription's ID.</param>
    /// <param name="request">The signed amount.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<BalanceAdjustment> AdjustBalanceAsync(string id, AdjustBalanceRequest request, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Post, Sub(id) + "/balance/adjust", null, Body.Of(request, J.AdjustBalanceRequest), J.BalanceAdjustment, cancellationToken);

    /// <summary>Tops up a balance, charging the customer's card.</summary>
    /// <param name="id">The subscription's ID.</param>
    /// <param name="amount">The amount in minor units.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<BalanceTopup> TopupBalanceAsync(string id, long amount, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Post, Sub(id) + "/balance/topup", null, Body.Of(new AmountBody { Amount = amount }, J.AmountBody), J.BalanceTopup, cancellationToken);

    /// <summary>Buys a credit pack, charging the customer's card.</summary>
    /// <param name="id">The subscription's ID.</param>
    /// <param name="creditPackId">The pack's ID.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<CreditGrant> PurchaseCreditsAsync(string id, string creditPackId, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Post, Sub(id) + "/credits", null, Body.Of(new CreditPackIdBody { CreditPackId = creditPackId }, J.CreditPackIdBody),
            J.CreditGrant, cancellationToken);
}
