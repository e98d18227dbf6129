using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Billing;
using Commet.Server.Catalog;
using Commet.Server.Payments;
using Commet.Server.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Subscriptions;

public enum DueKind
{
    DunningRetry,
    TrialWillEnd,
    TrialEnd,
    Upcoming,
    PeriodEnd,
}

public sealed record StepOutcome(BillingRun Counts, bool More);

/// <summary>
/// The billing engine's step for one subscription: whatever is due first (a dunning retry, a trial or renewal notice,
/// the end of a trial, the end of a period), at the moment it was due.
/// </summary>
public sealed class RunDueStep(PaymentService payments, HostedLinks links, IEnumerable<IRenewalLineSource> lineSources, SubscriptionLifecycle lifecycle)
{
    public static readonly TimeSpan NoticeAhead = TimeSpan.FromDays(3);

    /// <summary>The earliest thing the engine has to do for a subscription, and when.</summary>
    public static (DateTime At, DueKind Kind)? NextDue(Subscription s)
    {
        var candidates = new List<(DateTime, DueKind)>();
        switch (s.Status)
        {
            case SubscriptionStatus.PastDue:
                if (s.NextRetryAt is { } retry)
                {
                    candidates.Add((retry, DueKind.DunningRetry));
                }
                candidates.Add((s.CurrentPeriodEnd, DueKind.PeriodEnd));
                break;
            case SubscriptionStatus.Trialing when s.TrialEndsAt is { } trialEnd:
                if (s.TrialWillEndSentFor != trialEnd && trialEnd - NoticeAhead > s.StartDate)
                {
                    candidates.Add((trialEnd - NoticeAhead, DueKind.TrialWillEnd));
                }
                candidates.Add((trialEnd, DueKind.TrialEnd));
                break;
            case SubscriptionStatus.Active:
                if (!s.IsFree && !s.CancelAtPeriodEnd && s.UpcomingSentFor != s.CurrentPeriodEnd
                    && s.CurrentPeriodEnd - NoticeAhead > s.CurrentPeriodStart)
                {
                    candidates.Add((s.CurrentPeriodEnd - NoticeAhead, DueKind.Upcoming));
                }
                candidates.Add((s.CurrentPeriodEnd, DueKind.PeriodEnd));
                break;
            default:
                return null;
        }
        // Ties go to the order of DueKind: a retry before the period end, a notice before the renewal.
        return candidates.OrderBy(c => c.Item1).ThenBy(c => c.Item2).First();
    }

    /// <summary>Does the earliest due step of one subscription, if it is due, in one transaction.</summary>
    public async Task<StepOutcome> HandleAsync(BillingScope scope, string subscriptionId, CancellationToken ct)
    {
        var outcome = new StepOutcome(BillingRun.None, false);
        var result = await scope.Db.InTransactionAsync<bool>(async () =>
        {
            var s = await scope.Db.LockSubscriptionAsync(subscriptionId, ct);
            if (s is null)
            {
                return false;
            }
            outcome = await RunLockedAsync(scope, s, ct);
            return true;
        }, ct);
        return outcome with { More = result.IsSuccess && outcome.More };
    }

    /// <summary>
    /// The earliest due step of a subscription the caller has locked, in the caller's unit of work (which the caller
    /// saves): <see cref="HandleAsync"/> for one subscription, the engine's chunks for many.
    /// </summary>
    public async Task<StepOutcome> RunLockedAsync(BillingScope scope, Subscription s, CancellationToken ct)
    {
        var counts = BillingRun.None;
        var due = NextDue(s);
        if (due is null || due.Value.At > scope.Now)
        {
            s.NextActionAt = due?.At;
            return new StepOutcome(counts, false);
        }
        // Each step happens at the moment it was due, so a clock advanced by three months bills three
        // renewals dated at their own period boundaries.
        var at = scope with { Now = due.Value.At };
        switch (due.Value.Kind)
        {
            case DueKind.DunningRetry:
                counts = await DunningRetryAsync(at, s, ct);
                break;
            case DueKind.TrialWillEnd:
                s.TrialWillEndSentFor = s.TrialEndsAt;
                var trialPlan = await at.PlanAsync(s.PlanId, ct);
                EventRecorder.Record(at.Db, at.Tenant, new TrialWillEndData(s.Id, s.CustomerId, s.Status, s.PlanId, WebhookPlanRef.Of(trialPlan, s.PlanId).Name, s.TrialEndsAt!.Value),
                    at.Now, s.Id, s.CustomerId);
                break;
            case DueKind.Upcoming:
                s.UpcomingSentFor = s.CurrentPeriodEnd;
                var plan = await at.PlanAsync(s.ScheduledPlanId ?? s.PlanId, ct);
                var upcomingPlan = WebhookPlanRef.Of(plan, s.ScheduledPlanId ?? s.PlanId);
                EventRecorder.Record(at.Db, at.Tenant, new InvoiceUpcomingData(s.Id, s.CustomerId, s.Status, upcomingPlan.Id, upcomingPlan.Name,
                    s.ScheduledInterval ?? s.BillingInterval, s.CurrentPeriodEnd), at.Now, s.Id, s.CustomerId);
                break;
            case DueKind.TrialEnd:
                counts = await EndTrialAsync(at, s, ct);
                break;
            case DueKind.PeriodEnd:
                counts = await EndPeriodAsync(at, s, ct);
                break;
        }
        var next = NextDue(s);
        s.NextActionAt = next?.At;
        return new StepOutcome(counts, next is not null && next.Value.At <= scope.Now);
    }

    /// <summary>The customer's default card; a chunk has read them all already.</summary>
    private static Task<PaymentMethod?> DefaultMethodAsync(BillingScope at, string customerId, CancellationToken ct) =>
        at.Batch is { } batch ? Task.FromResult(batch.DefaultMethodOf(customerId)) : PaymentService.DefaultMethodAsync(at.Db, customerId, ct);

    private async Task<BillingRun> DunningRetryAsync(BillingScope at, Subscription s, CancellationToken ct)
    {
        var outcome = await lifecycle.RetryOutstandingAsync(at, s, $"retry:{s.DunningRetries + 1}", null, ct);
        if (outcome.Succeeded)
        {
            return BillingRun.None with { DunningRetried = 1 };
        }
        if (s.RetryFailed(at.Now) is not null)
        {
            return BillingRun.None with { DunningRetried = 1 };
        }
        // The last retry failed: the invoice cannot be collected and the subscription ends.
        var invoice = await at.Db.Invoices.FirstOrDefaultAsync(i => i.Id == s.OutstandingInvoiceId, ct);
        invoice?.MarkUncollectible(at.Now);
        EventRecorder.Record(at.Db, at.Tenant, new PaymentRetryFailedData(invoice?.Id, invoice?.Number, s.CustomerId, s.Id, CancelReasons.DunningExhausted),
            at.Now, s.Id, s.CustomerId);
        s.CancelNow(at.Now, CancelReasons.DunningExhausted, null);
        SubscriptionLifecycle.RecordCanceled(at, s);
        await lifecycle.CanceledAsync(at, s, ct);
        return BillingRun.None with { DunningRetried = 1, DunningFailed = 1 };
    }

    private async Task<BillingRun> EndTrialAsync(BillingScope at, Subscription s, CancellationToken ct)
    {
        if (s.CancelAtPeriodEnd)
        {
            // Canceled during the trial: it ends with the trial, and nothing is charged.
            s.CancelNow(at.Now, s.CancelReason, s.CancelFeedback);
            SubscriptionLifecycle.RecordCanceled(at, s);
            await lifecycle.CanceledAsync(at, s, ct);
            return BillingRun.None;
        }
        if (s.ScheduledChangeType is not null && s.ScheduledPlanId is not null)
        {
            // A move to a free plan scheduled during the trial happens when the trial ends, without a charge.
            var target = await at.PlanAsync(s.ScheduledPlanId, ct);
            if (target is { IsFree: true })
            {
                var previous = await at.PlanAsync(s.PlanId, ct);
                s.PlanId = target.Id;
                s.PlanPriceId = null;
                s.Status = SubscriptionStatus.Active;
                s.TrialEndsAt = null;
                s.StartFree(at.Now);
                s.ClearScheduledChange(at.Now);
                EventRecorder.Record(at.Db, at.Tenant, SubscriptionPlanChangedData.From(s, previous, target, null, 0, 0, 0), at.Now, s.Id, s.CustomerId);
                await lifecycle.PeriodStartedAsync(at, s, ct);
                return BillingRun.None;
            }
        }
        var plan = await at.PlanAsync(s.PlanId, ct);
        var method = await DefaultMethodAsync(at, s.CustomerId, ct);
        var trialEnd = s.TrialEndsAt!.Value;
        if (method is null)
        {
            // No card was ever given: the trial simply ends.
            EventRecorder.Record(at.Db, at.Tenant, new TrialExpiredData(s.Id, s.CustomerId, SubscriptionStatus.Canceled, s.PlanId, WebhookPlanRef.Of(plan, s.PlanId).Name, trialEnd),
                at.Now, s.Id, s.CustomerId);
            s.CancelNow(at.Now, "trial_expired", null);
            SubscriptionLifecycle.RecordCanceled(at, s);
            await lifecycle.CanceledAsync(at, s, ct);
            return BillingRun.None;
        }
        var price = plan is null ? null : PlanGraph.PriceFor(plan, s.BillingInterval);
        var amount = price?.Price ?? s.BasePrice;
        s.Status = SubscriptionStatus.Active;
        s.StartPeriod(trialEnd, s.BillingInterval!, amount, 0);
        var invoice = await RenewalInvoiceAsync(at, s, plan, amount, null, ct);
        var outcome = await payments.ChargeInvoiceAsync(at.Db, at.Tenant, invoice, $"{invoice.Id}:charge", at.Now, ct, method);
        if (outcome.Succeeded)
        {
            s.PaidForCurrentPeriod = invoice.Total >= amount ? amount : invoice.Total;
            s.MarkPaid(at.Now);
            EventRecorder.Record(at.Db, at.Tenant, new TrialConvertedData(s.Id, s.CustomerId, s.Status, s.PlanId, WebhookPlanRef.Of(plan, s.PlanId).Name), at.Now, s.Id, s.CustomerId);
        }
        else
        {
            PastDue(at, s, invoice, outcome);
        }
        await lifecycle.PeriodStartedAsync(at, s, ct);
        return BillingRun.None with { InvoicesCreated = 1 };
    }

    private async Task<BillingRun> EndPeriodAsync(BillingScope at, Subscription s, CancellationToken ct)
    {
        if (s.CancelAtPeriodEnd)
        {
            // The cancellation comes first: a plan change kept dormant while it was pending never applies, and
            // CancelNow discards it.
            s.CancelNow(at.Now, s.CancelReason, s.CancelFeedback);
            SubscriptionLifecycle.RecordCanceled(at, s);
            await lifecycle.CanceledAsync(at, s, ct);
            return BillingRun.None;
        }

        var endedStart = s.CurrentPeriodStart;
        var endedEnd = s.CurrentPeriodEnd;
        var endedPlanId = s.PlanId;
        var plan = await at.PlanAsync(s.PlanId, ct);
        if (s.ScheduledChangeType is not null)
        {
            var target = s.ScheduledPlanId is null ? plan : await at.PlanAsync(s.ScheduledPlanId, ct);
            if (target is not null)
            {
                var previous = plan;
                var price = target.IsFree ? null : PlanGraph.PriceFor(target, s.ScheduledInterval);
                s.PlanId = target.Id;
                s.PlanPriceId = price?.Id;
                if (target.IsFree)
                {
                    s.StartFree(at.Now);
                }
                else
                {
                    s.StartPeriod(at.Now, price!.BillingInterval, price.Price, 0);
                }
                EventRecorder.Record(at.Db, at.Tenant, SubscriptionPlanChangedData.From(s, previous, target, s.BillingInterval, 0, price?.Price ?? 0, 0),
                    at.Now, s.Id, s.CustomerId);
                plan = target;
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
            await lifecycle.PeriodStartedAsync(at, s, ct);
            return BillingRun.None;
        }

        var currentPrice = plan is null ? null : PlanGraph.PriceFor(plan, s.BillingInterval);
        var amount = s.IsFree ? 0 : currentPrice?.Price ?? s.BasePrice;
        s.BasePrice = amount;
        var invoice = await RenewalInvoiceAsync(at, s, plan, amount, (endedPlanId, endedStart, endedEnd), ct);
        var outcome = await payments.ChargeInvoiceAsync(at.Db, at.Tenant, invoice, $"{invoice.Id}:charge", at.Now, ct, at.Batch?.DefaultMethodOf(s.CustomerId));
        if (outcome.Succeeded)
        {
            s.PaidForCurrentPeriod = amount;
            s.MarkPaid(at.Now);
        }
        else
        {
            s.PaidForCurrentPeriod = 0;
            PastDue(at, s, invoice, outcome);
        }
        await lifecycle.PeriodStartedAsync(at, s, ct);
        return BillingRun.None with { InvoicesCreated = 1 };
    }

    /// <summary>
    /// One <c>recurring</c> invoice: the base price of the new period (in advance), what the period that ended
    /// used beyond its allowances (in arrears, from the usage line sources), and every active add-on.
    /// </summary>
    private async Task<Invoice> RenewalInvoiceAsync(BillingScope at, Subscription s, Plan? plan, long amount, (string PlanId, DateTime Start, DateTime End)? ended, CancellationToken ct)
    {
        var name = plan?.Name ?? "Subscription";
        var invoice = await InvoiceBuilder.NewAsync(at, s.CustomerId, s.Id, InvoiceTypes.Recurring, s.Currency, s.CurrentPeriodStart, s.CurrentPeriodEnd,
            $"renewal:{s.Id}:{EventRecorder.Iso(s.CurrentPeriodStart)}", name, ct);
        invoice.AddLine(InvoiceBuilder.PlanBase(name, amount, s.CurrentPeriodStart, s.CurrentPeriodEnd));
        foreach (var source in lineSources)
        {
            if (ended is { } e)
            {
                await source.AddLinesAsync(at, s, invoice, e.PlanId, e.Start, e.End, ct);
            }
            await source.AddAdvanceLinesAsync(at, s, invoice, ct);
        }
        var addons = at.Batch?.MayHaveAddons(s.Id) == false
            ? []
            : await (from sa in at.Db.SubscriptionAddons
                     join a in at.Db.Addons on sa.AddonId equals a.Id
                     where sa.SubscriptionId == s.Id && sa.Status == "active"
                     orderby sa.ActivatedAt
                     select a).ToListAsync(ct);
        foreach (var addon in addons)
        {
            invoice.AddLine(new InvoiceLine
            {
                LineType = LineTypes.AddonBase,
                Description = addon.Name,
                Quantity = 1,
                UnitAmount = addon.BasePrice,
                Amount = addon.BasePrice,
                ChargeType = "advance",
            });
        }
        InvoiceBuilder.RecordCreated(at, invoice);
        return invoice;
    }

    private void PastDue(BillingScope at, Subscription s, Invoice invoice, ChargeOutcome outcome)
    {
        s.MarkPastDue(invoice.Id, at.Now);
        var session = links.Create(at.Db, at.Tenant, HostedKinds.Recovery, s.CustomerId, s.Id, invoice.Id, null, at.Now);
        EventRecorder.Record(at.Db, at.Tenant, new SubscriptionPastDueData(s.Id, s.CustomerId, s.Status, invoice.Id, invoice.Number), at.Now, s.Id, s.CustomerId);
        EventRecorder.Record(at.Db, at.Tenant, new PaymentFailedData(invoice.Id, invoice.Number, s.CustomerId, s.Id, outcome.FailureCode ?? "card_declined",
            outcome.FailureMessage ?? "The payment failed.", links.Url(session, at.BaseUrl)), at.Now, s.Id, s.CustomerId);
    }
}
