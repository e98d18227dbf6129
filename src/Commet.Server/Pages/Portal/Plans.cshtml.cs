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
            Blocked = "Your plan can't be changed here. Contact us if you'd like to change it.";
            return Page();
        }
        if (s.Status == SubscriptionStatus.PastDue)
        {
            Blocked = "Plan changes are paused while a payment is overdue. Pay the overdue amount first.";
        }
        else if (s.Status == SubscriptionStatus.PendingPayment)
        {
            Blocked = "Your plan can be changed once the first payment is made.";
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
            return "Choose";
        }
        if (plan.Id == Current.Id)
        {
            return $"Switch to {PortalFormat.IntervalAdjective(Interval).ToLowerInvariant()} billing";
        }
        if (plan.IsFree)
        {
            return "Downgrade";
        }
        if (Current.IsFree)
        {
            return "Upgrade";
        }
        return plan.SortOrder > Current.SortOrder ? "Upgrade" : plan.SortOrder < Current.SortOrder ? "Downgrade"
            : BillingIntervals.Rank(Interval ?? "") > BillingIntervals.Rank(s.BillingInterval ?? "") ? "Upgrade" : "Switch";
    }
}
