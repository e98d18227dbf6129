using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Billing;
using Commet.Server.Http;
using Commet.Server.Persistence;

namespace Commet.Server.Subscriptions;

/// <summary>Undoes a scheduled cancellation before it happens.</summary>
public sealed class UncancelSubscription
{
    public async Task<Result<Subscription>> HandleAsync(BillingScope scope, string id, CancellationToken ct) =>
        await scope.Db.InTransactionAsync<Subscription>(async () =>
        {
            var s = await scope.Db.LockSubscriptionAsync(id, ct);
            if (s is null)
            {
                return SubscriptionErrors.NotFound(id);
            }
            var error = s.Uncancel(scope.Now);
            if (error is not null)
            {
                return error;
            }
            EventRecorder.Record(scope.Db, scope.Tenant, new SubscriptionCancellationRevokedData(s.Id, s.CustomerId, s.Status, s.CurrentPeriodEnd), scope.Now, s.Id, s.CustomerId);
            return s;
        }, ct);
}
