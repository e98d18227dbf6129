using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Billing;
using Commet.Server.Catalog;
using Commet.Server.Http;
using Commet.Server.Payments;
using Commet.Server.Persistence;

namespace Commet.Server.Subscriptions;

public sealed class PreviewChangeRequest
{
    public string? PlanId { get; set; }
    public string? BillingInterval { get; set; }

    /// <summary>Our addition: a promo code to see its discount before paying (nothing is redeemed).</summary>
    public string? PromoCode { get; set; }
}

/// <summary>The exact numbers an immediate change would charge; a downgrade answers <c>plan_change_scheduled</c>.</summary>
public sealed class PreviewPlanChange(PlanChanges changes)
{
    public async Task<Result<PlannedChange>> HandleAsync(BillingScope scope, string id, PreviewChangeRequest r, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(r.PlanId))
        {
            return Error.Validation("planId", "planId is required.");
        }
        var s = await scope.Db.Subscriptions.FindAsync([id], ct);
        if (s is null)
        {
            return SubscriptionErrors.NotFound(id);
        }
        var planned = await changes.PlanAsync(scope, s, r.PlanId, r.BillingInterval, ct, r.PromoCode);
        if (!planned.IsSuccess)
        {
            return planned.Error;
        }
        if (planned.Value.Kind == ChangeKind.Downgrade)
        {
            return new Error("plan_change_scheduled", "This change is a downgrade: it is scheduled for the end of the billing period, not prorated. Apply it with change-plan.", 400, "invalid_request_error", "planId");
        }
        return planned;
    }
}
