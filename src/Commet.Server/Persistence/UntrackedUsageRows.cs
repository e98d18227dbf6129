using Commet.Domain.Usage;

namespace Commet.Server.Persistence;

/// <summary>
/// The counters, daily rows and consumption accounts of one unit of work held outside EF Core's change tracker (the
/// batch endpoint): each row loaded is registered with the values it was read with, each new row is listed, and
/// <see cref="UsageWrites.WriteAsync"/> writes those changed since and the new ones. EF Core never attaches, snapshots or
/// scans them (its change tracker was about a quarter of the server's CPU on the batch path).
/// </summary>
public sealed class UntrackedUsageRows
{
    private readonly List<(UsageCounter Row, decimal Quantity, DateTime UpdatedAt)> counters = [];
    private readonly List<(UsageDaily Row, decimal Quantity)> daily = [];
    private readonly List<(ConsumptionAccount Row, AccountValues Read)> accounts = [];

    public List<UsageCounter> NewCounters { get; } = [];
    public List<UsageDaily> NewDaily { get; } = [];
    public List<ConsumptionAccount> NewAccounts { get; } = [];

    public bool HasNew => NewCounters.Count + NewDaily.Count + NewAccounts.Count > 0;

    /// <summary>A counter read from the database (under its subscription's lock), as it was read.</summary>
    public void Loaded(UsageCounter row) => counters.Add((row, row.Quantity, row.UpdatedAt));

    /// <summary>A daily row read from the database, as it was read.</summary>
    public void Loaded(UsageDaily row) => daily.Add((row, row.Quantity));

    /// <summary>An account read (and locked) from the database, as it was read: register it before changing it.</summary>
    public void Loaded(ConsumptionAccount row) => accounts.Add((row, AccountValues.Of(row)));

    /// <summary>The loaded rows whose values differ from those they were read with.</summary>
    public (List<UsageCounter> Counters, List<UsageDaily> Daily, List<ConsumptionAccount> Accounts) Changed() =>
        (counters.Where(c => c.Row.Quantity != c.Quantity || c.Row.UpdatedAt != c.UpdatedAt).Select(c => c.Row).ToList(),
         daily.Where(d => d.Row.Quantity != d.Quantity).Select(d => d.Row).ToList(),
         accounts.Where(a => AccountValues.Of(a.Row) != a.Read).Select(a => a.Row).ToList());

    /// <summary>The columns of an account that are written (its key never changes).</summary>
    private readonly record struct AccountValues(long PlanAmount, long PurchasedAmount, long Allowance, DateTime WindowStart, DateTime UpdatedAt, long RefillLevel)
    {
        public static AccountValues Of(ConsumptionAccount a) => new(a.PlanAmount, a.PurchasedAmount, a.Allowance, a.WindowStart, a.UpdatedAt, a.RefillLevel);
    }
}
