using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Billing;
using Commet.Server.Payments;
using Commet.Server.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Subscriptions;

/// <summary>
/// Every change to a subscription, one verb per file (Create.cs, Cancel.cs, ChangePlan.cs, …). The API
/// endpoints, the portal and the hosted pages call these; each runs in one database transaction with the
/// subscription row locked, writes its invoices and events in that transaction, and returns a value or a coded error.
/// </summary>
public sealed partial class SubscriptionOps(PaymentService payments, HostedLinks links, IEnumerable<IRenewalLineSource> lineSources,
    IEnumerable<ISubscriptionLifecycleHook> hooks, IEnumerable<IHostedPurchaseCompleter> purchaseCompleters)
{
    public PaymentService Payments => payments;

    public HostedLinks Links => links;

    public static Error NotFound(string id) => Error.NotFound("subscription", $"No subscription with ID '{Truncate(id)}'.");

    public static Error PaymentFailed(ChargeOutcome outcome, string? recoveryUrl) =>
        new("payment_failed", outcome.FailureMessage ?? "The payment failed.", 402, "card_error", null,
            new PaymentFailedDetails(outcome.FailureCode, recoveryUrl));

    /// <summary>
    /// Runs <paramref name="work"/> in a transaction that commits on success and rolls back on an error. When a
    /// unique index refuses the commit (a concurrent request won the race), the answer is <paramref name="onConflict"/>.
    /// </summary>
    public static async Task<Result<T>> InTransactionAsync<T>(BillingScope scope, Func<Task<Result<T>>> work, CancellationToken ct, Error? onConflict = null)
    {
        var db = scope.Db;
        var gate = await SqliteWriteGate.WaitAsync(db, ct);
        if (gate is not null)
        {
            SqliteWriteGate.MarkHeld(true);
        }
        try
        {
            return await InTransactionCoreAsync(db, work, onConflict, ct);
        }
        finally
        {
            if (gate is not null)
            {
                SqliteWriteGate.MarkHeld(false);
                gate.Release();
            }
        }
    }

    private static async Task<Result<T>> InTransactionCoreAsync<T>(CommetDb db, Func<Task<Result<T>>> work, Error? onConflict, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            var result = await work();
            if (result.IsSuccess)
            {
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
            }
            else
            {
                await tx.RollbackAsync(ct);
                db.ChangeTracker.Clear();
            }
            return result;
        }
        catch (DbUpdateException ex) when (onConflict is not null && DbErrors.IsUniqueViolation(ex))
        {
            db.ChangeTracker.Clear();
            return onConflict;
        }
        catch
        {
            db.ChangeTracker.Clear();
            throw;
        }
    }

    /// <summary>Loads a subscription for change, locking its row on PostgreSQL (SQLite's write transaction already serializes).</summary>
    public static async Task<Subscription?> LockAsync(BillingScope scope, string id, CancellationToken ct)
    {
        var db = scope.Db;
        if (db.IsPostgres)
        {
            var rows = await db.Subscriptions
                .FromSql($"""SELECT * FROM subscriptions WHERE "Id" = {id} AND "OrganizationId" = {scope.Tenant.OrganizationId} AND "Livemode" = {scope.Tenant.Livemode} FOR UPDATE""")
                .IgnoreQueryFilters()
                .ToListAsync(ct);
            return rows.SingleOrDefault();
        }
        return await db.Subscriptions.FirstOrDefaultAsync(s => s.Id == id, ct);
    }

    /// <summary>
    /// Locks several subscriptions for change on PostgreSQL, in ID order (so two callers locking overlapping sets
    /// cannot deadlock). Missing IDs are skipped.
    /// </summary>
    public static Task<List<Subscription>> LockManyAsync(BillingScope scope, string[] ids, CancellationToken ct) =>
        scope.Db.Subscriptions
            .FromSql($"""SELECT * FROM subscriptions WHERE "Id" = ANY({ids}) AND "OrganizationId" = {scope.Tenant.OrganizationId} AND "Livemode" = {scope.Tenant.Livemode} ORDER BY "Id" FOR UPDATE""")
            .IgnoreQueryFilters()
            .ToListAsync(ct);

    public static async Task<Plan?> FindPlanAsync(CommetDb db, string idOrCode, CancellationToken ct) =>
        await db.Plans.Include(p => p.Prices).Include(p => p.Features).ThenInclude(f => f.Feature)
            .Where(p => p.DeletedAt == null && (p.Id == idOrCode || p.Code == idOrCode))
            .OrderBy(p => p.Id == idOrCode ? 0 : 1)
            .FirstOrDefaultAsync(ct);

    public static Task<Plan?> PlanOfAsync(CommetDb db, string planId, CancellationToken ct) =>
        db.Plans.Include(p => p.Prices).Include(p => p.Features).ThenInclude(f => f.Feature)
            .FirstOrDefaultAsync(p => p.Id == planId, ct);

    public static PlanPrice? PriceFor(Plan plan, string? interval) =>
        interval is null
            ? plan.Prices.FirstOrDefault(p => p.IsDefault) ?? plan.Prices.OrderBy(p => BillingIntervals.Rank(p.BillingInterval)).FirstOrDefault()
            : plan.Prices.FirstOrDefault(p => p.BillingInterval == interval);

    private async Task StartedPeriodAsync(BillingScope scope, Subscription subscription, CancellationToken ct)
    {
        foreach (var hook in hooks)
        {
            await hook.OnPeriodStartedAsync(scope, subscription, ct);
        }
    }

    private async Task CanceledAsync(BillingScope scope, Subscription subscription, CancellationToken ct)
    {
        foreach (var hook in hooks)
        {
            await hook.OnCanceledAsync(scope, subscription, ct);
        }
    }

    internal IEnumerable<IRenewalLineSource> LineSources => lineSources;

    internal Task NotifyPeriodStartedAsync(BillingScope scope, Subscription s, CancellationToken ct) => StartedPeriodAsync(scope, s, ct);

    internal Task NotifyCanceledAsync(BillingScope scope, Subscription s, CancellationToken ct) => CanceledAsync(scope, s, ct);

    private static string Truncate(string value) => value.Length <= 100 ? value : value[..100] + "…";

    internal static object SubscriptionRef(Subscription s) => new { subscriptionId = s.Id, customerId = s.CustomerId, status = s.Status };
}
