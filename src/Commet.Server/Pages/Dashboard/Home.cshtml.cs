using Commet.Domain.Billing;
using Commet.Server.Billing;
using Commet.Server.Dashboard;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Pages.Dashboard;

/// <summary>
/// The organization's figures in this mode (<see cref="HomeFigures"/>) over the last 30, 90 or 365 days
/// (<c>?days=</c>), drawn as server-side SVG charts, and the latest events. In sandbox "today" is the test clock's.
/// </summary>
public sealed class HomeModel(BillingClock clock) : DashboardPageModel
{
    public override string Section => "";

    public HomeFigures Figures { get; private set; } = null!;

    public IReadOnlyList<BillingEvent> Events { get; private set; } = [];

    public async Task OnGetAsync(string? days)
    {
        var now = await clock.NowAsync(Db, Organization.Id, Livemode, Ct);
        Figures = await HomeFigures.LoadAsync(Db, now, HomeFigures.RangeOf(days), Ct);
        Events = await Db.Events.AsNoTracking().OrderByDescending(e => e.Id).Take(15).ToListAsync(Ct);
    }

    /// <summary>"33.3 %", or "—" when nothing ran in the range.</summary>
    public static string Percent(int? tenths) =>
        tenths is { } t ? (t / 10).ToString(System.Globalization.CultureInfo.InvariantCulture) + "." + (t % 10).ToString(System.Globalization.CultureInfo.InvariantCulture) + " %" : "—";
}
