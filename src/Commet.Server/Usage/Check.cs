using System.Text.Json.Serialization;
using Commet.Domain;
using Commet.Domain.Usage;
using Commet.Server.Billing;
using Commet.Server.Http;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Usage;

public sealed class CheckUsageRequest
{
    public string? CustomerId { get; set; }
    public string? FeatureCode { get; set; }
    public decimal? Quantity { get; set; }
}

/// <summary>The SDK's <c>UsageCheckResult</c>: would this be allowed, and what would it cost.</summary>
public sealed record UsageCheckDto(
    bool Allowed, string ConsumptionModel, string Feature, decimal Quantity,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] decimal? Current,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] decimal? Remaining,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Unlimited,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] decimal? Included,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? OverageEnabled,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? OverageUnitPrice,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? CreditsPerUnit,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? EstimatedCredits,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? PlanCredits,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? PurchasedCredits,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? TotalCredits,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? UnitPrice,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? EstimatedAmount,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? CurrentBalance,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? BlockOnExhaustion,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Currency,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Message);

/// <summary>A dry run of a usage event: would it be allowed, and what would it cost.</summary>
public sealed class CheckUsage
{
    /// <summary>A dry run of <see cref="TrackUsage"/>: nothing is written, the answer says what would happen.</summary>
    public async Task<Result<UsageCheckDto>> HandleAsync(BillingScope scope, CheckUsageRequest r, CancellationToken ct)
    {
        var check = new Check().Required("customerId", r.CustomerId).Required("featureCode", r.FeatureCode, 100);
        if (r.Quantity is { } q && (q < 0 || q > 1_000_000_000_000m))
        {
            check.Add("quantity", "quantity must be zero or more.");
        }
        else if (r.Quantity is { } d && !InputLimits.HasAtMostDecimals(d, InputLimits.MaxValueDecimals))
        {
            check.Add("quantity", $"quantity may have at most {InputLimits.MaxValueDecimals} decimal places.");
        }
        if (check.Failed)
        {
            return check.ToError();
        }
        var quantity = r.Quantity ?? 1m;
        var found = await Consumption.LiveAsync(scope.Db, r.CustomerId!, ct);
        if (!found.IsSuccess)
        {
            return found.Error;
        }
        var (_, s, plan) = found.Value;
        var pf = plan.Features.FirstOrDefault(f => f.Feature?.Code == r.FeatureCode);
        if (pf?.Feature is null)
        {
            return Error.Forbidden("feature_not_in_plan", $"The customer's plan does not include '{r.FeatureCode}'.");
        }
        var model = plan.ConsumptionModel ?? ConsumptionModels.Metered;
        if (pf.Feature.Type == FeatureTypes.Quota)
        {
            // A quota: would raising its balance by the quantity be allowed (docs/quota.md)?
            var balance = await scope.Db.SeatBalances.AsNoTracking().FirstOrDefaultAsync(b => b.SubscriptionId == s.Id && b.FeatureId == pf.FeatureId, ct);
            var quota = ReadQuotas.Of(pf, balance, (await AddonAllowances.ForWindowAsync(scope, s, scope.Now, ct)).IncludedAt(pf, s, scope.Now));
            var fits = pf.Unlimited || TrackUsage.OverageAllowed(plan, s, pf) || quota.Current + quantity <= quota.Included;
            return new UsageCheckDto(fits, model, pf.Feature.Code, quantity, quota.Current, quota.Remaining, pf.Unlimited, quota.Included, pf.OverageEnabled,
                pf.OverageEnabled ? pf.OverageUnitPrice : null, null, null, null, null, null, null, null, null, null, null,
                fits ? null : "quota_exceeded", fits ? null : "The plan's quota allows no more.");
        }
        var (windowStart, _) = Consumption.Window(s, scope.Now);
        if (model != ConsumptionModels.Metered && InputLimits.CheckCost("quantity", model, pf, quantity, 0) is { } tooLarge)
        {
            return tooLarge;
        }
        switch (model)
        {
            case ConsumptionModels.Credits:
            {
                var account = await ReadAccountAsync(scope, s, plan, AccountKinds.Credits, ct);
                var cost = AiPriced(pf) ? 1 : TrackUsage.CreditCost(pf, quantity);
                var allowed = account.Total >= cost;
                return new UsageCheckDto(allowed, model, pf.Feature.Code, quantity, null, null, null, null, null, null,
                    pf.CreditsPerUnit ?? 1, cost, account.PlanAmount, account.PurchasedAmount, account.Total, null, null, null, null, null,
                    allowed ? null : "insufficient_credits", allowed ? null : "Not enough credits.");
            }
            case ConsumptionModels.Balance:
            {
                var account = await ReadAccountAsync(scope, s, plan, AccountKinds.Balance, ct);
                var cost = AiPriced(pf) ? 1 : TrackUsage.BalanceCost(pf, quantity, s.Currency);
                var block = plan.BlockOnExhaustion == true;
                var allowed = !block || account.Total >= cost;
                return new UsageCheckDto(allowed, model, pf.Feature.Code, quantity, null, null, null, null, null, null,
                    null, null, null, null, null, pf.BilledOverage(s.Currency), cost, account.Total, block, s.Currency,
                    allowed ? null : "insufficient_balance", allowed ? null : "Not enough balance.");
            }
            default:
            {
                var current = await scope.Db.UsageCounters.AsNoTracking()
                    .Where(c => c.SubscriptionId == s.Id && c.FeatureId == pf.FeatureId && c.WindowStart == windowStart)
                    .Select(c => c.Quantity).FirstOrDefaultAsync(ct);
                var overage = TrackUsage.OverageAllowed(plan, s, pf);
                var included = (await AddonAllowances.ForWindowAsync(scope, s, scope.Now, ct)).IncludedAt(pf, s, scope.Now);
                var allowed = pf.Unlimited || overage || current + quantity <= included;
                return new UsageCheckDto(allowed, model, pf.Feature.Code, quantity, current, pf.Unlimited ? null : Math.Max(0, included - current),
                    pf.Unlimited, included, pf.OverageEnabled, pf.OverageEnabled ? pf.BilledOverage(s.Currency) : null,
                    null, null, null, null, null, null, null, null, null, null,
                    allowed ? null : "included_limit_reached", allowed ? null : "The included amount is used up.");
            }
        }
    }

    /// <summary>
    /// A feature priced by AI model: a check has no token counts, so it asks for the least any call takes (one
    /// credit, or one rate-scale unit of a blocking balance).
    /// </summary>
    private static bool AiPriced(PlanFeature pf) => pf.PricingMode == CatalogRules.PricingModeAiModel;

    /// <summary>The account as it stands now (window reset applied in memory, nothing written).</summary>
    public static async Task<ConsumptionAccount> ReadAccountAsync(BillingScope scope, Domain.Billing.Subscription s, Plan plan, string kind, CancellationToken ct)
    {
        var stored = await scope.Db.ConsumptionAccounts.AsNoTracking().FirstOrDefaultAsync(a => a.SubscriptionId == s.Id && a.Kind == kind, ct);
        var (windowStart, _) = Consumption.Window(s, scope.Now);
        var account = stored ?? new ConsumptionAccount { SubscriptionId = s.Id, Kind = kind };
        if (stored is null || stored.WindowStart != windowStart)
        {
            account.PlanAmount = Consumption.AllowanceOf(s, plan, kind);
            account.Allowance = account.PlanAmount;
            account.WindowStart = windowStart;
        }
        return account;
    }
}
