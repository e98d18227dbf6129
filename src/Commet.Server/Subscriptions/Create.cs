using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Billing;
using Commet.Server.Catalog;
using Commet.Server.Customers;
using Commet.Server.Http;
using Commet.Server.Payments;
using Commet.Server.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Subscriptions;

public sealed class CreateSubscriptionRequest
{
    public string? CustomerId { get; set; }
    public string? PlanId { get; set; }
    public string? PlanCode { get; set; }
    public string? BillingInterval { get; set; }
    public Dictionary<string, int>? InitialSeats { get; set; }
    public bool? SkipTrial { get; set; }
    public int? CustomTrialDays { get; set; }
    public string? Name { get; set; }
    public string? SuccessUrl { get; set; }

    /// <summary>A promo code: its discount goes on the subscription and on its first invoice (see docs/promo-codes.md).</summary>
    public string? PromoCode { get; set; }
}

/// <summary>Starts a subscription: free, trialing, charged to the saved card, or waiting for a first payment.</summary>
public sealed class CreateSubscription(PaymentService payments, HostedLinks links, IEnumerable<IRenewalLineSource> lineSources, SubscriptionLifecycle lifecycle)
{
    /// <summary>
    /// Free plan: active at once, no invoice. Trial: trialing, a card captured without a charge (or the saved one
    /// used). Paid with a saved card: charged now and active on success; a decline leaves it pending_payment with
    /// a checkout link and charges nothing. Paid without a card: pending_payment with a checkout link.
    /// </summary>
    public async Task<Result<Subscription>> HandleAsync(BillingScope scope, CreateSubscriptionRequest r, CancellationToken ct)
    {
        var check = new Check()
            .Required("customerId", r.CustomerId)
            .OneOf("billingInterval", r.BillingInterval, BillingIntervals.All, required: false)
            .Range("customTrialDays", r.CustomTrialDays, 0, 730)
            .MaxLength("name", r.Name, 255)
            .MaxLength("planId", r.PlanId, 100)
            .MaxLength("planCode", r.PlanCode, 100)
            .MaxLength("promoCode", r.PromoCode, Catalog.PromoCodes.MaxCodeLength);
        if (r.PlanId is null && r.PlanCode is null)
        {
            check.Add("planId", "planId or planCode is required.");
        }
        if (r.InitialSeats is not null && r.InitialSeats.Values.Any(v => v < 0 || v > 1_000_000))
        {
            check.Add("initialSeats", "initialSeats counts must be between 0 and 1000000.");
        }
        if (r.SuccessUrl is not null && !Portal.ReturnUrls.IsSafe(r.SuccessUrl))
        {
            check.Add("successUrl", "successUrl must be an absolute http or https URL.");
        }
        if (check.Failed)
        {
            return check.ToError();
        }

        return await scope.Db.InTransactionAsync<Subscription>(async () =>
        {
            var db = scope.Db;
            var customer = await CustomerRules.FindAsync(db, r.CustomerId!, ct, track: false);
            if (customer is null)
            {
                return CustomerRules.NotFound(r.CustomerId!);
            }
            var plan = await PlanGraph.FindAsync(db, (r.PlanId ?? r.PlanCode)!, ct);
            if (plan is null)
            {
                return Error.NotFound("plan", $"No plan with ID or code '{r.PlanId ?? r.PlanCode}'.");
            }
            if (await db.Subscriptions.AnyAsync(s => s.CustomerId == customer.Id && SubscriptionStatus.Live.Contains(s.Status), ct))
            {
                return SubscriptionErrors.AlreadyHasActive;
            }

            var now = scope.Now;
            var subscription = new Subscription
            {
                Id = Ids.New(Ids.Subscription),
                OrganizationId = scope.Tenant.OrganizationId,
                Livemode = scope.Tenant.Livemode,
                CustomerId = customer.Id,
                PlanId = plan.Id,
                Status = SubscriptionStatus.Active,
                StartDate = now,
                InitialSeats = r.InitialSeats?.Values.Sum() ?? 0,
                CreatedAt = now,
                UpdatedAt = now,
            };
            db.Subscriptions.Add(subscription);
            EventRecorder.Record(db, scope.Tenant, new SubscriptionCreatedData(subscription.Id, customer.Id, plan.Id, plan.Name, subscription.Status, now, r.Name),
                now, subscription.Id, customer);

            if (r.InitialSeats is { Count: > 0 })
            {
                foreach (var (code, count) in r.InitialSeats)
                {
                    var seatFeature = plan.Features.FirstOrDefault(f => f.Feature?.Code == code && f.Feature.Type == FeatureTypes.Seats);
                    if (seatFeature is null)
                    {
                        return Error.Validation("initialSeats", $"'{code}' is not a seats feature of {plan.Name}.");
                    }
                    db.SeatBalances.Add(new Domain.Usage.SeatBalance { SubscriptionId = subscription.Id, FeatureId = seatFeature.FeatureId, Current = count, UpdatedAt = now });
                }
            }

            if (plan.IsFree)
            {
                if (!string.IsNullOrWhiteSpace(r.PromoCode))
                {
                    return new Error("promo_code_plan_not_eligible", "A promo code cannot be used on a free plan.", 400, "invalid_request_error", "promoCode");
                }
                // A free plan has no price to sell in a currency: it is in the customer's own currency when the plan has an
                // exchange rate for it, so that an upgrade is billed in that currency; else USD (decisions: Regional prices).
                subscription.Currency = RegionalPricing.FreeStartCurrency(plan, customer.Address?.Country);
                subscription.StartFree(now);
                await lifecycle.PeriodStartedAsync(scope, subscription, ct);
                return subscription;
            }

            var price = PlanGraph.PriceFor(plan, r.BillingInterval);
            if (price is null)
            {
                return r.BillingInterval is null
                    ? Error.Invalid("no_prices_configured", "This plan has no prices yet.", "planId")
                    : Error.Validation("billingInterval", $"This plan has no {r.BillingInterval} price.");
            }
            // The currency is fixed now, from the billing country: its own currency when this price is sold in it, else USD.
            subscription.Currency = RegionalPricing.CheckoutCurrency(price, customer.Address?.Country);
            if (RegionalPricing.Missing(plan, price, subscription.Currency) is { } missing)
            {
                return SubscriptionErrors.MissingRegionalPrice(missing);
            }
            price = price.In(subscription.Currency)!;
            subscription.PlanPriceId = price.Id;
            subscription.BillingInterval = price.BillingInterval;
            if (!string.IsNullOrWhiteSpace(r.PromoCode))
            {
                var redeemed = await Catalog.PromoCodes.RedeemAsync(scope, subscription, r.PromoCode, plan.Id, price.BillingInterval, ct);
                if (!redeemed.IsSuccess)
                {
                    return redeemed.Error;
                }
            }
            var trialDays = r.SkipTrial == true ? 0 : r.CustomTrialDays ?? price.TrialDays;
            var method = await PaymentService.DefaultMethodAsync(db, customer.Id, ct);

            if (trialDays > 0)
            {
                var trialEnd = now.AddDays(trialDays);
                subscription.Status = SubscriptionStatus.Trialing;
                subscription.TrialEndsAt = trialEnd;
                subscription.BillingAnchor = now;
                subscription.BillingInterval = price.BillingInterval;
                subscription.BasePrice = price.Price;
                subscription.CurrentPeriodStart = now;
                subscription.CurrentPeriodEnd = trialEnd;
                subscription.NextActionAt = trialDays > 3 ? trialEnd.AddDays(-3) : trialEnd;
                EventRecorder.Record(db, scope.Tenant, new TrialStartedData(subscription.Id, customer.Id, subscription.Status, plan.Id, plan.Name, trialEnd),
                    now, subscription.Id, customer);
                if (method is null)
                {
                    var trialCheckout = links.Create(db, scope.Tenant, HostedKinds.Checkout, customer.Id, subscription.Id, null, r.SuccessUrl, now);
                    EventRecorder.Record(db, scope.Tenant, new TrialCheckoutReadyData(subscription.Id, customer.Id, plan.Name, trialDays,
                        links.Url(trialCheckout, scope.BaseUrl)), now, subscription.Id, customer);
                }
                await lifecycle.PeriodStartedAsync(scope, subscription, ct);
                return subscription;
            }

            subscription.Status = SubscriptionStatus.PendingPayment;
            subscription.StartPeriod(now, price.BillingInterval, price.Price, 0);
            subscription.NextActionAt = null; // nothing to bill until the first payment arrives
            var invoice = await InvoiceBuilder.NewAsync(scope, customer.Id, subscription.Id, InvoiceTypes.Recurring, subscription.Currency,
                subscription.CurrentPeriodStart, subscription.CurrentPeriodEnd, $"first:{subscription.Id}", plan.Name, ct);
            invoice.AddLine(InvoiceBuilder.PlanBase(plan.Name, price.Price, subscription.CurrentPeriodStart, subscription.CurrentPeriodEnd));
            foreach (var source in lineSources)
            {
                await source.AddAdvanceLinesAsync(scope, subscription, invoice, ct);
            }
            SubscriptionDiscounts.ApplyToPeriodInvoice(subscription, invoice);
            InvoiceBuilder.RecordCreated(scope, invoice);
            subscription.OutstandingInvoiceId = invoice.Id;

            if (method is not null)
            {
                var outcome = await payments.ChargeInvoiceAsync(db, scope.Tenant, invoice, $"{invoice.Id}:first", now, ct, method);
                if (outcome.Succeeded)
                {
                    await lifecycle.ActivateAfterFirstPaymentAsync(scope, subscription, invoice, ct);
                    return subscription;
                }
            }
            var checkout = links.Create(db, scope.Tenant, HostedKinds.Checkout, customer.Id, subscription.Id, invoice.Id, r.SuccessUrl, now);
            EventRecorder.Record(db, scope.Tenant, new CheckoutReadyData(subscription.Id, customer.Id, invoice.Id, invoice.Number, invoice.Total, invoice.Currency,
                links.Url(checkout, scope.BaseUrl)), now, subscription.Id, customer);
            return subscription;
        }, ct, SubscriptionErrors.AlreadyHasActive);
    }
}
