using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Billing;
using Commet.Server.Catalog;
using Commet.Server.Http;
using Commet.Server.Payments;
using Commet.Server.Persistence;

namespace Commet.Server.Subscriptions;

/// <summary>Undoes a scheduled downgrade or interval change before it happens.</summary>
public sealed class RevokeScheduledChange
{
    public async Task<Result<Subscription>> HandleAsync(BillingScope scope, string id, CancellationToken ct) =>
        await scope.Db.InTransactionAsync<Subscription>(async () =>
        {
            var s = await scope.Db.LockSubscriptionAsync(id, ct);
            if (s is null)
            {
                return SubscriptionErrors.NotFound(id);
            }
            if (s.ScheduledChangeType is null)
            {
                return Error.Invalid("no_scheduled_change", "This subscription has no scheduled plan change.");
            }
            var current = await scope.PlanAsync(s.PlanId, ct);
            var revoked = await PlanChanges.RevokeAsync(scope, s, new PlannedChange(s, current!, current!, null, s.BillingInterval, ChangeKind.Downgrade, null), ct);
            return revoked.IsSuccess ? s : revoked.Error;
        }, ct);
}
