using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Billing;
using Commet.Server.Catalog;
using Commet.Server.Payments;
using Commet.Server.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Subscriptions;

/// <summary>Deactivates an add-on.</summary>
public sealed class DeactivateAddon
{
    /// <summary>Deactivates an add-on at once; no refund (it benefits no one to charge less for what was used).</summary>
    public async Task<Result<SubscriptionAddon>> HandleAsync(BillingScope scope, string id, string addonId, CancellationToken ct) =>
        await scope.Db.InTransactionAsync<SubscriptionAddon>(async () =>
        {
            var s = await scope.Db.LockSubscriptionAsync(id, ct);
            if (s is null)
            {
                return SubscriptionErrors.NotFound(id);
            }
            var addon = await scope.Db.Addons.FirstOrDefaultAsync(a => a.Id == addonId || a.Slug == addonId, ct);
            var activation = addon is null ? null
                : await scope.Db.SubscriptionAddons.FirstOrDefaultAsync(a => a.SubscriptionId == s.Id && a.AddonId == addon.Id && a.Status == "active", ct);
            if (activation is null)
            {
                return Error.Invalid("addon_not_active", "This add-on is not active on the subscription.");
            }
            activation.Status = "inactive";
            activation.DeactivatedAt = scope.Now;
            EventRecorder.Record(scope.Db, scope.Tenant, await AddonDeactivatedData.ForAsync(scope.Db, s, addon!, ct), scope.Now, s.Id, s.CustomerId);
            return activation;
        }, ct);
}
