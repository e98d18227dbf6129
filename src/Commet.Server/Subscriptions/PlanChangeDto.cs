using System.Text.Json.Serialization;
namespace Commet.Server.Subscriptions;

public sealed record PlanChangeBillingDto(long Credit, long CreditsApplied, long Charge, long TaxAmount, long NetAmount, long TotalCharged, long RemainingCreditBalance);

public sealed record PlanChangePlanDto(string Id, string Name, long? Price);

/// <summary>The plan a change leaves: the SDK declares it as <c>{id, name}</c>.</summary>
public sealed record PlanChangePreviousPlanDto(string Id, string Name);

/// <summary>The SDK's <c>PlanChange</c>: one shape for immediate, scheduled, checkout-needed and revoked changes.</summary>
public sealed record PlanChangeDto(
    string Id,
    string CustomerId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? RequiresCheckout,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? CheckoutUrl,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Scheduled,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTime? ScheduledFor,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ChangeType,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? NewPlanId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? NewPlanName,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? NewBillingInterval,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] PlanChangePreviousPlanDto? PreviousPlan,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] PlanChangePlanDto? CurrentPlan,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? BillingInterval,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] PlanChangeBillingDto? Billing,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? InvoiceId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Revoked,
    bool Livemode)
{
    public string Object => "subscription";

    public static PlanChangeDto From(ChangeResult r, bool livemode)
    {
        var p = r.Plan;
        var s = p.Subscription;
        if (r.CheckoutUrl is not null)
        {
            return new PlanChangeDto(s.Id, s.CustomerId, true, r.CheckoutUrl, false, null, null, p.Target.Id, p.Target.Name, p.TargetInterval,
                null, null, s.BillingInterval, null, null, null, livemode);
        }
        if (r.Scheduled)
        {
            var type = p.Target.Id == p.Current.Id ? "subscription.interval_change" : "subscription.plan_downgrade";
            return new PlanChangeDto(s.Id, s.CustomerId, false, null, true, s.ScheduledFor, type, p.Target.Id, p.Target.Name, p.TargetInterval,
                new PlanChangePreviousPlanDto(p.Current.Id, p.Current.Name), new PlanChangePlanDto(p.Current.Id, p.Current.Name, s.BasePrice),
                s.BillingInterval, null, null, null, livemode);
        }
        if (r.Revoked)
        {
            return new PlanChangeDto(s.Id, s.CustomerId, false, null, false, null, null, null, null, null, null,
                new PlanChangePlanDto(p.Current.Id, p.Current.Name, s.BasePrice), s.BillingInterval, null, null, true, livemode);
        }
        var q = p.Quote;
        var billing = q is null ? null : new PlanChangeBillingDto(q.Credit.MinorUnits, 0, q.NewCharge.MinorUnits, 0, q.Total.MinorUnits,
            r.Invoice?.Total ?? q.Total.MinorUnits, 0);
        return new PlanChangeDto(s.Id, s.CustomerId, false, null, false, null, null, p.Target.Id, p.Target.Name, p.TargetInterval,
            new PlanChangePreviousPlanDto(p.Current.Id, p.Current.Name), new PlanChangePlanDto(p.Target.Id, p.Target.Name, p.TargetPrice?.Price ?? 0),
            s.BillingInterval, billing, r.Invoice?.Id, null, livemode);
    }
}
