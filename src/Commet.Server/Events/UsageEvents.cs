using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Persistence;
using Commet.Server.Usage;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Events;

// Credits, balance, seats, add-ons and usage (CreditsGrantedData … UsageRecordedData in @commet/node 7.10.0).
// Credits are whole credits; balances and add-on prices are in rate scale (10000 = 1.00), as the SDK's doc comments say.

/// <summary>Plan credits were granted (<c>credits.granted</c>).</summary>
public sealed record CreditsGrantedData(string SubscriptionId, string CustomerId, long Credits, string Reason) : IEventData
{
    public static string EventName => EventNames.CreditsGranted;

    /// <summary>The SDK's reason for the plan's credits given at the start of a period.</summary>
    public const string PeriodReset = "period_reset";
}

/// <summary>A credit pack was bought (<c>credits.purchased</c>).</summary>
public sealed record CreditsPurchasedData(
    string SubscriptionId, string CustomerId, string InvoiceId, string InvoiceNumber, string CreditPackName, long Credits) : IEventData
{
    public static string EventName => EventNames.CreditsPurchased;
}

/// <summary>The credits ran out (<c>credits.depleted</c>).</summary>
public sealed record CreditsDepletedData(string SubscriptionId, string CustomerId, long RemainingCredits) : IEventData
{
    public static string EventName => EventNames.CreditsDepleted;
}

/// <summary>Unused plan credits were discarded at the period reset (<c>credits.expired</c>).</summary>
public sealed record CreditsExpiredData(string SubscriptionId, string CustomerId, long ExpiredCredits) : IEventData
{
    public static string EventName => EventNames.CreditsExpired;
}

/// <summary>A prepaid balance was topped up (<c>balance.topped_up</c>); <paramref name="Amount"/> in rate scale.</summary>
public sealed record BalanceToppedUpData(
    string SubscriptionId, string CustomerId, string InvoiceId, string InvoiceNumber, long Amount, string Currency) : IEventData
{
    public static string EventName => EventNames.BalanceToppedUp;
}

/// <summary>The balance reached zero or below (<c>balance.depleted</c>); <paramref name="CurrentBalance"/> in rate scale.</summary>
public sealed record BalanceDepletedData(string SubscriptionId, string CustomerId, long CurrentBalance, string Currency) : IEventData
{
    public static string EventName => EventNames.BalanceDepleted;
}

/// <summary>A seat count changed (<c>seats.updated</c>).</summary>
public sealed record SeatsUpdatedData(string CustomerId, string? SubscriptionId, string FeatureCode, long PreviousSeats, long CurrentSeats) : IEventData
{
    public static string EventName => EventNames.SeatsUpdated;
}

/// <summary>An add-on was activated (<c>addon.activated</c>); <paramref name="ProratedPrice"/> in rate scale, 0 when nothing was charged.</summary>
public sealed record AddonActivatedData(
    string SubscriptionId, string CustomerId, WebhookAddonRef Addon, string FeatureCode, long ProratedPrice, string Currency) : IEventData
{
    public static string EventName => EventNames.AddonActivated;

    /// <summary>
    /// The activation of <paramref name="addon"/> on <paramref name="s"/>; <paramref name="chargedMinor"/> is the prorated
    /// charge in minor units of the subscription's currency, given to the SDK in rate scale (1 cent = 100).
    /// </summary>
    public static async Task<AddonActivatedData> ForAsync(CommetDb db, Subscription s, Addon addon, long chargedMinor, CancellationToken ct) =>
        new(s.Id, s.CustomerId, new WebhookAddonRef(addon.Id, addon.Name), await AddonFeature.CodeAsync(db, addon, ct),
            Usage.Consumption.RateOfMinor(chargedMinor, Domain.Currency.Of(s.Currency)), s.Currency);
}

/// <summary>An add-on was deactivated (<c>addon.deactivated</c>).</summary>
public sealed record AddonDeactivatedData(string SubscriptionId, string CustomerId, WebhookAddonRef Addon, string FeatureCode) : IEventData
{
    public static string EventName => EventNames.AddonDeactivated;

    public static async Task<AddonDeactivatedData> ForAsync(CommetDb db, Subscription s, Addon addon, CancellationToken ct) =>
        new(s.Id, s.CustomerId, new WebhookAddonRef(addon.Id, addon.Name), await AddonFeature.CodeAsync(db, addon, ct));
}

internal static class AddonFeature
{
    /// <summary>The code of the feature the add-on unlocks: from the loaded row, else read.</summary>
    public static async Task<string> CodeAsync(CommetDb db, Addon addon, CancellationToken ct) =>
        addon.Feature?.Code ?? await db.Features.AsNoTracking().Where(f => f.Id == addon.FeatureId).Select(f => f.Code).FirstAsync(ct);
}

/// <summary>A usage event was processed (<c>usage.recorded</c>).</summary>
public sealed record UsageRecordedData(
    string SubscriptionId, string CustomerId, string UsageEventId, string FeatureCode, decimal Value, DateTime Ts) : IEventData
{
    public static string EventName => EventNames.UsageRecorded;
}

/// <summary>
/// The credits fell below the low mark (<c>credits.low</c>): <paramref name="ThresholdCredits"/> is the configured
/// share (10 % unless the operator says otherwise) of <paramref name="PeriodCredits"/>, the plan credits granted at the
/// last period reset. See <see cref="Usage.LowBalanceAlerts"/>.
/// </summary>
public sealed record CreditsLowData(string SubscriptionId, string CustomerId, long RemainingCredits, long ThresholdCredits, long PeriodCredits) : IEventData
{
    public static string EventName => EventNames.CreditsLow;
}

/// <summary>
/// The balance fell below the low mark (<c>balance.low</c>): <paramref name="ThresholdBalance"/> is the configured share
/// of the balance as it stood after its last refill. Rate scale (10000 = 1.00). See <see cref="Usage.LowBalanceAlerts"/>.
/// </summary>
public sealed record BalanceLowData(string SubscriptionId, string CustomerId, long CurrentBalance, long ThresholdBalance, string Currency) : IEventData
{
    public static string EventName => EventNames.BalanceLow;
}

/// <summary>A seat change reached the included seats of the plan (and its add-ons) from below (<c>seats.limit_reached</c>).</summary>
public sealed record SeatsLimitReachedData(string CustomerId, string SubscriptionId, string FeatureCode, long CurrentSeats, long IncludedSeats) : IEventData
{
    public static string EventName => EventNames.SeatsLimitReached;
}
