using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Billing;
using Commet.Server.Catalog;
using Commet.Server.Payments;
using Commet.Server.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Subscriptions;

/// <summary>A hosted page where the customer replaces the subscription's default card.</summary>
public sealed class CreatePaymentMethodLink(HostedLinks links)
{
    /// <summary>A hosted page where the customer replaces the subscription's default card.</summary>
    public async Task<Result<string>> HandleAsync(BillingScope scope, string id, string? successUrl, CancellationToken ct)
    {
        if (successUrl is not null && !Portal.ReturnUrls.IsSafe(successUrl))
        {
            return Error.Validation("successUrl", "successUrl must be an absolute http or https URL.");
        }
        return await scope.Db.InTransactionAsync<string>(async () =>
        {
            var s = await scope.Db.Subscriptions.FirstOrDefaultAsync(x => x.Id == id, ct);
            if (s is null)
            {
                return SubscriptionErrors.NotFound(id);
            }
            var session = links.Create(scope.Db, scope.Tenant, HostedKinds.PaymentMethod, s.CustomerId, s.Id, null, successUrl, scope.Now);
            return links.Url(session, scope.BaseUrl);
        }, ct);
    }
}
