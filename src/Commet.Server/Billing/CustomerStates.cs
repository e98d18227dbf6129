using System.Runtime.CompilerServices;
using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Catalog;
using Commet.Server.Persistence;
using Commet.Server.Usage;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Billing;

/// <summary>
/// <c>customer.state_changed</c>: what a customer may use now, after an entitlement transition.
/// <para>
/// <see cref="EventRecorder"/> notes every event that is such a transition (see <see cref="Triggers"/>). When the
/// unit of work saves, <see cref="CommetDb.SaveChangesAsync(bool, CancellationToken)"/> calls
/// <see cref="RecordPendingAsync"/>: with the change written (inside the caller's transaction where there is one), the
/// customer's current state is read and one <c>customer.state_changed</c> per customer is added and saved, its trigger
/// that of the last transition of the unit of work. Events of a unit of work that rolled back (the change tracker
/// cleared) are not there any more, so nothing is recorded for them. The billing engine's chunked path writes its
/// events with COPY and hands them over itself (<see cref="RecordForAsync"/>).
/// </para>
/// </summary>
public static class CustomerStates
{
    /// <summary>The SDK's trigger for each event that changes what a customer may use.</summary>
    public static readonly IReadOnlyDictionary<string, string> Triggers = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [EventNames.SubscriptionCreated] = "subscription_created",
        [EventNames.SubscriptionActivated] = "subscription_activated",
        // The SDK lists no trigger of their own for these; the subscription is active again (docs/decisions.md).
        [EventNames.SubscriptionReactivated] = "subscription_activated",
        [EventNames.PaymentRecovered] = "subscription_activated",
        [EventNames.SubscriptionUpdated] = "subscription_activated", // recorded when voiding a past-due invoice makes it active

        [EventNames.SubscriptionCanceled] = "subscription_canceled",
        [EventNames.SubscriptionPlanChanged] = "plan_change",
        [EventNames.SubscriptionPastDue] = "past_due",
        [EventNames.TrialStarted] = "trial_started",
        [EventNames.TrialConverted] = "trial_converted",
        [EventNames.TrialExpired] = "trial_expired",
        [EventNames.SubscriptionCancellationScheduled] = "cancellation_scheduled",
        [EventNames.SubscriptionCancellationRevoked] = "cancellation_revoked",
        [EventNames.SeatsUpdated] = "seats_updated",
        [EventNames.AddonActivated] = "addon_activated",
        [EventNames.AddonDeactivated] = "addon_deactivated",
        [EventNames.CreditsDepleted] = "credits_depleted",
        [EventNames.BalanceDepleted] = "balance_depleted",
        [EventNames.QuotaExceeded] = "quota_exceeded",
    };

    private sealed class Pending
    {
        public int Lease;
        public readonly List<BillingEvent> Events = [];
    }

    private static readonly ConditionalWeakTable<CommetDb, Pending> PerContext = [];

    /// <summary>Called by <see cref="EventRecorder"/> for every event it adds.</summary>
    internal static void Noted(CommetDb db, BillingEvent evt)
    {
        if (evt.CustomerId is not null && Triggers.ContainsKey(evt.Type))
        {
            PendingOf(db).Events.Add(evt);
        }
    }

    /// <summary>Whether the context holds transitions not yet followed by their state.</summary>
    public static bool HasPending(CommetDb db) => PerContext.TryGetValue(db, out var p) && p.Lease == db.ContextId.Lease && p.Events.Count > 0;

    /// <summary>
    /// Adds (does not save) a <c>customer.state_changed</c> per customer for the noted transitions that were saved
    /// with this context; the change they describe must be written already.
    /// </summary>
    public static async Task RecordPendingAsync(CommetDb db, CancellationToken ct)
    {
        var pending = PendingOf(db);
        var saved = pending.Events.Where(e => db.Entry(e).State == EntityState.Unchanged).ToList();
        pending.Events.Clear();
        await RecordAsync(db, saved, ct);
    }

    /// <summary>
    /// As <see cref="RecordPendingAsync"/>, for events written by other means (the engine's COPY); false when none of
    /// them is a transition, so there is nothing to save.
    /// </summary>
    public static async Task<bool> RecordForAsync(CommetDb db, IEnumerable<BillingEvent> written, CancellationToken ct)
    {
        PendingOf(db).Events.Clear();
        var transitions = written.Where(e => e.CustomerId is not null && Triggers.ContainsKey(e.Type)).ToList();
        await RecordAsync(db, transitions, ct);
        return transitions.Count > 0;
    }

    private static async Task RecordAsync(CommetDb db, List<BillingEvent> transitions, CancellationToken ct)
    {
        if (transitions.Count == 0)
        {
            return;
        }
        var (org, livemode) = (db.TenantOrganizationId, db.TenantLivemode);
        try
        {
            // One per customer: the state after everything this unit of work did, with the last transition as trigger —
            // except that a trial's end names the transition rather than the subscription event recorded with it.
            foreach (var group in transitions.GroupBy(e => (e.OrganizationId, e.Livemode, e.CustomerId!)))
            {
                var last = group.Last();
                var trigger = Triggers[(group.LastOrDefault(e => e.Type is EventNames.TrialExpired or EventNames.TrialConverted) ?? last).Type];
                var tenant = new Tenant(last.OrganizationId, last.Livemode);
                db.ScopeTo(tenant.OrganizationId, tenant.Livemode);
                var data = await StateAsync(new BillingScope(db, tenant, last.OccurredAt, ""), last.CustomerId!, trigger, ct);
                EventRecorder.Record(db, tenant, data, last.OccurredAt, data.SubscriptionId, last.CustomerId);
            }
        }
        finally
        {
            if (org is null)
            {
                db.Unscope();
            }
            else
            {
                db.ScopeTo(org, livemode);
            }
        }
    }

    /// <summary>The customer's state as it stands (read from the database).</summary>
    public static async Task<CustomerStateChangedData> StateAsync(BillingScope scope, string customerId, string trigger, CancellationToken ct)
    {
        var db = scope.Db;
        var s = await db.Subscriptions.AsNoTracking()
            .Where(x => x.CustomerId == customerId && SubscriptionStatus.Live.Contains(x.Status))
            .OrderByDescending(x => x.CreatedAt).FirstOrDefaultAsync(ct);
        var plan = s is null ? null : await PlanGraph.LoadAsync(db, s.PlanId, ct);
        var customer = s is null ? null : await db.Customers.AsNoTracking().FirstOrDefaultAsync(c => c.Id == customerId, ct);
        if (s is null || plan is null || customer is null)
        {
            return new CustomerStateChangedData(customerId, trigger, CustomerStateChangedData.NoSubscription, null, null, null, null, [], [], null, null);
        }

        var live = new LiveSubscription(customer, s, plan);
        var allowance = await AddonAllowances.ForWindowAsync(scope, s, scope.Now, ct);
        var features = new List<WebhookFeatureAccess>();
        var seats = new List<WebhookSeatSummary>();
        foreach (var pf in plan.Features.Where(f => f.Feature is not null).OrderBy(f => f.Feature!.Code, StringComparer.Ordinal))
        {
            var a = await ListFeatureAccess.AccessAsync(scope, live, pf, canUse: false, ct, allowance);
            features.Add(new WebhookFeatureAccess(a.Code, a.Name, a.Type, a.Allowed, a.Enabled, a.Current, a.Included, a.Remaining,
                a.OverageQuantity, a.OverageUnitPrice, a.Unlimited, a.OverageEnabled, a.BilledQuantity));
            if (a.Type == FeatureTypes.Seats)
            {
                seats.Add(new WebhookSeatSummary(a.Code, a.Current, a.Included, a.Remaining, a.Unlimited));
            }
        }
        WebhookCreditsBalance? credits = null;
        WebhookBalance? balance = null;
        switch (Consumption.AccountKindOf(plan))
        {
            case Domain.Usage.AccountKinds.Credits:
                var c = await CheckUsage.ReadAccountAsync(scope, s, plan, Domain.Usage.AccountKinds.Credits, ct);
                credits = new WebhookCreditsBalance(c.PlanAmount, c.PurchasedAmount, c.Total);
                break;
            case Domain.Usage.AccountKinds.Balance:
                var b = await CheckUsage.ReadAccountAsync(scope, s, plan, Domain.Usage.AccountKinds.Balance, ct);
                balance = new WebhookBalance(b.Total);
                break;
        }
        return new CustomerStateChangedData(customerId, trigger, s.Status, s.Id, WebhookPlanRef.Of(plan), s.BillingInterval,
            plan.ConsumptionModel ?? ConsumptionModels.Metered, features, seats, credits, balance);
    }

    private static Pending PendingOf(CommetDb db)
    {
        var pending = PerContext.GetOrCreateValue(db);
        if (pending.Lease != db.ContextId.Lease)
        {
            pending.Events.Clear();
            pending.Lease = db.ContextId.Lease;
        }
        return pending;
    }
}
