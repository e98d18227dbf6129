using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Domain.Usage;
using Commet.Server.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Usage;

/// <summary>Loads, and locks, what the events of one transaction need before they are applied.</summary>
internal static class TrackPreparation
{
    /// <summary>
    /// Loads what the events of one transaction (one event, or a batch) need with a few queries for all of them
    /// instead of several per event: the customers; their live subscriptions, locked in one statement in Id
    /// order, so that two batches naming the same customers in different orders wait for each other instead of
    /// deadlocking; their plans; and the counters, daily rows and accounts the events will move (accounts
    /// locked too, in key order). Whatever is not resolved here (an unknown customer, no live subscription, a
    /// feature the plan lacks) is left to <see cref="TrackUsage.ApplyAsync"/>, which answers it as it always has.
    /// </summary>
    internal static async Task PrepareAsync(TrackSession session, IReadOnlyList<TrackRequest> events, CancellationToken ct)
    {
        var scope = session.Scope;
        var db = scope.Db;
        var requested = events.Select(e => e.CustomerId).OfType<string>()
            .Where(id => !session.ByCustomer.ContainsKey(id)).Distinct(StringComparer.Ordinal).ToArray();
        if (requested.Length == 0)
        {
            return;
        }

        // Customers: by cus_ ID first, then by the merchant's ID (as CustomerRules.FindAsync).
        var prefixed = requested.Where(id => Ids.HasPrefix(id, Ids.Customer)).ToArray();
        var customers = await db.Customers.AsNoTracking()
            .Where(c => requested.Contains(c.ExternalId!) || prefixed.Contains(c.Id))
            .ToListAsync(ct);
        var resolved = new Dictionary<string, Customer>(StringComparer.Ordinal);
        foreach (var id in requested)
        {
            var customer = (Ids.HasPrefix(id, Ids.Customer) ? customers.FirstOrDefault(c => c.Id == id) : null)
                ?? customers.FirstOrDefault(c => c.ExternalId == id);
            if (customer is not null)
            {
                resolved[id] = customer;
            }
        }
        if (resolved.Count == 0)
        {
            return;
        }

        // Their live subscriptions, locked in Id order.
        var customerIds = resolved.Values.Select(c => c.Id).Distinct(StringComparer.Ordinal).ToArray();
        var subscriptions = await db.LockLiveSubscriptionsOfAsync(customerIds, ct);
        if (subscriptions.Count == 0)
        {
            return;
        }
        var planIds = subscriptions.Select(s => s.PlanId).Distinct(StringComparer.Ordinal).ToArray();
        var plans = await db.Plans.Include(p => p.Prices).Include(p => p.Features).ThenInclude(f => f.Feature)
            .Where(p => planIds.Contains(p.Id))
            .ToListAsync(ct);
        var bySubscription = new Dictionary<string, LiveSubscription>(StringComparer.Ordinal);
        foreach (var (id, customer) in resolved)
        {
            var s = subscriptions.FirstOrDefault(x => x.CustomerId == customer.Id);
            var plan = s is null ? null : plans.FirstOrDefault(p => p.Id == s.PlanId);
            if (s is null || plan is null)
            {
                continue;
            }
            var found = new LiveSubscription(customer, s, plan);
            session.ByCustomer[id] = found;
            session.Locked.Add(s.Id);
            bySubscription[s.Id] = found;
        }

        // The rows the events will move.
        var now = scope.Now;
        var counterKeys = new HashSet<(string, string, DateTime)>();
        var dailyKeys = new HashSet<(string, string, DateTime)>();
        var accountKeys = new HashSet<(string, string)>();
        var limited = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            if (e.CustomerId is null || !session.ByCustomer.TryGetValue(e.CustomerId, out var found) || found is null)
            {
                continue;
            }
            var pf = found.Plan.Features.FirstOrDefault(f => f.Feature?.Code == e.Feature);
            if (pf?.Feature is null || !pf.Enabled || pf.Feature.Type != FeatureTypes.Usage)
            {
                continue;
            }
            var s = found.Subscription;
            bySubscription[s.Id] = found;
            AddIfNew(counterKeys, session.Counters, session.CountersLoaded, (s.Id, pf.Feature.Id, Consumption.Window(s, now).Start));
            AddIfNew(dailyKeys, session.Daily, session.DailyLoaded, (s.Id, pf.Feature.Id, UsageDays.Of(now, found.Customer)));
            if (Consumption.AccountKindOf(found.Plan) is { } kind && !session.Accounts.ContainsKey((s.Id, kind)))
            {
                accountKeys.Add((s.Id, kind));
            }
            else if (Consumption.AccountKindOf(found.Plan) is null && !pf.Unlimited && !TrackUsage.OverageAllowed(found.Plan, s, pf)
                && !session.Allowances.ContainsKey(s.Id))
            {
                limited.Add(s.Id);
            }
        }

        if (limited.Count > 0)
        {
            // Events that stop at a limit need the add-ons' units too: one query for all of them.
            var since = limited.Min(id => Consumption.Window(bySubscription[id].Subscription, now).Start);
            var grants = await AddonAllowances.LoadManyAsync(db, limited, since, ct);
            foreach (var id in limited)
            {
                session.Allowances[id] = grants.TryGetValue(id, out var list) ? new Allowance(list) : Allowance.PlanOnly;
            }
        }

        if (counterKeys.Count > 0)
        {
            var subIds = counterKeys.Select(k => k.Item1).Distinct(StringComparer.Ordinal).ToArray();
            var featureIds = counterKeys.Select(k => k.Item2).Distinct(StringComparer.Ordinal).ToArray();
            var from = counterKeys.Min(k => k.Item3);
            var rows = await (session.Untracked is null ? db.UsageCounters : db.UsageCounters.AsNoTracking())
                .Where(c => subIds.Contains(c.SubscriptionId) && featureIds.Contains(c.FeatureId) && c.WindowStart >= from)
                .ToListAsync(ct);
            foreach (var row in rows)
            {
                var key = (row.SubscriptionId, row.FeatureId, row.WindowStart);
                if (counterKeys.Contains(key))
                {
                    session.Untracked?.Loaded(row);
                    session.Counters[key] = row;
                }
            }
            session.CountersLoaded.UnionWith(counterKeys);
        }
        if (dailyKeys.Count > 0)
        {
            var subIds = dailyKeys.Select(k => k.Item1).Distinct(StringComparer.Ordinal).ToArray();
            var featureIds = dailyKeys.Select(k => k.Item2).Distinct(StringComparer.Ordinal).ToArray();
            // Each customer's own day (UsageDays): one or two distinct days in a batch that spans zones.
            var days = dailyKeys.Select(k => k.Item3).Distinct().ToArray();
            var rows = await (session.Untracked is null ? db.UsageDaily : db.UsageDaily.AsNoTracking())
                .Where(d => subIds.Contains(d.SubscriptionId) && featureIds.Contains(d.FeatureId) && days.Contains(d.Day))
                .ToListAsync(ct);
            foreach (var row in rows)
            {
                var key = (row.SubscriptionId, row.FeatureId, row.Day);
                if (dailyKeys.Contains(key))
                {
                    session.Untracked?.Loaded(row);
                    session.Daily[key] = row;
                }
            }
            session.DailyLoaded.UnionWith(dailyKeys);
        }
        if (accountKeys.Count > 0)
        {
            var subIds = accountKeys.Select(k => k.Item1).Distinct(StringComparer.Ordinal).ToArray();
            var kinds = accountKeys.Select(k => k.Item2).Distinct(StringComparer.Ordinal).ToArray();
            var accounts = await db.LockAccountsAsync(subIds, kinds, ct, track: session.Untracked is null);
            foreach (var (subscriptionId, kind) in accountKeys.OrderBy(k => k.Item1, StringComparer.Ordinal).ThenBy(k => k.Item2, StringComparer.Ordinal))
            {
                var found = bySubscription[subscriptionId];
                var account = accounts.FirstOrDefault(a => a.SubscriptionId == subscriptionId && a.Kind == kind);
                session.Accounts[(subscriptionId, kind)] = Consumption.Current(scope, found.Subscription, found.Plan, kind, account, session.Untracked);
            }
        }
    }

    private static void AddIfNew<T>(HashSet<(string, string, DateTime)> keys, Dictionary<(string, string, DateTime), T> loaded,
        HashSet<(string, string, DateTime)> lookedUp, (string, string, DateTime) key)
    {
        if (!loaded.ContainsKey(key) && !lookedUp.Contains(key))
        {
            keys.Add(key);
        }
    }
}
