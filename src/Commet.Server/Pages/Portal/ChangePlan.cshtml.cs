using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Payments;
using Commet.Server.Portal;
using Commet.Server.Subscriptions;
using Microsoft.AspNetCore.Mvc;

namespace Commet.Server.Pages.Portal;

/// <summary>
/// The preview of one plan change, with the exact amounts the change will charge (the API's preview), the
/// date it takes effect, and warnings when what is in use exceeds the new plan; then the confirmation.
/// </summary>
public sealed class ChangePlanModel(Subscriptions.ChangePlan change, PlanChanges changes, PreviewPlanChange previewChange, SubscriptionViews views) : PortalPageModel
{
    public override PortalSection Section => PortalSection.Plans;

    public PlannedChange? Planned { get; private set; }

    public IReadOnlyList<string> Warnings { get; private set; } = [];

    public string? TargetInterval { get; private set; }

    /// <summary>The promo code the customer entered and that applies (our addition); null: none.</summary>
    public string? Promo { get; private set; }

    /// <summary>Why the code entered does not apply (the preview is then shown without it).</summary>
    public string? PromoProblem { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? plan, string? interval, string? promo)
    {
        var ready = await PlanAsync(plan, interval, promo);
        return ready ?? Page();
    }

    public async Task<IActionResult> OnPostAsync(string? subscriptionId, string? plan, string? interval, long? expectedTotal, string? promo)
    {
        if (!Portal.OwnsSubscription(subscriptionId))
        {
            return NotFound();
        }
        return await ChargeOnceAsync(() => PlanAsync(plan, interval, promo), async () =>
        {
            if (Planned!.Quote is { } quote && quote.Total.MinorUnits != expectedTotal)
            {
                // A day went by (or the price moved) since the customer looked: they confirm the amount they see.
                return PortalFormOutcome.Failed(L["Change.AmountChanged"]);
            }
            // The preview above read the subscription; the change locks and reads it afresh.
            Portal.Db.ChangeTracker.Clear();
            var result = await change.HandleAsync(Portal.Scope, subscriptionId!, new ChangePlanRequest
            {
                NewPlanId = Planned.Target.Id,
                NewBillingInterval = TargetInterval,
                PromoCode = Promo,
            }, Ct);
            if (!result.IsSuccess)
            {
                return PortalFormOutcome.Failed(PortalMessages.For(result.Error));
            }
            var r = result.Value;
            if (r.CheckoutUrl is not null)
            {
                // No card on file: the change waits in a checkout for one (the API's checkoutUrl); the portal asks for it here.
                var checkout = await HostedLinks.OpenCheckoutAsync(Portal.Db, subscriptionId!, Ct);
                return PortalFormOutcome.To(checkout is null ? DonePath("/portal", "card_saved") : $"/portal/card/{checkout.Id}");
            }
            if (r.Scheduled)
            {
                return PortalFormOutcome.To(DonePath("/portal", "change_scheduled"));
            }
            if (r.Revoked)
            {
                return PortalFormOutcome.To(DonePath("/portal", "change_revoked"));
            }
            return PortalFormOutcome.To(DonePath("/portal", Planned.Kind == ChangeKind.DuringTrial ? "trial_changed" : "upgraded"));
        });
    }

    /// <summary>Works the change out; an answer other than null ends the request (redirect or not found).</summary>
    private async Task<IActionResult?> PlanAsync(string? planId, string? interval, string? promo)
    {
        Promo = string.IsNullOrWhiteSpace(promo) ? null : promo.Trim();
        var s = Portal.Subscription;
        if (!Portal.HasLiveSubscription || s is null || s.Status is SubscriptionStatus.PastDue or SubscriptionStatus.PendingPayment)
        {
            return Redirect("/portal/plans");
        }
        var current = await Portal.PlanAsync(Ct);
        if (current is null || string.IsNullOrEmpty(planId))
        {
            return NotFound();
        }
        // Only the public plans of the subscription's own group are offered; any other ID is "not found".
        var target = (await PlanChoices.GroupPlansAsync(Portal, current, Ct)).FirstOrDefault(p => p.Id == planId);
        if (target is null)
        {
            return NotFound();
        }
        TargetInterval = target.IsFree ? null : string.IsNullOrEmpty(interval) ? s.BillingInterval : interval;
        if (target.Id == current.Id && TargetInterval == s.BillingInterval)
        {
            return Redirect("/portal/plans");
        }
        var planned = await changes.PlanAsync(Portal.Scope, s, target.Id, TargetInterval, Ct, Promo);
        if (!planned.IsSuccess && Promo is not null && planned.Error.Param == "promoCode")
        {
            // The code does not apply: say why, and show the change without it.
            PromoProblem = PortalMessages.For(planned.Error);
            Promo = null;
            planned = await changes.PlanAsync(Portal.Scope, s, target.Id, TargetInterval, Ct);
        }
        if (!planned.IsSuccess)
        {
            Problem = PortalMessages.For(planned.Error);
            return Page();
        }
        Planned = planned.Value;
        if (Planned.Kind is ChangeKind.Upgrade or ChangeKind.FreeToPaid)
        {
            // The amounts shown are the API's preview-change, which is what the change charges.
            var preview = await previewChange.HandleAsync(Portal.Scope, s.Id, new PreviewChangeRequest { PlanId = target.Id, BillingInterval = TargetInterval, PromoCode = Promo }, Ct);
            if (!preview.IsSuccess)
            {
                Problem = PortalMessages.For(preview.Error);
                return Page();
            }
            Planned = preview.Value;
        }
        Warnings = await WarningsAsync(s, current, target);
        return null;
    }

    /// <summary>
    /// What the customer would lose or exceed on the target plan. A change made now (upgrade, trial switch) meets
    /// this period's usage and seats; a change at the period end starts with usage reset, so only what carries
    /// over is warned about: features the target lacks, and seats in use above what it includes.
    /// </summary>
    private async Task<IReadOnlyList<string>> WarningsAsync(Subscription s, Plan current, Plan target)
    {
        var warnings = new List<string>();
        var dto = await views.ToDtoAsync(Portal.Scope, s, Ct);
        var byCode = dto.Features.ToDictionary(f => f.Code, StringComparer.Ordinal);
        var atPeriodEnd = Planned!.Kind == ChangeKind.Downgrade;
        foreach (var f in current.Features.Where(f => f.Enabled && f.Feature is not null))
        {
            var feature = f.Feature!;
            var to = target.Features.FirstOrDefault(t => t.FeatureId == f.FeatureId);
            if (to is null || !to.Enabled)
            {
                warnings.Add(L["Change.Warn.Missing", ("plan", target.Name), ("feature", feature.Name)]);
                continue;
            }
            if (to.Unlimited || feature.Type == FeatureTypes.Boolean || !byCode.TryGetValue(feature.Code, out var used) || used.Usage is null)
            {
                continue;
            }
            var unit = PlanChoices.Plural(feature.UnitName is { Length: > 0 } u ? u : feature.Name.ToLowerInvariant());
            var inUse = used.Usage.Current;
            // Add-ons stay active across the change: what they add now (the read-out less the plan) adds to the target's too.
            var included = to.IncludedAmount + Math.Max(0, used.Usage.Included - f.IncludedAmount);
            if (feature.Type == FeatureTypes.Seats && inUse > included)
            {
                warnings.Add(atPeriodEnd ? SeatsAtPeriodEnd(s, target, to, included, inUse, unit)
                    : L["Change.Warn.Seats", ("used", PortalFormat.Quantity(inUse)), ("unit", unit), ("plan", target.Name), ("included", PortalFormat.Quantity(included))]
                        + " " + (to.OverageEnabled ? L["Change.Warn.SeatsCharged"] : L["Change.Warn.SeatsRemove"]));
            }
            else if (feature.Type == FeatureTypes.Usage && !atPeriodEnd && inUse > included)
            {
                warnings.Add(L["Change.Warn.Usage", ("used", PortalFormat.Quantity(inUse)), ("unit", unit), ("plan", target.Name), ("included", PortalFormat.Quantity(included))]
                    + " " + (to.OverageEnabled ? L["Change.Warn.UsageCost", ("price", PortalFormat.Rate(to.OverageUnitPrice, s.Currency))] : L["Change.Warn.UsageBlocked"]));
            }
        }
        return warnings;
    }

    /// <summary>
    /// Seats are not reset by the change: those in use above the target's included seats are billed in advance with
    /// every renewal on the target (the renewal's seat line), or, when the target allows no extra seats, no seat can
    /// be added until fewer than the included number are in use.
    /// </summary>
    private string SeatsAtPeriodEnd(Subscription s, Plan target, PlanFeature to, decimal includedSeats, decimal inUse, string unit)
    {
        var when = Portal.Format.Date(s.CurrentPeriodEnd);
        var included = PortalFormat.Quantity(includedSeats);
        var head = L["Change.Warn.Seats", ("used", PortalFormat.Quantity(inUse)), ("unit", unit), ("plan", target.Name), ("included", included)];
        if (!to.OverageEnabled)
        {
            return head + " " + L["Change.Warn.SeatsBlocked", ("date", when), ("unit", unit), ("included", included), ("remove", PortalFormat.Quantity(inUse - includedSeats))];
        }
        var extra = inUse - includedSeats;
        if (target.IsFree || to.OverageUnitPrice <= 0)
        {
            return head + " " + L["Change.Warn.SeatsFree", ("unit", unit), ("plan", target.Name)];
        }
        var total = Money.FromRate(to.OverageUnitPrice, extra, Currency.Of(s.Currency));
        return head + " " + L["Change.Warn.SeatsBilled", ("date", when), ("extra", PortalFormat.Quantity(extra)), ("unit", unit),
            ("total", Portal.Money(total.MinorUnits)), ("per", PortalFormat.Per(TargetInterval)), ("price", PortalFormat.Rate(to.OverageUnitPrice, s.Currency))];
    }

    private static Localization.Texts L => Localization.Texts.Shared;
}
