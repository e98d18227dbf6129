using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Billing;
using Commet.Server.Catalog;
using Commet.Server.Payments;
using Commet.Server.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Subscriptions;

/// <summary>A hosted, signed link where the customer pays a past_due subscription's outstanding invoice.</summary>
public sealed class CreateRecoveryLink(HostedLinks links)
{
    /// <summary>A hosted, signed link where the customer pays a past_due subscription's outstanding invoice.</summary>
    public async Task<Result<(string Url, string Token)>> HandleAsync(BillingScope scope, string id, CancellationToken ct) =>
        await scope.Db.InTransactionAsync<(string, string)>(async () =>
        {
            var s = await scope.Db.Subscriptions.FirstOrDefaultAsync(x => x.Id == id, ct);
            if (s is null)
            {
                return SubscriptionErrors.NotFound(id);
            }
            if (s.Status != SubscriptionStatus.PastDue || s.OutstandingInvoiceId is null)
            {
                return Error.Invalid("no_outstanding_invoice", "This subscription has no outstanding renewal to recover.");
            }
            var session = links.Create(scope.Db, scope.Tenant, HostedKinds.Recovery, s.CustomerId, s.Id, s.OutstandingInvoiceId, null, scope.Now);
            var token = links.Token(session);
            return ($"{links.Base(scope.BaseUrl)}/pay/{token}", token);
        }, ct);
}
