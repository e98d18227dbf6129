using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Portal;
using Commet.Server.Subscriptions;
using Microsoft.AspNetCore.Mvc;

namespace Commet.Server.Pages.Portal;

/// <summary>Usage across every feature of the plan: meters for metered features and seats, credits, balance, included features.</summary>
public sealed class UsageModel(SubscriptionViews views) : PortalPageModel
{
    public override PortalSection Section => PortalSection.Usage;

    public Plan? Plan { get; private set; }

    public SubscriptionDto? View { get; private set; }

    public IReadOnlyList<MeterView> Meters { get; private set; } = [];

    public IReadOnlyList<(string Name, bool Included)> Flags { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        var s = Portal.Subscription;
        if (s is null || !Portal.HasLiveSubscription)
        {
            return Redirect("/portal");
        }
        Plan = await Portal.PlanAsync(Ct);
        View = await views.ToDtoAsync(Portal.Scope, s, Ct);
        var meters = new List<MeterView>();
        var flags = new List<(string, bool)>();
        var byCode = View.Features.ToDictionary(f => f.Code, StringComparer.Ordinal);
        foreach (var f in Plan?.Features.Where(x => x.Feature is not null) ?? [])
        {
            var feature = f.Feature!;
            if (feature.Type == FeatureTypes.Boolean)
            {
                flags.Add((feature.Name, f.Enabled));
                continue;
            }
            if (!f.Enabled)
            {
                flags.Add((feature.Name, false));
                continue;
            }
            var usage = byCode.GetValueOrDefault(feature.Code)?.Usage;
            var used = usage?.Current ?? 0;
            var included = usage?.Included ?? f.IncludedAmount;
            var unit = PlanChoices.Plural(feature.UnitName is { Length: > 0 } u ? u : feature.Name.ToLowerInvariant());
            string? note = null;
            if (f.Unlimited)
            {
                meters.Add(new MeterView(feature.Name, used, 0, true, $"{PortalFormat.Quantity(used)} {unit} · unlimited"));
                continue;
            }
            if (used > included && f.OverageEnabled)
            {
                var over = used - included;
                var cost = Money.FromRate(f.OverageUnitPrice, over, Currency.Of(s.Currency));
                note = $"{PortalFormat.Quantity(over)} over the included amount so far: {Portal.Money(cost.MinorUnits)} at {PortalFormat.Rate(f.OverageUnitPrice, s.Currency)} each, billed at renewal.";
            }
            else if (f.OverageEnabled && f.OverageUnitPrice > 0)
            {
                note = $"Beyond the included amount: {PortalFormat.Rate(f.OverageUnitPrice, s.Currency)} per {(feature.UnitName is { Length: > 0 } one ? one : "unit")}, billed at renewal.";
            }
            var verb = feature.Type == FeatureTypes.Seats ? "in use" : "used";
            meters.Add(new MeterView(feature.Name, used, included, false, $"{PortalFormat.Quantity(used)} of {PortalFormat.Quantity(included)} {unit} {verb}", note));
        }
        Meters = meters;
        Flags = flags;
        return Page();
    }
}
