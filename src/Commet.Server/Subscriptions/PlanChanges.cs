using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Billing;
using Commet.Server.Catalog;
using Commet.Server.Http;
using Commet.Server.Payments;
using Commet.Server.Persistence;

namespace Commet.Server.Subscriptions;

/// <summary>
/// What plan changes share: working a change out (<see cref="PlanAsync"/>, which the preview, the change, the portal and the
/// hosted checkout all use, so they agree to the cent), applying an immediate one, and revoking a scheduled one.
/// </summary>
public sealed class PlanChanges(PaymentService payments, IEnumerable<IRenewalLineSource> lineSources, SubscriptionLifecycle lifecycle)
{
    /// <summary>Works out a change without applying it: its kind (upgrade now, downgrade at period end, …) and its numbers.</summary>
    /// <remarks>
    /// <paramref name="promoCode"/>: a code to use with an immediate change (checked here, redeemed by <see cref="ApplyNowAsync"/>). Without one,
    /// a discount the subscription already has applies to the change's invoice (it opens a new period).
    /// </remarks>
    public async Task<Result<PlannedChange>> PlanAsync(BillingScope scope, Subscription s, string? newPlanId, string? newInterval, CancellationToken ct,
        string? promoCode = null)
    {
        var check = new Check().OneOf("billingInterval", newInterval, BillingIntervals.All, required: false).MaxLength("planId", newPlanId, 100)
            .MaxLength("promoCode", promoCode, PromoCodes.MaxCodeLength);
        if (check.Failed)
        {
            return check.ToError();
        }
        if (!SubscriptionStatus.IsLive(s.Status) || s.Status == SubscriptionStatus.PendingPayment)
        {
            return Error.Invalid("subscription_not_active", "Only an active or trialing subscription can change plan.");
        }
        if (s.Status == SubscriptionStatus.PastDue)
        {
            return Error.Invalid("subscription_past_due", "Plan changes are paused while a payment is overdue. Pay the outstanding invoice first.");
        }
        var current = await scope.PlanAsync(s.PlanId, ct);
        var target = newPlanId is null ? current : await PlanGraph.FindAsync(scope.Db, newPlanId, ct);
        if (current is null || target is null)
        {
            return Error.NotFound("plan", $"No plan with ID or code '{newPlanId}'.");
        }
        if (target.Id != current.Id && (current.PlanGroupId is null || current.PlanGroupId != target.PlanGroupId))
        {
            return new Error("plans_not_in_same_group", "A subscription can only move between plans of the same plan group.", 400, "invalid_request_error", "planId");
        }

        PlanPrice? price = null;
        string? interval = null;
        if (!target.IsFree)
        {
            interval = newInterval ?? (target.Prices.Any(p => p.BillingInterval == s.BillingInterval) ? s.BillingInterval : null);
            price = PlanGraph.PriceFor(target, interval);
            if (price is null)
            {
                return newInterval is null
                    ? Error.Invalid("no_prices_configured", $"{target.Name} has no prices.", "planId")
                    : Error.Validation("billingInterval", $"{target.Name} has no {newInterval} price.");
            }
            interval = price.BillingInterval;
            // The currency is fixed at checkout: a plan of the group that is not sold in it cannot be moved to.
            if (RegionalPricing.Missing(target, price, s.Currency) is { } missing)
            {
                return SubscriptionErrors.MissingRegionalPrice(missing);
            }
            price = price.In(s.Currency)!;
        }
        if (target.Id == current.Id && interval == s.BillingInterval)
        {
            return new PlannedChange(s, current, target, price, interval, ChangeKind.Downgrade, null) with { Kind = ChangeKind.Downgrade };
        }

        ChangeKind kind;
        if (s.Status == SubscriptionStatus.Trialing)
        {
            kind = target.IsFree ? ChangeKind.Downgrade : ChangeKind.DuringTrial;
        }
        else if (target.IsFree)
        {
            kind = ChangeKind.Downgrade;
        }
        else if (current.IsFree)
        {
            kind = ChangeKind.FreeToPaid;
        }
        else if (target.Id != current.Id)
        {
            kind = target.SortOrder > current.SortOrder ? ChangeKind.Upgrade : ChangeKind.Downgrade;
        }
        else
        {
            kind = BillingIntervals.Rank(interval!) > BillingIntervals.Rank(s.BillingInterval!) ? ChangeKind.Upgrade : ChangeKind.Downgrade;
        }

        ProrationQuote? quote = null;
        var currency = Currency.Of(s.Currency);
        if (kind == ChangeKind.Upgrade)
        {
            quote = Proration.Upgrade(new Money(s.PaidForCurrentPeriod, currency), new Money(price!.Price, currency), s.CurrentPeriodStart, s.CurrentPeriodEnd, scope.Now);
        }
        else if (kind == ChangeKind.FreeToPaid)
        {
            var full = new Money(price!.Price, currency);
            var end = BillingCalendar.Boundary(scope.Now, interval!, 1);
            quote = new ProrationQuote(Money.Zero(currency), full, full, BillingCalendar.WholeDays(scope.Now, end), BillingCalendar.WholeDays(scope.Now, end), scope.Now);
        }
        IReadOnlyList<AddonProration>? addons = null;
        IReadOnlyList<InvoiceLine>? accrued = null;
        if (quote is not null)
        {
            // The period restarts: active add-ons are charged for the new period, less their unused time (paid in advance).
            addons = await ActivateAddon.ForPlanChangeAsync(scope, s, scope.Now, ct);
            foreach (var a in addons)
            {
                quote = quote with { Credit = quote.Credit + a.Credit, NewCharge = quote.NewCharge + a.Charge, Total = quote.Total + a.Net };
            }
            // The period being cut short is billed in arrears with the change, as ApplyNowAsync does.
            accrued = await AccruedAsync(scope, s, current, ct);
            quote = quote with { Total = quote.Total + new Money(accrued.Sum(l => l.Amount), currency) };
        }

        PromoCode? promo = null;
        if (!string.IsNullOrWhiteSpace(promoCode))
        {
            if (quote is null)
            {
                return new Error("offer_not_applicable", "A promo code applies to a change charged now (an upgrade), not to a scheduled one.", 400,
                    "invalid_request_error", "promoCode");
            }
            var quoted = await PromoCodes.QuoteAsync(scope, s, promoCode, target.Id, interval, ct);
            if (!quoted.IsSuccess)
            {
                return quoted.Error;
            }
            promo = quoted.Value;
        }
        Money? discount = null;
        if (quote is not null)
        {
            // The change's invoice opens a period: the code entered, else the subscription's own discount, takes its share.
            var (type, value) = promo is not null ? (promo.DiscountType, promo.DiscountValue)
                : s.DiscountPeriodsRemaining is 0 ? (null, 0) : (s.DiscountType, s.DiscountValue);
            var off = SubscriptionDiscounts.AmountOff(type, value, quote.Total.MinorUnits, s.Currency);
            if (off > 0)
            {
                discount = new Money(off, currency);
                quote = quote with { Total = quote.Total - discount.Value };
            }
        }
        return new PlannedChange(s, current, target, price, interval, kind, quote, addons, accrued) { Discount = discount, PromoCode = promo };
    }

    /// <summary>
    /// What the line sources bill for the current period so far (from its start to now, on the current plan): the same
    /// call <see cref="AddAccruedAsync"/> makes for the change's invoice, in preview on a draft, so nothing is written or
    /// left tracked.
    /// </summary>
    private async Task<IReadOnlyList<InvoiceLine>> AccruedAsync(BillingScope scope, Subscription s, Plan current, CancellationToken ct)
    {
        var preview = scope with { Preview = true };
        var draft = InvoiceBuilder.Draft(preview, s.CustomerId, s.Id, InvoiceTypes.PlanChange, s.Currency, scope.Now, scope.Now, null, current.Name);
        var tracked = RenewalInvoices.TrackedOutsideCatalog(scope.Db);
        await AddAccruedAsync(preview, s, draft, current.Id, ct);
        if (RenewalInvoices.TrackedOutsideCatalog(scope.Db) != tracked)
        {
            throw new InvalidOperationException("Previewing a plan change left tracked changes in the unit of work; a renewal line source ignores BillingScope.Preview.");
        }
        return draft.Lines.ToList();
    }

    /// <summary>Overage accrued so far in the period being cut short, from every line source (in preview when the scope says so).</summary>
    private async Task AddAccruedAsync(BillingScope scope, Subscription s, Invoice invoice, string currentPlanId, CancellationToken ct)
    {
        foreach (var source in lineSources)
        {
            await source.AddLinesAsync(scope, s, invoice, currentPlanId, s.CurrentPeriodStart, scope.Now, ct);
        }
    }

    /// <summary>Charges the prorated difference, restarts the period and switches the plan; on a decline nothing changes.</summary>
    public async Task<Result<Invoice>> ApplyNowAsync(BillingScope scope, Subscription s, PlannedChange p, Domain.Billing.PaymentMethod method, CancellationToken ct)
    {
        var now = scope.Now;
        var quote = p.Quote!;
        var periodEnd = BillingCalendar.Boundary(now, p.TargetInterval!, 1);
        var invoice = await InvoiceBuilder.NewAsync(scope, s.CustomerId, s.Id, InvoiceTypes.PlanChange, s.Currency, now, periodEnd,
            $"change:{s.Id}:{s.Version}:{EventRecorder.Iso(now)}", p.Target.Name, ct);
        invoice.AddLine(InvoiceBuilder.PlanBase(p.Target.Name, p.PlanCharge!.Value.MinorUnits, now, periodEnd));
        var planCredit = p.PlanCredit!.Value;
        if (!planCredit.IsZero)
        {
            invoice.AddLine(new InvoiceLine
            {
                LineType = LineTypes.Credit,
                Description = $"Unused time on {p.Current.Name} ({quote.DaysRemaining} of {quote.TotalDays} days)",
                Quantity = 1,
                UnitAmount = -planCredit.MinorUnits,
                Amount = -planCredit.MinorUnits,
            });
        }
        foreach (var a in p.AddonLines)
        {
            // As the renewal bills it, for the new period; then the unused part of the current one back.
            invoice.AddLine(new InvoiceLine
            {
                LineType = LineTypes.AddonBase,
                Description = a.Addon.Name,
                Quantity = 1,
                UnitAmount = a.Charge.MinorUnits,
                Amount = a.Charge.MinorUnits,
                ChargeType = "advance",
            });
            if (!a.Credit.IsZero)
            {
                invoice.AddLine(new InvoiceLine
                {
                    LineType = LineTypes.Credit,
                    Description = $"Unused time on {a.Addon.Name} ({a.DaysRemaining} of {a.TotalDays} days)",
                    Quantity = 1,
                    UnitAmount = -a.Credit.MinorUnits,
                    Amount = -a.Credit.MinorUnits,
                });
            }
        }
        // Overage accrued so far in the period being cut short is billed with the change: the same call the plan made in
        // preview (p.AccruedLines, in its total), made again for real under the subscription's lock (a balance overspend
        // billed here is also booked against the balance).
        await AddAccruedAsync(scope, s, invoice, p.Current.Id, ct);
        if (p.PromoCode is not null)
        {
            var redeemed = await PromoCodes.RedeemAsync(scope, s, p.PromoCode.Code, p.Target.Id, p.TargetInterval, ct);
            if (!redeemed.IsSuccess)
            {
                return redeemed.Error;
            }
        }
        // Last: the discount is on the whole invoice, and this invoice opens a period.
        SubscriptionDiscounts.ApplyToPeriodInvoice(s, invoice);
        InvoiceBuilder.RecordCreated(scope, invoice);
        var outcome = await payments.ChargeInvoiceAsync(scope.Db, scope.Tenant, invoice, $"{invoice.Id}:charge", now, ct, method);
        if (!outcome.Succeeded)
        {
            return SubscriptionErrors.PaymentFailed(outcome, null);
        }
        var wasFree = p.Current.IsFree;
        SwitchPlan(s, p);
        s.StartPeriod(now, p.TargetInterval!, p.TargetPrice!.Price, p.TargetPrice.Price);
        if (wasFree)
        {
            s.Status = SubscriptionStatus.Active;
        }
        RecordPlanChanged(scope, s, p, quote.Credit.MinorUnits, invoice.Total);
        await lifecycle.PeriodStartedAsync(scope, s, ct);
        return invoice;
    }

    internal static void SwitchPlan(Subscription s, PlannedChange p)
    {
        s.PlanId = p.Target.Id;
        s.PlanPriceId = p.TargetPrice?.Id;
        s.ClearScheduledChange(s.UpdatedAt);
    }

    internal static void RecordPlanChanged(BillingScope scope, Subscription s, PlannedChange p, long credit, long total) =>
        EventRecorder.Record(scope.Db, scope.Tenant, SubscriptionPlanChangedData.From(s, p.Current, p.Target, p.TargetInterval,
            credit, p.TargetPrice?.Price ?? 0, total), scope.Now, s.Id, s.CustomerId);

    internal static async Task<Result<ChangeResult>> RevokeAsync(BillingScope scope, Subscription s, PlannedChange p, CancellationToken ct)
    {
        var revokedPlan = s.ScheduledPlanId is null ? null : await scope.PlanAsync(s.ScheduledPlanId, ct);
        var revokedInterval = s.ScheduledInterval;
        s.ClearScheduledChange(scope.Now);
        EventRecorder.Record(scope.Db, scope.Tenant, new SubscriptionPlanChangeRevokedData(s.Id, s.CustomerId, s.Status, new WebhookPlanRef(p.Current.Id, p.Current.Name),
            new WebhookPlanRef(revokedPlan?.Id ?? p.Current.Id, revokedPlan?.Name ?? p.Current.Name), s.BillingInterval, revokedInterval), scope.Now, s.Id, s.CustomerId);
        return new ChangeResult(p, null, false, true, null);
    }
}
