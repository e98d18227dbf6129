using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Domain.Usage;
using Commet.Server.Billing;

namespace Commet.Server.Usage;

/// <summary>
/// <c>credits.low</c> and <c>balance.low</c>: the one place that decides them. The ingestion path calls it after a
/// spend with the total before it; the account holds the total after, so nothing is read.
/// <para>
/// The low mark is a share (<see cref="UsageOptions.LowBalancePercent"/>, 10 % by default, as the SDK documents) of
/// the period's plan credits (credits plans) or of the balance right after its last refill (balance plans:
/// a period's grant, a top-up or a positive adjustment, see <see cref="Refilled"/>), rounded down. An event is
/// recorded when a spend takes the total from at or above the mark to below it — once per crossing; a refill that
/// lifts the total above the mark again re-arms it. A mark of 0 (no plan credits, no refill yet, or 0 %) records nothing.
/// </para>
/// </summary>
public static class LowBalanceAlerts
{
    public const int DefaultPercent = 10;

    /// <summary>The mark: <paramref name="percent"/> % of <paramref name="basis"/>, rounded down; 0 when there is none.</summary>
    public static long Threshold(long basis, int percent)
    {
        if (basis <= 0 || percent <= 0)
        {
            return 0;
        }
        var p = Math.Min(percent, 100);
        return basis / 100 * p + basis % 100 * p / 100; // floor(basis × p / 100) without overflow
    }

    /// <summary>A refill happened: the balance's low mark is now a share of what the account holds.</summary>
    public static void Refilled(ConsumptionAccount account) => account.RefillLevel = Math.Max(0, account.Total);

    /// <summary>After credits were spent from <paramref name="before"/> down to <c>account.Total</c>.</summary>
    public static void AfterCreditsSpend(BillingScope scope, Subscription s, Customer customer, ConsumptionAccount account, long before, int percent)
    {
        var threshold = Threshold(account.Allowance, percent);
        if (Crossed(before, account.Total, threshold))
        {
            EventRecorder.Record(scope.Db, scope.Tenant, new CreditsLowData(s.Id, s.CustomerId, account.Total, threshold, account.Allowance),
                scope.Now, s.Id, customer);
        }
    }

    /// <summary>After balance was spent from <paramref name="before"/> down to <c>account.Total</c> (rate scale).</summary>
    public static void AfterBalanceSpend(BillingScope scope, Subscription s, Customer customer, ConsumptionAccount account, long before, int percent)
    {
        var threshold = Threshold(account.RefillLevel, percent);
        if (Crossed(before, account.Total, threshold))
        {
            EventRecorder.Record(scope.Db, scope.Tenant, new BalanceLowData(s.Id, s.CustomerId, account.Total, threshold, s.Currency),
                scope.Now, s.Id, customer);
        }
    }

    private static bool Crossed(long before, long after, long threshold) => threshold > 0 && before >= threshold && after < threshold;
}
