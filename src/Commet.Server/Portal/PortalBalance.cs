using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Domain.Usage;
using Commet.Server.Usage;

namespace Commet.Server.Portal;

/// <summary>
/// A balance plan's balance as the customer reads it: what is left, or by how much it is overdrawn and, when the
/// next renewal will bill it, the amount and the date.
/// </summary>
/// <param name="Remaining">Rate scale (10000 = 1.00); negative when overdrawn.</param>
/// <param name="Currency">The subscription's currency.</param>
/// <param name="Overdrawn">The overspend in minor units, rounded as the renewal's <c>balance_overage</c> line rounds it.</param>
/// <param name="Billing">The sentence saying what the next invoice adds and when, or null when no invoice is due to bill it.</param>
public sealed record PortalBalance(long Remaining, string Currency, long Overdrawn, string? Billing)
{
    public bool IsOverdrawn => Remaining < 0;

    /// <summary>"$30.50" (what is left) or "$18.41" (what is overdrawn).</summary>
    public string Amount => IsOverdrawn
        ? Overdrawn == 0 ? T["Balance.LessThan", ("amount", PortalFormat.Money(1, Currency))] : PortalFormat.Money(Overdrawn, Currency)
        : PortalFormat.Money(Consumption.MinorOfRate(Remaining, Domain.Currency.Of(Currency)), Currency);

    /// <summary>"$30.50 left" or "Overdrawn by $18.41".</summary>
    public string Headline => IsOverdrawn ? T["Balance.Overdrawn", ("amount", Amount)] : T["Balance.Left", ("amount", Amount)];

    private static Localization.Texts T => Localization.Texts.Shared;

    /// <summary>The balance of the subscription's balance plan as it stands now; null when the plan has no balance.</summary>
    public static async Task<PortalBalance?> ReadAsync(PortalContext p, Plan? plan, CancellationToken ct)
    {
        var s = p.Subscription;
        if (s is null || plan?.ConsumptionModel != ConsumptionModels.Balance || !SubscriptionStatus.IsLive(s.Status))
        {
            return null;
        }
        var account = await CheckUsage.ReadAccountAsync(p.Scope, s, plan, AccountKinds.Balance, ct);
        return Of(s, account.Total, p.Now, p.Format);
    }

    /// <summary>
    /// Works out the words for a balance of <paramref name="remaining"/> (rate scale). The overspend is billed by the
    /// renewal of a paid, active subscription (the <c>balance_overage</c> line of ConsumptionHooks), rounded half
    /// away from zero to the minor unit (<see cref="Consumption.MinorOfRate"/>). When the plan's monthly balance
    /// is granted again before that renewal (quarterly and yearly plans), that grant covers the overspend first.
    /// Trials, past-due subscriptions, cancellations at period end and moves to a free plan bill no renewal, so
    /// nothing is promised for them.
    /// </summary>
    public static PortalBalance Of(Subscription s, long remaining, DateTime now, PortalFormat format)
    {
        if (remaining >= 0)
        {
            return new PortalBalance(remaining, s.Currency, 0, null);
        }
        var overdrawn = Consumption.MinorOfRate(-remaining, Domain.Currency.Of(s.Currency));
        var movingToFree = s.ScheduledChangeType is not null && s.ScheduledInterval is null;
        if (overdrawn == 0 || s.Status != SubscriptionStatus.Active || s.IsFree || s.CancelAtPeriodEnd || movingToFree)
        {
            return new PortalBalance(remaining, s.Currency, overdrawn, null);
        }
        var amount = PortalFormat.Money(overdrawn, s.Currency);
        var renewal = format.Date(s.CurrentPeriodEnd);
        var (_, windowEnd) = Consumption.Window(s, now);
        var billing = windowEnd >= s.CurrentPeriodEnd
            ? T["Balance.NextInvoice", ("amount", amount), ("date", renewal)]
            : T["Balance.Covers", ("date", format.Date(windowEnd)), ("renewal", renewal)];
        return new PortalBalance(remaining, s.Currency, overdrawn, billing);
    }
}
