using Commet.Domain.Billing;
using Commet.Server.Billing;
using Commet.Server.Persistence;

namespace Commet.Server.Usage;

/// <summary>
/// What a group of single events (<see cref="TrackGroupCommit"/>) and a batch (<see cref="TrackUsageBatch"/>) do alike when every
/// customer's resolution is cached: name the rows their events touch for one <see cref="TrackReads.ReadForGroupAsync"/>,
/// check that the read confirms the cache, and put what it read into the session.
/// </summary>
internal sealed class CachedGroupRead(GroupKeys keys)
{
    private readonly HashSet<(string, string, DateTime)> counters = [];
    private readonly HashSet<(string, string, DateTime)> daily = [];
    private readonly HashSet<(string, string)> accounts = [];

    public GroupKeys Keys => keys;

    /// <summary>Names the subscription, counter, daily row and account one event touches.</summary>
    public void Add(BillingScope scope, TrackRequest r, LiveSubscription live)
    {
        var keysOf = TrackUsage.KeysFor(scope, r, live);
        keys.SubscriptionIds.Add(live.Subscription.Id);
        if (keysOf.FeatureId is not { } featureId)
        {
            return;
        }
        if (counters.Add((live.Subscription.Id, featureId, keysOf.WindowStart)))
        {
            keys.Counters.Add((live.Subscription.Id, featureId, keysOf.WindowStart));
        }
        if (daily.Add((live.Subscription.Id, featureId, keysOf.Day)))
        {
            keys.Daily.Add((live.Subscription.Id, featureId, keysOf.Day));
        }
        // As PrepareAsync: only an event of a usage feature of the plan opens or moves the account.
        if (keysOf.AccountKind is { } kind && accounts.Add((live.Subscription.Id, kind)))
        {
            keys.Accounts.Add((live.Subscription.Id, kind));
        }
    }

    /// <summary>The read confirms the cache: the catalog version and every subscription's version unchanged, every subscription still live.</summary>
    public static bool Confirms(GroupRows rows, IEnumerable<(LiveSubscription Live, long CatalogVersion)?> hits)
    {
        foreach (var hit in hits)
        {
            var (live, version) = hit!.Value;
            if (version != rows.CatalogVersion || !rows.Subscriptions.TryGetValue(live.Subscription.Id, out var found)
                || found.Version != live.Subscription.Version || !SubscriptionStatus.IsLive(found.Status))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// Puts the read rows into the session: the customers' live subscriptions (locked by the read), the counters and
    /// daily rows (attached, or known to be missing), and the accounts in key order, current at <paramref name="accountScope"/>.
    /// </summary>
    public void Adopt(TrackSession session, BillingScope accountScope, GroupRows rows,
        Dictionary<string, (LiveSubscription Live, long CatalogVersion)?> hits)
    {
        var db = accountScope.Db;
        var bySubscription = new Dictionary<string, LiveSubscription>(StringComparer.Ordinal);
        foreach (var (customerId, hit) in hits)
        {
            var live = hit!.Value.Live;
            session.ByCustomer[customerId] = live;
            session.Locked.Add(live.Subscription.Id);
            bySubscription.TryAdd(live.Subscription.Id, live);
        }
        foreach (var key in counters)
        {
            session.CountersLoaded.Add(key);
            if (rows.Counters.TryGetValue(key, out var counter))
            {
                if (session.Untracked is { } untracked)
                {
                    untracked.Loaded(counter);
                }
                else
                {
                    db.UsageCounters.Attach(counter);
                }
                session.Counters[key] = counter;
            }
        }
        foreach (var key in daily)
        {
            session.DailyLoaded.Add(key);
            if (rows.Daily.TryGetValue(key, out var day))
            {
                if (session.Untracked is { } untracked)
                {
                    untracked.Loaded(day);
                }
                else
                {
                    db.UsageDaily.Attach(day);
                }
                session.Daily[key] = day;
            }
        }
        foreach (var (subscriptionId, kind) in keys.Accounts.OrderBy(a => a.SubscriptionId, StringComparer.Ordinal).ThenBy(a => a.Kind, StringComparer.Ordinal))
        {
            var account = rows.Accounts.GetValueOrDefault((subscriptionId, kind));
            if (account is not null && session.Untracked is null)
            {
                db.ConsumptionAccounts.Attach(account);
            }
            var live = bySubscription[subscriptionId];
            session.Accounts[(subscriptionId, kind)] = Consumption.Current(accountScope, live.Subscription, live.Plan, kind, account, session.Untracked);
        }
    }
}
