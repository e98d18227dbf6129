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
            new { failureCode = outcome.FailureCode, recoveryUrl });

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
