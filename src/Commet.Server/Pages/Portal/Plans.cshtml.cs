using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Portal;
using Commet.Server.Subscriptions;
using Microsoft.AspNetCore.Mvc;

namespace Commet.Server.Pages.Portal;

/// <summary>The plans of the subscription's plan group, in the group's order, at one billing interval at a time.</summary>
public sealed class PlansModel(RevokeScheduledChange revoke) : PortalPageModel
{
    public override PortalSection Section => PortalSection.Plans;

    public Plan? Current { get; private set; }

    public IReadOnlyList<Plan> Plans { get; private set; } = [];

    public IReadOnlyList<string> Intervals { get; private set; } = [];

    public string? Interval { get; private set; }

    /// <summary>Why the plan cannot be changed here, when it cannot.</summary>
    public string? Blocked { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? interval)
    {
        var s = Portal.Subscription;
        if (!Portal.HasLiveSubscription || s is null)
        {
            return Redirect("/portal");
        }
        Current = await Portal.PlanAsync(Ct);
        if (Current?.PlanGroupId is null)
        {
            Blocked = T["Plans.Blocked.Group"];
            return Page();
        }
        if (s.Status == SubscriptionStatus.PastDue)
        {
            Blocked = T["Plans.Blocked.PastDue"];
        }
        else if (s.Status == SubscriptionStatus.PendingPayment)
        {
            Blocked = T["Plans.Blocked.Pending"];
        }
        Plans = await PlanChoices.GroupPlansAsync(Portal, Current, Ct);
        Intervals = Plans.SelectMany(p => p.Prices).Select(p => p.BillingInterval).Distinct()
            .OrderBy(BillingIntervals.Rank).ToList();
        Interval = interval is not null && Intervals.Contains(interval) ? interval
            : s.BillingInterval is not null && Intervals.Contains(s.BillingInterval) ? s.BillingInterval
            : Intervals.Count > 0 ? Intervals[0] : null;
        return Page();
    }

    /// <summary>Undo a scheduled downgrade or interval change.</summary>
    public async Task<IActionResult> OnPostRevokeAsync(string? subscriptionId)
    {
        if (!Portal.OwnsSubscription(subscriptionId))
        {
            return NotFound();
        }
        var result = await revoke.HandleAsync(Portal.Scope, subscriptionId!, Ct);
        if (!result.IsSuccess)
        {
            Problem = PortalMessages.For(result.Error);
            return await OnGetAsync(null);
        }
        return Done("/portal", "change_revoked");
    }

    public bool IsCurrent(Plan plan) => Current is not null && plan.Id == Current.Id && (plan.IsFree || Portal.Subscription?.BillingInterval == Interval);

    public PlanPrice? PriceOf(Plan plan) => plan.IsFree ? null : plan.Prices.FirstOrDefault(p => p.BillingInterval == Interval);

    /// <summary>"Upgrade", "Downgrade" or "Switch", by the group's order (order, not price, decides) and the interval's length.</summary>
    public string ActionLabel(Plan plan)
    {
        var s = Portal.Subscription!;
        if (Current is null)
        {
            return T["Plans.Action.Choose"];
        }
        if (plan.Id == Current.Id)
        {
            return T["Plans.Action.SwitchBilling", ("billing", PortalFormat.IntervalBilling(Interval))];
        }
        if (plan.IsFree)
        {
            return T["Plans.Action.Downgrade"];
        }
        if (Current.IsFree)
        {
            return T["Plans.Action.Upgrade"];
        }
        return plan.SortOrder > Current.SortOrder ? T["Plans.Action.Upgrade"] : plan.SortOrder < Current.SortOrder ? T["Plans.Action.Downgrade"]
            : BillingIntervals.Rank(Interval ?? "") > BillingIntervals.Rank(s.BillingInterval ?? "") ? T["Plans.Action.Upgrade"] : T["Plans.Action.Switch"];
    }

    /// <summary>A move down the group (or to a free plan): shown as a secondary action.</summary>
    public bool IsDowngrade(Plan plan) =>
        Current is not null && plan.Id != Current.Id && (plan.IsFree || (!Current.IsFree && plan.SortOrder < Current.SortOrder));

    /// <summary>What a year costs on the monthly price minus the yearly price, when both exist and yearly is cheaper.</summary>
    public long? YearlySaving(Plan plan)
    {
        var monthly = plan.Prices.FirstOrDefault(p => p.BillingInterval == "monthly");
        var yearly = plan.Prices.FirstOrDefault(p => p.BillingInterval == "yearly");
        return monthly is not null && yearly is not null && monthly.Price * 12 > yearly.Price ? monthly.Price * 12 - yearly.Price : null;
    }

    private static Localization.Texts T => Localization.Texts.Shared;
}
