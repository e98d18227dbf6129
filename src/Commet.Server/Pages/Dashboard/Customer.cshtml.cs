using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Billing;
using Commet.Server.Customers;
using Commet.Server.Dashboard;
using Commet.Server.Infrastructure;
using Commet.Server.Portal;
using Commet.Server.Subscriptions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Commet.Server.Pages.Dashboard;

/// <summary>
/// One customer (found by our ID or the merchant's, in this organization and mode only — anything else is 404):
/// details, subscriptions, invoices; support may open the portal as the customer (the API's request-access link).
/// </summary>
public sealed class CustomerModel(PortalSessions sessions, PortalBrandings brandings, IOptions<CommetOptions> options, CancelSubscription cancel, BillingScopes scopes)
    : DashboardPageModel
{
    public override string Section => "customers";

    public Customer Customer { get; private set; } = null!;

    public IReadOnlyList<Subscription> Subscriptions { get; private set; } = [];

    public IReadOnlyDictionary<string, string> PlanNames { get; private set; } = new Dictionary<string, string>();

    public IReadOnlyList<Invoice> Invoices { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(string id)
    {
        var customer = await CustomerRules.FindAsync(Db, id, Ct);
        if (customer is null)
        {
            return NotFound();
        }
        Customer = customer;
        Subscriptions = await Db.Subscriptions.AsNoTracking().Where(s => s.CustomerId == customer.Id)
            .OrderByDescending(s => s.Id).Take(5).ToListAsync(Ct);
        var planIds = Subscriptions.Select(s => s.PlanId).Distinct().ToList();
        PlanNames = await Db.Plans.AsNoTracking().Where(p => planIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Name, Ct);
        Invoices = await Db.Invoices.AsNoTracking().Where(i => i.CustomerId == customer.Id)
            .OrderByDescending(i => i.Id).Take(20).ToListAsync(Ct);
        return Page();
    }

    /// <summary>Opens the customer's portal in this browser with a single-use link, as the API's request-access makes it.</summary>
    [Requires(Capability.CustomerActions)]
    public async Task<IActionResult> OnPostPortalAsync(string? customerId)
    {
        var customer = string.IsNullOrEmpty(customerId) ? null : await CustomerRules.FindAsync(Db, customerId, Ct);
        if (customer is null)
        {
            return NotFound();
        }
        var url = await RequestAccess.CreateLinkAsync(Db, customer, Organization.Id, Livemode, returnUrl: null, locale: null, sessions, brandings,
            RequestAccess.BaseUrl(options.Value, Request), Ct);
        await AuditAsync(AuditActions.PortalOpened, customer.Id);
        return Redirect(url);
    }

    /// <summary>Cancels one of this customer's subscriptions with the API's cancel: at the period end, or at once when asked.</summary>
    [Requires(Capability.CustomerActions)]
    public async Task<IActionResult> OnPostCancelAsync(string id, string? subscriptionId, string? immediate, string? reason)
    {
        var customer = await CustomerRules.FindAsync(Db, id, Ct);
        var subscription = customer is null || string.IsNullOrEmpty(subscriptionId) ? null
            : await Db.Subscriptions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == subscriptionId && s.CustomerId == customer.Id, Ct);
        if (customer is null || subscription is null)
        {
            return NotFound();
        }
        var scope = await scopes.ForAsync(Db, Organization.Id, Livemode, BillingScopes.BaseUrlOf(Request), Ct);
        var result = await cancel.HandleAsync(scope, subscription.Id,
            new CancelSubscriptionRequest { Immediate = immediate == "true", Reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim() }, Ct);
        if (!result.IsSuccess)
        {
            Db.ChangeTracker.Clear();
            var page = await OnGetAsync(id);
            Response.StatusCode = result.Error!.Status;
            Problem = DashboardText.Describe(result.Error);
            return page;
        }
        await AuditAsync(AuditActions.SubscriptionCanceled, subscription.Id + (immediate == "true" ? " (now)" : " (at period end)"));
        return Redirect(Path("customers/" + Uri.EscapeDataString(customer.Id)) + "?canceled=1");
    }
}
