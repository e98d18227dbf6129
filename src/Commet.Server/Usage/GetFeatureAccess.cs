using System.Text.Json.Serialization;
using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Domain.Usage;
using Commet.Server.Billing;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Usage;

/// <summary>One feature of the customer's live subscription (and, with canUse, whether one more use is allowed).</summary>
public sealed class GetFeatureAccess
{
    /// <summary>One feature; with <paramref name="canUse"/>, whether one more unit is allowed and whether it would be charged.</summary>
    public async Task<Result<FeatureAccessDto>> HandleAsync(BillingScope scope, string customerId, string code, bool canUse, CancellationToken ct)
    {
        var customer = await Customers.CustomerRules.FindAsync(scope.Db, customerId, ct);
        if (customer is null)
        {
            return Customers.CustomerRules.NotFound(customerId);
        }
        var feature = await scope.Db.Features.AsNoTracking().FirstOrDefaultAsync(f => f.Code == code && f.DeletedAt == null, ct);
        if (feature is null)
        {
            return Error.NotFound("feature", $"No feature with code '{code}'.");
        }
        var found = await Consumption.LiveAsync(scope.Db, customerId, ct);
        if (!found.IsSuccess)
        {
            return new FeatureAccessDto(feature.Code, feature.Name, feature.Type, false, null, null, null, null, null, null, null, null, null,
                canUse ? false : null, "no_active_subscription", scope.Tenant.Livemode);
        }
        var pf = found.Value.Plan.Features.FirstOrDefault(f => f.FeatureId == feature.Id);
        if (pf is null)
        {
            return new FeatureAccessDto(feature.Code, feature.Name, feature.Type, false, false, null, null, null, null, null, null, null, null,
                canUse ? false : null, "feature_not_in_plan", scope.Tenant.Livemode);
        }
        pf.Feature ??= feature;
        return await ListFeatureAccess.AccessAsync(scope, found.Value, pf, canUse, ct);
    }
}
