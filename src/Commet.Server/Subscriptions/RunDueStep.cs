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
public sealed class RunDueStep(PaymentService payments, HostedLinks links, RenewalInvoices renewals, SubscriptionLifecycle lifecycle)
{
    public static readonly TimeSpan NoticeAhead = Subscription.NoticeAhead;

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

    /// <summary>
    /// Does the earliest due step of one subscription, if it is due, in one transaction. When that leaves nothing more due
    /// and the subscription is claimed by <paramref name="leaseOwner"/>, the claim ends in the same commit, so a crash
    /// right after the commit cannot leave a claim on a subscription that is done.
    /// </summary>
    public async Task<StepOutcome> HandleAsync(BillingScope scope, string subscriptionId, CancellationToken ct, string? leaseOwner = null)
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
            if (!outcome.More && leaseOwner is not null && s.LeaseOwner == leaseOwner)
            {
                s.LeaseOwner = null;
                s.LeaseUntil = null;
            }
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
        var trialEnd = s.TrialEndsAt!.Value;
        var method = await DefaultMethodAsync(at, s.CustomerId, ct);
        if (method is null && await RenewalInvoices.FreePlanAtTrialEndAsync(at, s, ct) is null)
        {
            // No card was ever given: the trial simply ends.
            var trialPlan = await at.PlanAsync(s.PlanId, ct);
            EventRecorder.Record(at.Db, at.Tenant, new TrialExpiredData(s.Id, s.CustomerId, SubscriptionStatus.Canceled, s.PlanId, WebhookPlanRef.Of(trialPlan, s.PlanId).Name, trialEnd),
                at.Now, s.Id, s.CustomerId);
            s.CancelNow(at.Now, "trial_expired", null);
            SubscriptionLifecycle.RecordCanceled(at, s);
            await lifecycle.CanceledAsync(at, s, ct);
            return BillingRun.None;
        }
        var step = await RenewalInvoices.AdvanceAsync(at, s, ct);
        if (!step.Invoiced)
        {
            // The trial ended on a free plan scheduled during it: no charge.
            EventRecorder.Record(at.Db, at.Tenant, SubscriptionPlanChangedData.From(s, step.Previous, step.Plan!, null, 0, 0, 0), at.Now, s.Id, s.CustomerId);
            await lifecycle.PeriodStartedAsync(at, s, ct);
            return BillingRun.None;
        }
        var plan = step.Plan;
        var amount = step.Amount;
        var invoice = await renewals.InvoiceAsync(at, s, step, ct);
        InvoiceBuilder.RecordCreated(at, invoice);
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

        var step = await RenewalInvoices.AdvanceAsync(at, s, ct);
        Infrastructure.CommetMetrics.Renewal();
        if (step.PlanChanged)
        {
            EventRecorder.Record(at.Db, at.Tenant, SubscriptionPlanChangedData.From(s, step.Previous, step.Plan!, s.BillingInterval, 0, step.ChangedPrice?.Price ?? 0, 0),
                at.Now, s.Id, s.CustomerId);
        }
        if (!step.Invoiced)
        {
            await lifecycle.PeriodStartedAsync(at, s, ct);
            return BillingRun.None;
        }

        var invoice = await renewals.InvoiceAsync(at, s, step, ct);
        InvoiceBuilder.RecordCreated(at, invoice);
        var outcome = await payments.ChargeInvoiceAsync(at.Db, at.Tenant, invoice, $"{invoice.Id}:charge", at.Now, ct, at.Batch?.DefaultMethodOf(s.CustomerId));
        if (outcome.Succeeded)
        {
            s.PaidForCurrentPeriod = step.Amount;
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

    private void PastDue(BillingScope at, Subscription s, Invoice invoice, ChargeOutcome outcome)
    {
        s.MarkPastDue(invoice.Id, at.Now);
        var session = links.Create(at.Db, at.Tenant, HostedKinds.Recovery, s.CustomerId, s.Id, invoice.Id, null, at.Now);
        EventRecorder.Record(at.Db, at.Tenant, new SubscriptionPastDueData(s.Id, s.CustomerId, s.Status, invoice.Id, invoice.Number), at.Now, s.Id, s.CustomerId);
        EventRecorder.Record(at.Db, at.Tenant, new PaymentFailedData(invoice.Id, invoice.Number, s.CustomerId, s.Id, outcome.FailureCode ?? "card_declined",
            outcome.FailureMessage ?? "The payment failed.", links.Url(session, at.BaseUrl)), at.Now, s.Id, s.CustomerId);
    }
}
