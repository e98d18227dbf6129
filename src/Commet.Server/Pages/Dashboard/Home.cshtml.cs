using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Dashboard;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Pages.Dashboard;

/// <summary>
/// The organization's figures in this mode: MRR per currency (active and past-due subscriptions, each period's
/// price brought to a month), subscriptions by status, new subscriptions per day, the latest events.
/// </summary>
public sealed class HomeModel(TimeProvider clock) : DashboardPageModel
{
    public override string Section => "";

    public IReadOnlyList<(string Currency, long Amount)> Mrr { get; private set; } = [];

    public int Active { get; private set; }

    public int Trialing { get; private set; }

    public int PastDue { get; private set; }

    public DateTime Since { get; private set; }

    public int[] NewPerDay { get; private set; } = new int[30];

    public IReadOnlyList<BillingEvent> Events { get; private set; } = [];

    public async Task OnGetAsync()
    {
        var byStatus = await Db.Subscriptions.AsNoTracking().GroupBy(s => s.Status)
            .Select(g => new { Status = g.Key, Count = g.Count() }).ToListAsync(Ct);
        int Count(string status) => byStatus.FirstOrDefault(s => s.Status == status)?.Count ?? 0;
        Active = Count(SubscriptionStatus.Active);
        Trialing = Count(SubscriptionStatus.Trialing);
        PastDue = Count(SubscriptionStatus.PastDue);

        var paying = await Db.Subscriptions.AsNoTracking()
            .Where(s => (s.Status == SubscriptionStatus.Active || s.Status == SubscriptionStatus.PastDue) && s.BillingInterval != null)
            .GroupBy(s => new { s.Currency, s.BillingInterval })
            .Select(g => new { g.Key.Currency, g.Key.BillingInterval, Total = g.Sum(s => s.BasePrice) })
            .ToListAsync(Ct);
        Mrr = paying.GroupBy(p => p.Currency)
            .Select(g => (g.Key, g.Sum(p => Monthly(p.Total, p.BillingInterval!, g.Key))))
            .OrderBy(m => m.Key).ToList();

        var today = clock.GetUtcNow().UtcDateTime.Date;
        Since = today.AddDays(-29);
        var created = await Db.Subscriptions.AsNoTracking().Where(s => s.CreatedAt >= Since)
            .OrderByDescending(s => s.CreatedAt).Select(s => s.CreatedAt).Take(100_000).ToListAsync(Ct);
        foreach (var at in created)
        {
            var day = (int)(at.Date - Since).TotalDays;
            if (day is >= 0 and < 30)
            {
                NewPerDay[day]++;
            }
        }

        Events = await Db.Events.AsNoTracking().OrderByDescending(e => e.Id).Take(15).ToListAsync(Ct);
    }

    /// <summary>
    /// One period's price as a month's share, rounded half away from zero to the minor unit:
    /// quarterly ÷ 3, yearly ÷ 12, weekly × 52 ÷ 12.
    /// </summary>
    public static long Monthly(long perPeriod, string interval, string currency)
    {
        var money = new Money(perPeriod, Currency.IsKnown(currency) ? Currency.Of(currency) : Currency.Usd);
        return interval switch
        {
            BillingIntervals.Quarterly => money.MultiplyFraction(1, 3).MinorUnits,
            BillingIntervals.Yearly => money.MultiplyFraction(1, 12).MinorUnits,
            BillingIntervals.Weekly => money.MultiplyFraction(52, 12).MinorUnits,
            _ => perPeriod,
        };
    }
}
