using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Billing;
using Commet.Server.Catalog;
using Commet.Server.Http;
using Commet.Server.Payments;
using Commet.Server.Persistence;

namespace Commet.Server.Subscriptions;

public sealed class ChangePlanRequest
{
    public string? NewPlanId { get; set; }
    public string? NewBillingInterval { get; set; }
    public string? SuccessUrl { get; set; }

    /// <summary>Our addition: a promo code for an upgrade charged now (see docs/promo-codes.md).</summary>
    public string? PromoCode { get; set; }
}

public enum ChangeKind
{
    /// <summary>Higher in the group, or a longer interval: now, prorated.</summary>
    Upgrade,

    /// <summary>Free → paid: now, full price, needs a card.</summary>
    FreeToPaid,

    /// <summary>Lower in the group, a shorter interval, or paid → free: at period end.</summary>
    Downgrade,

    /// <summary>Within a trial: switch now, nothing to charge until the trial ends.</summary>
    DuringTrial,
}

/// <summary>
/// A change worked out but not applied: the preview and the change share it, so they agree to the cent. The quote of an
/// immediate change covers the plan and the subscription's active add-ons (<see cref="Addons"/>): their full prices are in
/// <see cref="ProrationQuote.NewCharge"/>, their unused time in <see cref="ProrationQuote.Credit"/>. It also covers what the period
/// being cut short used beyond its allowances so far (<see cref="Accrued"/>, billed in arrears with the change): those lines
/// are in <see cref="ProrationQuote.Total"/> only.
/// </summary>
public sealed record PlannedChange(Subscription Subscription, Plan Current, Plan Target, PlanPrice? TargetPrice, string? TargetInterval, ChangeKind Kind,
    ProrationQuote? Quote, IReadOnlyList<AddonProration>? Addons = null, IReadOnlyList<InvoiceLine>? Accrued = null)
{
    public IReadOnlyList<AddonProration> AddonLines => Addons ?? [];

    /// <summary>What the discount takes off the change's invoice (already out of <see cref="ProrationQuote.Total"/>); null: none.</summary>
    public Money? Discount { get; init; }

    /// <summary>A promo code entered with the change, checked but not yet redeemed (the change redeems it).</summary>
    public PromoCode? PromoCode { get; init; }

    /// <summary>The lines the line sources bill for the period being cut short (metered overage, balance overspend), as the change's invoice has them.</summary>
    public IReadOnlyList<InvoiceLine> AccruedLines => Accrued ?? [];

    /// <summary>The plan's own part of the quote's charge (the quote less the add-ons).</summary>
    public Money? PlanCharge => Quote is null ? null : AddonLines.Aggregate(Quote.NewCharge, (m, a) => m - a.Charge);

    /// <summary>The credit for unused time on the old plan (the quote's credit less the add-ons').</summary>
    public Money? PlanCredit => Quote is null ? null : AddonLines.Aggregate(Quote.Credit, (m, a) => m - a.Credit);
}

/// <summary>What <c>changePlan</c> did.</summary>
public sealed record ChangeResult(PlannedChange Plan, Invoice? Invoice, bool Scheduled, bool Revoked, string? CheckoutUrl);

/// <summary>Upgrades now (prorated), schedules a downgrade or shorter interval for the period end, or revokes a scheduled change.</summary>
public sealed class ChangePlan(PlanChanges changes, HostedLinks links)
{
    public async Task<Result<ChangeResult>> HandleAsync(BillingScope scope, string id, ChangePlanRequest r, CancellationToken ct)
    {
        if (r.NewPlanId is null && r.NewBillingInterval is null)
        {
            return Error.Invalid("no_change_requested", "Send newPlanId, newBillingInterval or both.");
        }
        if (r.SuccessUrl is not null && !Portal.ReturnUrls.IsSafe(r.SuccessUrl))
        {
            return Error.Validation("successUrl", "successUrl must be an absolute http or https URL.");
        }
        return await scope.Db.InTransactionAsync<ChangeResult>(async () =>
        {
            var s = await scope.Db.LockSubscriptionAsync(id, ct);
            if (s is null)
            {
                return SubscriptionErrors.NotFound(id);
            }
            var planned = await changes.PlanAsync(scope, s, r.NewPlanId, r.NewBillingInterval, ct, r.PromoCode);
            if (!planned.IsSuccess)
            {
                return planned.Error;
            }
            var p = planned.Value;
            var now = scope.Now;

            // Asking for what the subscription already has revokes a scheduled change, if there is one.
            if (p.Target.Id == p.Current.Id && p.TargetInterval == s.BillingInterval)
            {
                if (s.ScheduledChangeType is null)
                {
                    return Error.Invalid("no_change_requested", "The subscription is already on this plan and interval.");
                }
                return await PlanChanges.RevokeAsync(scope, s, p, ct);
            }

            switch (p.Kind)
            {
                case ChangeKind.Downgrade:
                    var changeType = p.Target.Id == p.Current.Id ? "interval_change" : "plan_downgrade";
                    if (s.ScheduleChange(changeType, p.Target.Id, p.TargetInterval, now) is { } refused)
                    {
                        return refused;
                    }
                    EventRecorder.Record(scope.Db, scope.Tenant, new SubscriptionPlanChangeScheduledData(s.Id, s.CustomerId, s.Status, new WebhookPlanRef(p.Current.Id, p.Current.Name),
                        new WebhookPlanRef(p.Target.Id, p.Target.Name), s.BillingInterval, p.TargetInterval, s.CurrentPeriodEnd), now, s.Id, s.CustomerId);
                    return new ChangeResult(p, null, true, false, null);

                case ChangeKind.DuringTrial:
                    PlanChanges.SwitchPlan(s, p);
                    s.BasePrice = p.TargetPrice!.Price;
                    s.BillingInterval = p.TargetInterval;
                    PlanChanges.RecordPlanChanged(scope, s, p, 0, 0);
                    return new ChangeResult(p, null, false, false, null);

                default:
                    var method = await PaymentService.DefaultMethodAsync(scope.Db, s.CustomerId, ct);
                    if (method is null)
                    {
                        if (p.PromoCode is not null)
                        {
                            return new Error("promo_code_requires_payment_method",
                                "A promo code can be used on a change charged to a saved card; add a card first.", 400, "invalid_request_error", "promoCode");
                        }
                        var session = links.Create(scope.Db, scope.Tenant, HostedKinds.Checkout, s.CustomerId, s.Id, null, r.SuccessUrl, now);
                        session.TargetPlanId = p.Target.Id;
                        session.TargetInterval = p.TargetInterval;
                        return new ChangeResult(p, null, false, false, links.Url(session, scope.BaseUrl));
                    }
                    var applied = await changes.ApplyNowAsync(scope, s, p, method, ct);
                    return applied.IsSuccess ? new ChangeResult(p, applied.Value, false, false, null) : applied.Error;
            }
        }, ct);
    }
}
