using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Portal;

/// <summary>
/// A session row read with its customer, the organization's test clock and the tenant's catalog version (0 before the
/// first catalog change; see <see cref="CatalogVersion"/>), which read-only pages use to take plans from the shared cache.
/// </summary>
/// <remarks><see cref="Subscription"/> is the customer's current subscription when it was read along with the session (on
/// PostgreSQL, in the same round trip), null when it was not read; <see cref="Overview"/> likewise the overview's card and
/// invoices.</remarks>
public sealed record SessionRow(PortalSession Session, Customer Customer, DateTime? Clock, long CatalogVersion, PrefetchedSubscription? Subscription,
    PrefetchedOverview? Overview);

/// <summary>The customer's current subscription as read with the session: <see cref="Value"/> null when they have none.</summary>
public sealed record PrefetchedSubscription(Subscription? Value);

/// <summary>
/// The overview's default card (null when there is none) and latest issued invoices (newest first, at most
/// <see cref="Invoices"/>), as read with the session; the page shows the invoices only when the organization shows them.
/// </summary>
public sealed record PrefetchedOverview(PaymentMethod? Card, List<InvoiceRow> LatestInvoices)
{
    /// <summary>How many invoices the overview lists.</summary>
    public const int Invoices = 3;
}

/// <summary>
/// On a portal page's model: the page is the overview, so the request's session read (on PostgreSQL) brings the card and
/// latest invoices along (<see cref="PrefetchedOverview"/>).
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class ReadsOverviewAttribute : Attribute;

/// <summary>
/// What the overview's "recent invoices" table shows of an invoice (6 of the invoice's columns, not all 45); read with the
/// card by <see cref="CommetDb.ReadCardAndInvoicesAsync"/>.
/// </summary>
public sealed record InvoiceRow(string Id, string Number, DateTime IssueDate, string Status, long Total, string Currency);

/// <summary>What the overview shows of the plan (no prices or features: they are not shown there; the model says whether a balance is).</summary>
public sealed record PlanSummary(string Name, string? Description, string? PlanGroupId, string? ConsumptionModel);

/// <summary>
/// The queries every portal page runs, compiled once: EF Core then skips translating (and looking up) the LINQ
/// tree on each request, which is most of a small query's cost. The tenant filters still apply.
/// </summary>
public static class PortalQueries
{
    public static readonly Compiled<string, SessionRow?> SessionByHash = new((db, hash, ct) =>
        (from s in db.PortalSessions.IgnoreQueryFilters().AsNoTracking()
         where s.SessionHash == hash
         join c in db.Customers.IgnoreQueryFilters().AsNoTracking()
             on new { Id = s.CustomerId, s.OrganizationId, s.Livemode } equals new { c.Id, c.OrganizationId, c.Livemode }
         select new SessionRow(s, c, db.TestClocks.Where(t => t.OrganizationId == s.OrganizationId).Select(t => t.SimulatedTime).FirstOrDefault(),
             db.CatalogVersions.Where(v => v.OrganizationId == s.OrganizationId && v.Livemode == s.Livemode).Select(v => v.Version).FirstOrDefault(),
             (PrefetchedSubscription?)null, (PrefetchedOverview?)null))
        .FirstOrDefault());

    /// <summary>
    /// The live subscription if there is one, else the latest. (Kept apart from the session query on purpose: as a
    /// subquery EF numbers the rows of the whole subscriptions table to pick one.)
    /// </summary>
    public static readonly Compiled<string, Subscription?> CurrentSubscription = new((db, customerId, ct) =>
        db.Subscriptions.AsNoTracking().Where(s => s.CustomerId == customerId)
            .OrderBy(s => s.Status == SubscriptionStatus.PendingPayment || s.Status == SubscriptionStatus.Trialing
                || s.Status == SubscriptionStatus.Active || s.Status == SubscriptionStatus.PastDue ? 0 : 1)
            .ThenByDescending(s => s.Id)
            .FirstOrDefault());

    public static readonly Compiled<string, PaymentMethod?> DefaultCard = new((db, customerId, ct) =>
        db.PaymentMethods.AsNoTracking().FirstOrDefault(m => m.CustomerId == customerId && m.IsDefault && m.DetachedAt == null));
}
