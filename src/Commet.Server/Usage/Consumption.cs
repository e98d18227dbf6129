using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Domain.Usage;
using Commet.Server.Billing;
using Commet.Server.Catalog;
using Commet.Server.Customers;
using Commet.Server.Payments;
using Commet.Server.Persistence;
using Commet.Server.Subscriptions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Commet.Server.Usage;

public sealed class UsageOptions
{
    public const string Section = "Commet:Usage";

    /// <summary>Record a <c>usage.recorded</c> event per usage event (opt-in: it doubles the writes of ingestion).</summary>
    public bool EmitRecordedEvents { get; set; }

    /// <summary>
    /// The low mark of <c>credits.low</c> and <c>balance.low</c>, in percent of the period's plan credits or of the
    /// balance after its last refill (see <see cref="LowBalanceAlerts"/>). 10, as the SDK documents; 0 turns both off.
    /// </summary>
    public int LowBalancePercent { get; set; } = LowBalanceAlerts.DefaultPercent;

    /// <summary>
    /// Group commit of single usage events (<see cref="TrackGroupCommit"/>): events of one tenant that arrive while an
    /// earlier group is being written are written together in the next transaction. On by default; off, every single
    /// event is its own transaction.
    /// </summary>
    public bool GroupCommit { get; set; } = true;

    /// <summary>
    /// How many groups of one tenant may be written at once on PostgreSQL (SQLite has one writer: always 1). Groups
    /// beyond the first start only when a full group (<see cref="TrackUsage.MaxBatch"/> events) waits.
    /// </summary>
    public int GroupCommitConcurrency { get; set; } = 2;
}

/// <summary>A customer's live subscription with its plan, resolved for consumption.</summary>
public sealed record LiveSubscription(Customer Customer, Subscription Subscription, Plan Plan);

/// <summary>
/// What the consumption use cases (TrackUsage, CheckUsage, ChangeSeats, PurchaseCredits, …) share: the customer's live
/// subscription, the monthly allowance window, and the credits and balance accounts. Accounts are append-only ledgers
/// whose running totals live in <see cref="ConsumptionAccount"/> rows, changed only with the row locked.
/// </summary>
public static class Consumption
{
    public static Error NoSubscription(string customerId) =>
        Error.NotFound("subscription", $"Customer '{customerId}' has no live subscription.") with { Code = "no_active_subscription" };

    public static async Task<Result<LiveSubscription>> LiveAsync(CommetDb db, string customerId, CancellationToken ct, bool track = false)
    {
        var customer = await CustomerRules.FindAsync(db, customerId, ct);
        if (customer is null)
        {
            return CustomerRules.NotFound(customerId);
        }
        var query = track ? db.Subscriptions : db.Subscriptions.AsNoTracking();
        var s = await query.FirstOrDefaultAsync(x => x.CustomerId == customer.Id && SubscriptionStatus.Live.Contains(x.Status), ct);
        if (s is null)
        {
            return NoSubscription(customerId);
        }
        var plan = await PlanGraph.LoadAsync(db, s.PlanId, ct);
        return plan is null ? NoSubscription(customerId) : new LiveSubscription(customer, s, plan);
    }

    public static (DateTime Start, DateTime End) Window(Subscription s, DateTime at) => BillingCalendar.AllowanceWindow(s.BillingAnchor, at);

    /// <summary>The plan's monthly allowance of credits or balance, from the subscription's price.</summary>
    public static long AllowanceOf(Subscription s, Plan plan, string kind)
    {
        var price = plan.Prices.FirstOrDefault(p => p.Id == s.PlanPriceId) ?? PlanGraph.PriceFor(plan, s.BillingInterval);
        if (s.Status is SubscriptionStatus.Canceled)
        {
            return 0;
        }
        return kind == AccountKinds.Credits ? price?.IncludedCredits ?? 0 : price?.IncludedBalanceIn(s.Currency) ?? 0;
    }

    public static string? AccountKindOf(Plan plan) => plan.ConsumptionModel switch
    {
        ConsumptionModels.Credits => AccountKinds.Credits,
        ConsumptionModels.Balance => AccountKinds.Balance,
        _ => null,
    };

    /// <summary>
    /// Loads (locking it on PostgreSQL) or opens the account, and brings its plan bucket into the current
    /// monthly window: what was left of the old allowance expires, the new allowance is granted.
    /// </summary>
    public static async Task<ConsumptionAccount> AccountAsync(BillingScope scope, Subscription s, Plan plan, string kind, CancellationToken ct)
    {
        var account = await scope.Db.LockAccountAsync(s.Id, kind, ct);
        return Current(scope, s, plan, kind, account);
    }

    /// <summary>As <see cref="AccountAsync(BillingScope, Subscription, Plan, string, CancellationToken)"/>, the account held in <paramref name="untracked"/> instead of EF Core's change tracker.</summary>
    internal static async Task<ConsumptionAccount> AccountAsync(BillingScope scope, Subscription s, Plan plan, string kind, UntrackedUsageRows untracked, CancellationToken ct)
    {
        var account = await scope.Db.LockAccountAsync(s.Id, kind, ct, track: false);
        return Current(scope, s, plan, kind, account, untracked);
    }

    /// <summary>
    /// The account as loaded (null when it does not exist yet: it is opened), brought into the current monthly
    /// window. The caller has locked it (<c>AccountAsync</c>, or the batch load of <c>PrepareAsync</c>). With
    /// <paramref name="untracked"/>, the account (loaded untracked) is registered there, and a new one is listed there,
    /// instead of being added to EF Core's change tracker: the caller writes it (<see cref="UsageWrites.WriteAsync"/>).
    /// </summary>
    internal static ConsumptionAccount Current(BillingScope scope, Subscription s, Plan plan, string kind, ConsumptionAccount? account,
        UntrackedUsageRows? untracked = null)
    {
        var (windowStart, _) = Window(s, scope.Now);
        if (account is null)
        {
            account = new ConsumptionAccount { SubscriptionId = s.Id, Kind = kind, WindowStart = DateTime.MinValue.ToUniversalTime(), UpdatedAt = scope.Now };
            if (untracked is not null)
            {
                untracked.NewAccounts.Add(account);
            }
            else
            {
                scope.Db.ConsumptionAccounts.Add(account);
            }
        }
        else
        {
            untracked?.Loaded(account);
        }
        if (account.WindowStart != windowStart)
        {
            ResetPlanBucket(scope, s, account, AllowanceOf(s, plan, kind), windowStart);
        }
        return account;
    }

    /// <summary>Expires what is left of the plan bucket and grants a fresh allowance.</summary>
    public static void ResetPlanBucket(BillingScope scope, Subscription s, ConsumptionAccount account, long allowance, DateTime windowStart)
    {
        var left = account.PlanAmount;
        if (left != 0)
        {
            Entry(scope, s, account, Buckets.Plan, -left, "expire", null);
            if (account.Kind == AccountKinds.Credits && left > 0)
            {
                EventRecorder.Record(scope.Db, scope.Tenant, new CreditsExpiredData(s.Id, s.CustomerId, left), scope.Now, s.Id, s.CustomerId);
            }
        }
        if (allowance > 0)
        {
            Entry(scope, s, account, Buckets.Plan, allowance, "grant", null);
            if (account.Kind == AccountKinds.Credits)
            {
                EventRecorder.Record(scope.Db, scope.Tenant, new CreditsGrantedData(s.Id, s.CustomerId, allowance, CreditsGrantedData.PeriodReset), scope.Now, s.Id, s.CustomerId);
            }
        }
        account.Allowance = allowance;
        account.WindowStart = windowStart;
        if (allowance > 0)
        {
            LowBalanceAlerts.Refilled(account);
        }
    }

    /// <summary>Appends a ledger entry and moves the account's running total with it.</summary>
    public static void Entry(BillingScope scope, Subscription s, ConsumptionAccount account, string bucket, long amount, string reason, string? reference, string? note = null)
    {
        if (bucket == Buckets.Plan)
        {
            account.PlanAmount += amount;
        }
        else
        {
            account.PurchasedAmount += amount;
        }
        account.UpdatedAt = scope.Now;
        scope.Db.Ledger.Add(new LedgerEntry
        {
            Id = Ids.New("led"),
            OrganizationId = scope.Tenant.OrganizationId,
            Livemode = scope.Tenant.Livemode,
            SubscriptionId = s.Id,
            Kind = account.Kind,
            Bucket = bucket,
            Amount = amount,
            Reason = reason,
            Reference = reference,
            Note = note,
            At = scope.Now,
        });
    }

    /// <summary>
    /// Records a spend already taken from the account (see <see cref="ConsumptionAccount.Spend"/>) in the ledger. With
    /// <paramref name="into"/>, the entries are collected there (the caller writes them) instead of being tracked.
    /// </summary>
    public static void RecordSpend(BillingScope scope, Subscription s, ConsumptionAccount account, (long FromPlan, long FromPurchased) split, string reference,
        List<LedgerEntry>? into = null)
    {
        // Spend() already moved the totals; the entries record the same movement.
        foreach (var (bucket, amount) in new[] { (Buckets.Plan, split.FromPlan), (Buckets.Purchased, split.FromPurchased) })
        {
            if (amount == 0)
            {
                continue;
            }
            var entry = new LedgerEntry
            {
                Id = Ids.New("led"),
                OrganizationId = scope.Tenant.OrganizationId,
                Livemode = scope.Tenant.Livemode,
                SubscriptionId = s.Id,
                Kind = account.Kind,
                Bucket = bucket,
                Amount = -amount,
                Reason = "usage",
                Reference = reference,
                At = scope.Now,
            };
            if (into is not null)
            {
                into.Add(entry);
            }
            else
            {
                scope.Db.Ledger.Add(entry);
            }
        }
        account.UpdatedAt = scope.Now;
    }

    /// <summary>Rate-scale units (10000 = 1.00) of a minor-unit amount in the given currency.</summary>
    public static long RateOfMinor(long minor, Currency currency) => checked(minor * Money.RateScale / Pow10(currency.Digits));

    /// <summary>Minor units of a rate-scale amount, rounded half away from zero.</summary>
    public static long MinorOfRate(long rate, Currency currency) => Money.FromRate(rate, 1, currency).MinorUnits;

    private static long Pow10(int digits) => digits switch { 0 => 1, 1 => 10, 2 => 100, 3 => 1000, _ => (long)Math.Pow(10, digits) };
}
