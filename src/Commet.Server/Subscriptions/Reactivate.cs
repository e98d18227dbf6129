using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Billing;
using Commet.Server.Catalog;
using Commet.Server.Payments;
using Commet.Server.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Subscriptions;

/// <summary>What reactivate did. A failed retry of a past_due charge is kept (the attempt is part of the record) and reported in <see cref="Failure"/>.</summary>
public sealed record ReactivateResult(Subscription Subscription, bool RetryInitiated, Invoice? Invoice, ChargeOutcome? Failure = null, string? RecoveryUrl = null);

/// <summary>Brings a past_due subscription back by retrying its charge, or restarts a canceled one.</summary>
public sealed class ReactivateSubscription(PaymentService payments, HostedLinks links, SubscriptionLifecycle lifecycle)
{
    /// <summary>
    /// past_due: retry the outstanding charge now (active again on success). canceled: a fresh
    /// <c>reactivation</c> invoice at today's price, charged to the saved card, with the period anchored to now.
    /// A decline changes nothing and answers <c>payment_failed</c> with a link where the customer can fix it.
    /// <paramref name="promoCode"/> (the portal's, our addition): a code redeemed for the restarted subscription, with the
    /// same rules as at creation; its discount is on the reactivation invoice. Only for a canceled subscription.
    /// </summary>
    public async Task<Result<ReactivateResult>> HandleAsync(BillingScope scope, string id, CancellationToken ct, string? promoCode = null) =>
        await scope.Db.InTransactionAsync<ReactivateResult>(async () =>
        {
            var s = await scope.Db.LockSubscriptionAsync(id, ct);
            if (s is null)
            {
                return SubscriptionErrors.NotFound(id);
            }
            if (s.Status == SubscriptionStatus.PastDue && !string.IsNullOrWhiteSpace(promoCode))
            {
                return new Error("offer_not_applicable", "A promo code applies to restarting a canceled subscription, not to paying an overdue invoice.", 400,
                    "invalid_request_error", "promoCode");
            }
            if (s.Status == SubscriptionStatus.PastDue)
            {
                // Each call is its own attempt (a frozen test clock gives two calls the same time).
                var recovered = await lifecycle.RetryOutstandingAsync(scope, s, $"manual:{Ids.New("try")}", null, ct);
                if (!recovered.Succeeded)
                {
                    var session = links.Create(scope.Db, scope.Tenant, HostedKinds.Recovery, s.CustomerId, s.Id, s.OutstandingInvoiceId, null, scope.Now);
                    return new ReactivateResult(s, true, null, recovered, links.Url(session, scope.BaseUrl));
                }
                return new ReactivateResult(s, true, null);
            }
            if (s.Status != SubscriptionStatus.Canceled)
            {
                return Error.Invalid("invalid_subscription_status", $"Only a canceled or past-due subscription can be reactivated; this one is {s.Status}.");
            }
            if (await scope.Db.Subscriptions.AnyAsync(o => o.CustomerId == s.CustomerId && o.Id != s.Id && SubscriptionStatus.Live.Contains(o.Status), ct))
            {
                return Error.Conflict("already_has_active_subscription", "The customer already has another live subscription.");
            }
            var plan = await scope.PlanAsync(s.PlanId, ct);
            if (plan is null || plan.DeletedAt is not null)
            {
                return Error.Invalid("plan_unavailable", "The plan of this subscription is no longer available.");
            }
            var now = scope.Now;
            s.Status = SubscriptionStatus.Active;
            s.CanceledAt = null;
            s.EndedAt = null;
            s.CancelAtPeriodEnd = false;
            s.CancelReason = null;
            s.CancelFeedback = null;
            s.CancelRequestedAt = null;
            s.TrialEndsAt = null;
            // A discount ends with its subscription (as in Stripe): the restart is billed at today's price, as the portal shows it.
            SubscriptionDiscounts.Clear(s);
            if (plan.IsFree)
            {
                if (!string.IsNullOrWhiteSpace(promoCode))
                {
                    return new Error("promo_code_plan_not_eligible", "A promo code cannot be used on a free plan.", 400, "invalid_request_error", "promoCode");
                }
                s.StartFree(now);
                await lifecycle.PeriodStartedAsync(scope, s, ct);
                RecordReactivated(scope, s, null);
                return new ReactivateResult(s, false, null);
            }
            var price = PlanGraph.PriceFor(plan, s.BillingInterval);
            if (price is null)
            {
                return Error.Invalid("plan_unavailable", "The plan of this subscription has no price for its interval any more.");
            }
            // The currency stays the one fixed at checkout.
            if (RegionalPricing.Missing(plan, price, s.Currency) is { } missing)
            {
                return SubscriptionErrors.MissingRegionalPrice(missing);
            }
            price = price.In(s.Currency)!;
            var method = await PaymentService.DefaultMethodAsync(scope.Db, s.CustomerId, ct);
            if (method is null)
            {
                return Error.Invalid("no_payment_method", "The customer has no payment method on file.");
            }
            s.PlanPriceId = price.Id;
            s.StartPeriod(now, price.BillingInterval, price.Price, price.Price);
            if (!string.IsNullOrWhiteSpace(promoCode))
            {
                var redeemed = await PromoCodes.RedeemAsync(scope, s, promoCode, plan.Id, price.BillingInterval, ct);
                if (!redeemed.IsSuccess)
                {
                    return redeemed.Error;
                }
            }
            var invoice = await InvoiceBuilder.NewAsync(scope, s.CustomerId, s.Id, InvoiceTypes.Reactivation, s.Currency, s.CurrentPeriodStart,
                s.CurrentPeriodEnd, $"reactivation:{s.Id}:{EventRecorder.Iso(now)}", plan.Name, ct);
            invoice.AddLine(InvoiceBuilder.PlanBase(plan.Name, price.Price, s.CurrentPeriodStart, s.CurrentPeriodEnd));
            // A code redeemed just now (the old discount ended with the cancellation): its first period is this one.
            SubscriptionDiscounts.ApplyToPeriodInvoice(s, invoice);
            InvoiceBuilder.RecordCreated(scope, invoice);
            var outcome = await payments.ChargeInvoiceAsync(scope.Db, scope.Tenant, invoice, $"{invoice.Id}:charge", now, ct, method);
            if (!outcome.Succeeded)
            {
                return SubscriptionErrors.PaymentFailed(outcome, null);
            }
            await lifecycle.PeriodStartedAsync(scope, s, ct);
            RecordReactivated(scope, s, invoice);
            return new ReactivateResult(s, false, invoice);
        }, ct, Error.Conflict("already_has_active_subscription", "The customer already has another live subscription."));

    private static void RecordReactivated(BillingScope scope, Subscription s, Invoice? invoice) =>
        EventRecorder.Record(scope.Db, scope.Tenant, new SubscriptionReactivatedData(s.Id, s.CustomerId, s.Status, s.CurrentPeriodStart, s.CurrentPeriodEnd, null,
            invoice?.Id, invoice?.Number, invoice?.Total ?? 0, invoice?.Currency ?? s.Currency, invoice is null ? null : PaymentService.ProviderOf(scope.Db, invoice)), scope.Now, s.Id, s.CustomerId);
}
