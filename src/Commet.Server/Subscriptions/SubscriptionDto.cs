using System.Text.Json.Serialization;
using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Billing;
using Commet.Server.Payments;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Subscriptions;

public sealed record PlanRef(string Id, string Name, long? BasePrice);

public sealed record PeriodDto(DateTime Start, DateTime End, int DaysRemaining);

public sealed record UsageDto(decimal Current, decimal Included, decimal OverageQuantity, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? OverageUnitPrice);

public sealed record SubscriptionFeatureDto(string Code, string Name, string Type, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Enabled, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] UsageDto? Usage);

public sealed record CreditsDto(long Remaining, long Included, long Purchased);

public sealed record BalanceDto(long Remaining, long Included, string Currency);

public sealed record CancellationDto(DateTime ScheduledAt, string? Reason, DateTime EffectiveAt);

/// <summary>The SDK's <c>discount</c>: the one discount in force (a promo code), and when it stops (null: forever).</summary>
public sealed record DiscountDto(string Type, long Value, string? Name, DateTime? EndsAt)
{
    public static DiscountDto? From(Subscription s) =>
        s.DiscountType is null ? null : new DiscountDto(s.DiscountType, s.DiscountValue, s.DiscountName, SubscriptionDiscounts.EndsAt(s));
}

public sealed record ScheduledChangeDto(string ChangeType, string? NewPlanId, string? NewPlanName, string? NewBillingInterval, DateTime ScheduledFor);

/// <summary>The subscription as the SDK's <c>Subscription</c> type declares it.</summary>
public sealed record SubscriptionDto(
    string Id,
    string CustomerId,
    PlanRef Plan,
    string Name,
    string? Description,
    string Status,
    string? BillingInterval,
    string? ConsumptionModel,
    DateTime? TrialEndsAt,
    PeriodDto? CurrentPeriod,
    IReadOnlyList<SubscriptionFeatureDto> Features,
    CreditsDto? Credits,
    BalanceDto? Balance,
    CancellationDto? Cancellation,
    bool CancelAtPeriodEnd,
    ScheduledChangeDto? ScheduledPlanChange,
    DiscountDto? Discount,
    DateTime StartDate,
    DateTime? EndDate,
    int? BillingDayOfMonth,
    DateTime? NextBillingDate,
    string? CheckoutUrl,
    string? CheckoutProvider,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    bool Livemode)
{
    public string Object => "subscription";
}

/// <summary>
/// Fills the consumption parts of a subscription read-out (feature usage, credits, balance). The usage work
/// provides it; without it, features show their plan configuration only.
/// </summary>
public interface ISubscriptionReadOut
{
    Task<(IReadOnlyList<SubscriptionFeatureDto> Features, CreditsDto? Credits, BalanceDto? Balance)> ReadAsync(BillingScope scope, Subscription s, Plan plan, CancellationToken ct);
}

public sealed class SubscriptionViews(HostedLinks links, IEnumerable<ISubscriptionReadOut> readOuts)
{
    public async Task<SubscriptionDto> ToDtoAsync(BillingScope scope, Subscription s, CancellationToken ct)
    {
        var db = scope.Db;
        // Through the unit of work's plan cache: the page or operation that asks has usually read this plan already.
        var plan = await scope.PlanAsync(s.PlanId, ct)
            ?? throw new InvalidOperationException($"Subscription {s.Id} points at a missing plan.");
        Plan? scheduled = s.ScheduledPlanId is null ? null : await db.Plans.AsNoTracking().FirstOrDefaultAsync(p => p.Id == s.ScheduledPlanId, ct);

        IReadOnlyList<SubscriptionFeatureDto> features = plan.Features
            .Where(f => f.Feature is not null)
            .Select(f => new SubscriptionFeatureDto(f.Feature!.Code, f.Feature.Name, f.Feature.Type, f.Enabled, null))
            .ToList();
        CreditsDto? credits = null;
        BalanceDto? balance = null;
        foreach (var readOut in readOuts)
        {
            (features, credits, balance) = await readOut.ReadAsync(scope, s, plan, ct);
        }

        string? checkoutUrl = null;
        if (s.Status == SubscriptionStatus.PendingPayment || (s.Status == SubscriptionStatus.Trialing && await PaymentService.DefaultMethodAsync(db, s.CustomerId, ct) is null))
        {
            var session = await HostedLinks.OpenCheckoutAsync(db, s.Id, ct);
            checkoutUrl = session is null ? null : links.Url(session, scope.BaseUrl);
        }

        var live = SubscriptionStatus.IsLive(s.Status);
        var hasPeriod = live && s.Status != SubscriptionStatus.PendingPayment;
        return new SubscriptionDto(
            s.Id,
            s.CustomerId,
            new PlanRef(plan.Id, plan.Name, plan.IsFree ? 0 : s.BasePrice),
            plan.Name,
            plan.Description,
            s.Status,
            s.BillingInterval,
            plan.ConsumptionModel,
            s.TrialEndsAt,
            hasPeriod ? new PeriodDto(s.CurrentPeriodStart, s.CurrentPeriodEnd, Math.Max(0, BillingCalendar.WholeDays(scope.Now, s.CurrentPeriodEnd))) : null,
            features,
            credits,
            balance,
            s.CancelAtPeriodEnd && s.CancelRequestedAt is { } requested ? new CancellationDto(requested, s.CancelReason, s.CurrentPeriodEnd)
                : s.Status == SubscriptionStatus.Canceled && s.CanceledAt is { } canceled ? new CancellationDto(s.CancelRequestedAt ?? canceled, s.CancelReason, s.EndedAt ?? canceled)
                : null,
            s.CancelAtPeriodEnd,
            s.ScheduledChangeType is null ? null : new ScheduledChangeDto(s.ScheduledChangeType, s.ScheduledPlanId, scheduled?.Name, s.ScheduledInterval, s.ScheduledFor ?? s.CurrentPeriodEnd),
            DiscountDto.From(s),
            s.StartDate,
            s.EndedAt,
            hasPeriod && !s.IsFree ? s.BillingAnchor.Day : null,
            live && !s.IsFree && !s.CancelAtPeriodEnd && s.Status != SubscriptionStatus.PendingPayment ? s.CurrentPeriodEnd : null,
            checkoutUrl,
            checkoutUrl is null ? null : "commet",
            s.CreatedAt,
            s.UpdatedAt,
            s.Livemode);
    }
}
