using Commet.Domain;
using Commet.Server.Billing;
using Commet.Server.Dashboard;
using Commet.Server.TestClocks;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Pages.Dashboard;

/// <summary>
/// The sandbox test clock (sandbox only; live is 404): where sandbox time stands, moving it forward (the API's
/// <see cref="AdvanceTestClock"/>) and running the billing due at that time (the API's billing engine run).
/// </summary>
[Requires(Capability.ApiKeys)]
public sealed class TestClockModel(AdvanceTestClock advance, BillingClock clock, BillingEngine engine) : DashboardPageModel
{
    public override string Section => "test-clock";

    public DateTime? SimulatedTime { get; private set; }

    public DateTime Now { get; private set; }

    protected override async Task<IActionResult?> BeforeHandlerAsync(PageHandlerExecutingContext context) =>
        await base.BeforeHandlerAsync(context) ?? (Livemode ? NotFound() : null);

    private async Task LoadAsync()
    {
        SimulatedTime = await Db.TestClocks.AsNoTracking().Where(c => c.OrganizationId == Organization.Id).Select(c => c.SimulatedTime).FirstOrDefaultAsync(Ct);
        Now = SimulatedTime ?? clock.RealNow;
    }

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostAdvanceAsync(string? days)
    {
        if (!int.TryParse(days, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n))
        {
            n = 0; // the use case refuses it with its own message
        }
        var moved = await advance.HandleAsync(Db, Organization.Id, new AdvanceTestClockRequest { AdvanceDays = n }, Ct);
        if (!moved.IsSuccess)
        {
            Db.ChangeTracker.Clear();
            Response.StatusCode = moved.Error!.Status;
            Problem = DashboardText.Describe(moved.Error);
            await LoadAsync();
            return Page();
        }
        await AuditAsync(AuditActions.TestClockAdvanced, DashboardText.Time(moved.Value));
        return Redirect(Path("test-clock") + "?moved=1");
    }

    public async Task<IActionResult> OnPostProcessAsync()
    {
        var now = await clock.NowAsync(Db, Organization.Id, false, Ct);
        var run = await engine.RunAsync(new Tenant(Organization.Id, false), now, BillingScopes.BaseUrlOf(Request), Ct);
        await LoadAsync();
        Notice = $"Billing run at {DashboardText.Time(now)}: {run.Processed} subscriptions processed, {run.InvoicesCreated} invoices created, {run.Failed} failed.";
        return Page();
    }
}
