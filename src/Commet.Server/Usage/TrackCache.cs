using System.Collections.Concurrent;
using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Billing;

namespace Commet.Server.Usage;

/// <summary>
/// How a usage event's customer resolved last time: the customer, its live subscription as it was (with its
/// concurrency version) and the plan graph, each remembered under the tenant's catalog version of the transaction
/// that read them. A hit is only a guess: the event's transaction reads the catalog version and the subscription's
/// version (locked) and uses the guess only when both are unchanged; otherwise it resolves afresh and the answer is
/// remembered again. Entries are shared between requests and never changed (the subscription is copied per use).
/// </summary>
public sealed class TrackCache
{
    private const int MaxCustomers = 200_000;

    private sealed record CustomerEntry(Customer Customer, Subscription Subscription, long CatalogVersion);

    private sealed record PlanEntry(Plan Plan, long CatalogVersion);

    private readonly ConcurrentDictionary<(string, bool, string), CustomerEntry> customers = new();
    private readonly ConcurrentDictionary<string, PlanEntry> plans = new(StringComparer.Ordinal);

    /// <summary>A remembered resolution of <paramref name="customerKey"/> (ID or external ID), with the catalog version it holds under.</summary>
    public (LiveSubscription Live, long CatalogVersion)? Find(Tenant tenant, string customerKey)
    {
        if (!customers.TryGetValue((tenant.OrganizationId, tenant.Livemode, customerKey), out var entry)
            || !plans.TryGetValue(entry.Subscription.PlanId, out var plan) || plan.CatalogVersion != entry.CatalogVersion)
        {
            return null;
        }
        return (new LiveSubscription(entry.Customer, entry.Subscription.Copy(), plan.Plan), entry.CatalogVersion);
    }

    /// <summary>
    /// The remembered resolution of each of <paramref name="customerKeys"/> (a key named twice is looked up once), or null
    /// when any of them is missing or there are none: a group or batch then resolves all of its customers afresh.
    /// </summary>
    public Dictionary<string, (LiveSubscription Live, long CatalogVersion)?>? FindAll(Tenant tenant, IEnumerable<string> customerKeys)
    {
        var hits = new Dictionary<string, (LiveSubscription Live, long CatalogVersion)?>(StringComparer.Ordinal);
        foreach (var key in customerKeys)
        {
            if (hits.ContainsKey(key))
            {
                continue;
            }
            if (Find(tenant, key) is not { } hit)
            {
                return null;
            }
            hits[key] = hit;
        }
        return hits.Count == 0 ? null : hits;
    }

    public void Remember(Tenant tenant, string customerKey, LiveSubscription live, long catalogVersion)
    {
        if (customers.Count >= MaxCustomers)
        {
            customers.Clear();
        }
        customers[(tenant.OrganizationId, tenant.Livemode, customerKey)] = new CustomerEntry(live.Customer, live.Subscription.Copy(), catalogVersion);
        plans[live.Plan.Id] = new PlanEntry(live.Plan, catalogVersion);
    }
}
