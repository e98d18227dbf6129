using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Billing;
using Commet.Server.Catalog;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Subscriptions;

/// <summary>The period a renewal ended (billed in arrears: overage, balance overspend) and the plan it was on.</summary>
public sealed record EndedPeriod(string PlanId, DateTime Start, DateTime End);

/// <summary>
/// Where a subscription stands once its trial or period ended: the plan it was on and the plan it is on now, the
/// price of a scheduled change that applied, and whether a renewal invoice is due (with its base amount).
/// </summary>
public sealed record RenewalStep(Plan? Previous, Plan? Plan, PlanPrice? ChangedPrice, bool PlanChanged, bool Invoiced, long Amount, EndedPeriod? Ended);

/// <summary>
/// The one place a renewal invoice is made, for the billing engine (which then numbers, records and charges it) and
/// for the upcoming invoice (<see cref="UpcomingAsync"/>: the same steps on a copy of the subscription, in memory).
/// <see cref="AdvanceAsync"/> decides what the trial or period end moves the subscription to (the scheduled change,
/// if any); <see cref="InvoiceAsync"/> builds the lines: the base price, the line sources (overage and balance
/// overspend in arrears, seats in advance) and the active add-ons.
/// </summary>
public sealed class RenewalInvoices(IEnumerable<IRenewalLineSource> lineSources)
{
    /// <summary>
    /// Moves <paramref name="s"/> to the period its trial end or period end opens, at <c>at.Now</c> (the moment it was
    /// due). Records nothing: the caller records the plan change, if any, and the invoice.
    /// </summary>
    public static async Task<RenewalStep> AdvanceAsync(BillingScope at, Subscription s, CancellationToken ct)
    {
        var previous = await at.PlanAsync(s.PlanId, ct);
        if (s.Status == SubscriptionStatus.Trialing)
        {
            if (await FreePlanAtTrialEndAsync(at, s, ct) is { } free)
            {
                // A move to a free plan scheduled during the trial happens when the trial ends, without a charge.
                s.PlanId = free.Id;
                s.PlanPriceId = null;
                s.Status = SubscriptionStatus.Active;
                s.TrialEndsAt = null;
                s.StartFree(at.Now);
                s.ClearScheduledChange(at.Now);
                return new RenewalStep(previous, free, null, true, false, 0, null);
            }
            var trialPrice = previous is null ? null : PlanGraph.PriceFor(previous, s.BillingInterval);
            var first = trialPrice?.PriceIn(s.Currency) ?? s.BasePrice;
            s.Status = SubscriptionStatus.Active;
            s.StartPeriod(s.TrialEndsAt!.Value, s.BillingInterval!, first, 0);
            // The first invoice after a trial bills the new period only: nothing was used on a paid period before it.
            return new RenewalStep(previous, previous, null, false, true, first, null);
        }

        var ended = new EndedPeriod(s.PlanId, s.CurrentPeriodStart, s.CurrentPeriodEnd);
        var plan = previous;
        PlanPrice? changedPrice = null;
        var changed = false;
        if (s.ScheduledChangeType is not null)
        {
            var target = s.ScheduledPlanId is null ? plan : await at.PlanAsync(s.ScheduledPlanId, ct);
            // In the subscription's currency; a target that lost its price in it since the change was scheduled is not moved to.
            var targetPrice = target is null || target.IsFree ? null : PlanGraph.PriceFor(target, s.ScheduledInterval)?.In(s.Currency);
            if (target is not null && !target.IsFree && targetPrice is null)
            {
                target = null;
                if (s.IsFree)
                {
                    s.AdvanceFreeMonth();
                }
                else
                {
                    s.AdvancePeriod();
                }
            }
            if (target is not null)
            {
                changedPrice = targetPrice;
                s.PlanId = target.Id;
                s.PlanPriceId = changedPrice?.Id;
                if (target.IsFree)
                {
                    s.StartFree(at.Now);
                }
                else
                {
                    s.StartPeriod(at.Now, changedPrice!.BillingInterval, changedPrice.Price, 0);
                }
                plan = target;
                changed = true;
            }
            s.ClearScheduledChange(at.Now);
        }
        else if (s.IsFree)
        {
            s.AdvanceFreeMonth();
        }
        else
        {
            s.AdvancePeriod();
        }

        if ((s.IsFree && !await ActivateAddon.RenewsPaidAddonsAsync(at, s, ct)) || s.Status == SubscriptionStatus.PastDue)
        {
            // Free plans are never invoiced for time (only their paid add-ons are, each month); a past_due subscription
            // keeps its one outstanding invoice while dunning runs, and is not billed again on top of it.
            return new RenewalStep(previous, plan, changedPrice, changed, false, 0, ended);
        }
        var currentPrice = plan is null ? null : PlanGraph.PriceFor(plan, s.BillingInterval);
        // In the subscription's currency; a price since removed in it keeps the amount agreed before.
        var amount = s.IsFree ? 0 : currentPrice?.PriceIn(s.Currency) ?? s.BasePrice;
        s.BasePrice = amount;
        return new RenewalStep(previous, plan, changedPrice, changed, true, amount, ended);
    }

    /// <summary>The free plan a trialing subscription moves to when its trial ends (a change scheduled during the trial), if any.</summary>
    public static async Task<Plan?> FreePlanAtTrialEndAsync(BillingScope at, Subscription s, CancellationToken ct) =>
        s.ScheduledChangeType is not null && s.ScheduledPlanId is not null && await at.PlanAsync(s.ScheduledPlanId, ct) is { IsFree: true } free ? free : null;

    /// <summary>
    /// One <c>recurring</c> invoice for the period <paramref name="s"/> is now in: the base price (in advance), what the
    /// period that ended used beyond its allowances (in arrears, from the line sources), and every active add-on. In
    /// preview (<see cref="BillingScope.Preview"/>) it is a draft in memory; otherwise it is numbered and added to the
    /// unit of work, and the caller records and charges it.
    /// </summary>
    public async Task<Invoice> InvoiceAsync(BillingScope at, Subscription s, RenewalStep step, CancellationToken ct)
    {
        var name = step.Plan?.Name ?? "Subscription";
        var key = $"renewal:{s.Id}:{EventRecorder.Iso(s.CurrentPeriodStart)}";
        var invoice = at.Preview
            ? InvoiceBuilder.Draft(at, s.CustomerId, s.Id, InvoiceTypes.Recurring, s.Currency, s.CurrentPeriodStart, s.CurrentPeriodEnd, key, name)
            : await InvoiceBuilder.NewAsync(at, s.CustomerId, s.Id, InvoiceTypes.Recurring, s.Currency, s.CurrentPeriodStart, s.CurrentPeriodEnd, key, name, ct);
        invoice.AddLine(InvoiceBuilder.PlanBase(name, step.Amount, s.CurrentPeriodStart, s.CurrentPeriodEnd));
        foreach (var source in lineSources)
        {
            if (step.Ended is { } e)
            {
                await source.AddLinesAsync(at, s, invoice, e.PlanId, e.Start, e.End, ct);
            }
            await source.AddAdvanceLinesAsync(at, s, invoice, ct);
        }
        var addons = at.NoAddons || at.Batch?.MayHaveAddons(s.Id) == false
            ? []
            : await (from sa in at.Db.SubscriptionAddons.AsNoTracking()
                     join a in at.Db.Addons.AsNoTracking() on sa.AddonId equals a.Id
                     where sa.SubscriptionId == s.Id && sa.Status == "active"
                     orderby sa.ActivatedAt
                     select a).ToListAsync(ct);
        foreach (var addon in addons)
        {
            // Add-ons are priced in USD and converted at the plan's rate for the subscription's currency (checked at activation).
            var price = ActivateAddon.PriceOf(s, step.Plan, addon) ?? 0;
            invoice.AddLine(new InvoiceLine
            {
                LineType = LineTypes.AddonBase,
                Description = addon.Name,
                Quantity = 1,
                UnitAmount = price,
                Amount = price,
                ChargeType = "advance",
            });
        }
        // Last: the discount is on the whole invoice. In preview s is a copy, so the period it counts is not kept.
        SubscriptionDiscounts.ApplyToPeriodInvoice(s, invoice);
        return invoice;
    }

    /// <summary>
    /// The invoice the next trial end or period end will make, built now by the renewal's own code on a copy of the
    /// subscription, with usage so far: null when that moment bills nothing (cancellation scheduled, free plan, past
    /// due, not live). Nothing is written or left tracked.
    /// </summary>
    public async Task<Invoice?> UpcomingAsync(BillingScope scope, Subscription subscription, CancellationToken ct)
    {
        DateTime due;
        switch (subscription.Status)
        {
            case SubscriptionStatus.Trialing when subscription.TrialEndsAt is { } trialEnd:
                due = trialEnd;
                break;
            case SubscriptionStatus.Active:
                due = subscription.CurrentPeriodEnd;
                break;
            default:
                return null;
        }
        if (subscription.CancelAtPeriodEnd)
        {
            return null;
        }
        // Dated the moment the renewal will run, like the engine does (RunDueStep bills each step at its due time).
        var at = scope with { Now = due, Preview = true };
        var s = subscription.Copy();
        var tracked = TrackedOutsideCatalog(scope.Db);
        var step = await AdvanceAsync(at, s, ct);
        var invoice = step.Invoiced ? await InvoiceAsync(at, s, step, ct) : null;
        if (TrackedOutsideCatalog(scope.Db) != tracked)
        {
            // A line source wrote (or tracked a row) although the scope said preview: the caller's next save would
            // write it. Fail loudly rather than let an announcement change billing data.
            throw new InvalidOperationException("Building the upcoming invoice left tracked changes in the unit of work; a renewal line source ignores BillingScope.Preview.");
        }
        return invoice;
    }

    /// <summary>What the unit of work tracks besides the plan graph (which <see cref="BillingScope.PlanAsync"/> caches), and in which state.</summary>
    internal static string TrackedOutsideCatalog(DbContext db) =>
        string.Join(",", db.ChangeTracker.Entries()
            .Where(e => e.Entity is not (Plan or PlanPrice or PlanFeature or Feature))
            .Select(e => $"{e.Metadata.ClrType.Name}:{e.State}")
            .Order(StringComparer.Ordinal));
}
