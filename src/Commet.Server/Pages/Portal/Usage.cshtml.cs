using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Domain.Usage;
using Commet.Server.Portal;
using Commet.Server.Subscriptions;
using Commet.Server.Usage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Pages.Portal;

/// <summary>One metered feature's usage per day of the current allowance month, for the chart.</summary>
public sealed record DailySeries(string Feature, string Unit, IReadOnlyList<(DateTime Day, decimal Quantity)> Days)
{
    public decimal Max => Days.Count == 0 ? 0 : Days.Max(d => d.Quantity);
}

/// <summary>One AI feature's calls this month, one row per model.</summary>
public sealed record ModelBreakdown(string Feature, bool Credits, IReadOnlyList<AiModelUsage> Models);

/// <summary>
/// Usage across every feature of the plan, as the API's subscription read-out reports it: meters for metered
/// features, seats and quotas, plan and purchased credits, balance, included features, and a per-day chart of this
/// month for metered features (server-drawn SVG, no script).
/// </summary>
public sealed class UsageModel(SubscriptionViews views) : PortalPageModel
{
    public override PortalSection Section => PortalSection.Usage;

    public Plan? Plan { get; private set; }

    public SubscriptionDto? View { get; private set; }

    public (DateTime Start, DateTime End) Window { get; private set; }

    public IReadOnlyList<MeterView> Meters { get; private set; } = [];

    public IReadOnlyList<(string Name, bool Included)> Flags { get; private set; } = [];

    public IReadOnlyList<DailySeries> Charts { get; private set; } = [];

    public IReadOnlyList<ModelBreakdown> ByModel { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        var s = Portal.Subscription;
        if (s is null || !Portal.HasLiveSubscription)
        {
            return Redirect("/portal");
        }
        Plan = await Portal.PlanAsync(Ct);
        View = await views.ToDtoAsync(Portal.Scope, s, Ct);
        Window = Consumption.Window(s, Portal.Now);
        var meters = new List<MeterView>();
        var flags = new List<(string, bool)>();
        var byCode = View.Features.ToDictionary(f => f.Code, StringComparer.Ordinal);
        var currency = Currency.Of(s.Currency);
        foreach (var f in Plan?.Features.Where(x => x.Feature is not null) ?? [])
        {
            var feature = f.Feature!;
            if (feature.Type == FeatureTypes.Boolean || !f.Enabled)
            {
                flags.Add((feature.Name, f.Enabled));
                continue;
            }
            var usage = byCode.GetValueOrDefault(feature.Code)?.Usage;
            var used = usage?.Current ?? 0;
            var unit = Unit(feature);
            var verb = feature.Type is FeatureTypes.Seats or FeatureTypes.Quota ? T["Usage.InUse"] : T["Usage.Used"];
            if (Plan!.ConsumptionModel is ConsumptionModels.Credits or ConsumptionModels.Balance && feature.Type == FeatureTypes.Usage)
            {
                var cost = f.PricingMode == CatalogRules.PricingModeAiModel ? T["Usage.PricedByModel"]
                    : Plan.ConsumptionModel == ConsumptionModels.Credits
                    ? T["Usage.CreditsEach", ("count", f.CreditsPerUnit ?? 1)]
                    : T["Usage.PriceEach", ("price", PortalFormat.Rate(f.BilledOverage(s.Currency), s.Currency))];
                meters.Add(new MeterView(feature.Name, used, 0, true, T["Usage.MeterThisMonth", ("used", PortalFormat.Quantity(used)), ("unit", unit), ("verb", verb), ("cost", cost)]));
                continue;
            }
            if (f.Unlimited)
            {
                meters.Add(new MeterView(feature.Name, used, 0, true, T["Usage.MeterUnlimited", ("used", PortalFormat.Quantity(used)), ("unit", unit), ("verb", verb)]));
                continue;
            }
            var included = usage?.Included ?? f.IncludedAmount;
            string? note = null;
            if (used > included && f.OverageEnabled)
            {
                var over = used - included;
                var overCost = Money.FromRate(f.BilledOverage(s.Currency), over, currency);
                note = T["Usage.Over", ("over", PortalFormat.Quantity(over)), ("cost", Portal.Money(overCost.MinorUnits)), ("price", PortalFormat.Rate(f.BilledOverage(s.Currency), s.Currency))];
            }
            else if (used >= included && !f.OverageEnabled && feature.Type is FeatureTypes.Usage or FeatureTypes.Quota)
            {
                note = T["Usage.Limit"];
            }
            else if (f.OverageEnabled && f.BilledOverage(s.Currency) > 0)
            {
                note = T["Usage.Beyond", ("price", PortalFormat.Rate(f.BilledOverage(s.Currency), s.Currency)), ("unit", feature.UnitName is { Length: > 0 } one ? one : T["Usage.UnitOne"])];
            }
            meters.Add(new MeterView(feature.Name, used, included, false, T["Usage.MeterOf", ("used", PortalFormat.Quantity(used)), ("included", PortalFormat.Quantity(included)), ("unit", unit), ("verb", verb)], note));
        }
        // Closest to their limits first: the share of the allowance used, highest first; unlimited meters last.
        Meters = meters.OrderByDescending(m => m.Unlimited || m.Max <= 0 ? -1m : m.Used / m.Max).ToList();
        Flags = flags;
        Charts = await DailyAsync(s);
        ByModel = await ByModelAsync(s);
        return Page();
    }

    private async Task<IReadOnlyList<ModelBreakdown>> ByModelAsync(Subscription s)
    {
        var priced = Plan?.Features.Where(f => f.Enabled && f.PricingMode == CatalogRules.PricingModeAiModel && f.Feature is not null).ToList() ?? [];
        if (priced.Count == 0)
        {
            return [];
        }
        var rows = await AiUsageLines.ReadAsync(Portal.Db, s.Id, Window.Start, Window.End, Ct);
        return priced.Select(f => new ModelBreakdown(f.Feature!.Name, Plan!.ConsumptionModel == ConsumptionModels.Credits,
                rows.Where(r => r.FeatureId == f.FeatureId).OrderByDescending(r => r.Charged).ThenBy(r => r.Model, StringComparer.Ordinal).ToList()))
            .Where(b => b.Models.Count > 0)
            .ToList();
    }

    private async Task<IReadOnlyList<DailySeries>> DailyAsync(Subscription s)
    {
        var metered = Plan?.Features.Where(f => f.Enabled && f.Feature?.Type == FeatureTypes.Usage).ToList() ?? [];
        if (metered.Count == 0)
        {
            return [];
        }
        // Every event was counted on the customer's own calendar day when it was written (UsageDays), so the bars are
        // the stored totals of the local days the allowance month touches: one query, whatever the zone.
        var local = LocalDays.Of(Window.Start, Window.End, Portal.Format.Zone);
        var (first, last) = (DateTime.SpecifyKind(local.Days[0], DateTimeKind.Utc), DateTime.SpecifyKind(local.Days[^1], DateTimeKind.Utc));
        var ids = metered.Select(f => f.FeatureId).ToList();
        var rows = await Portal.Db.UsageDaily.AsNoTracking()
            .Where(d => d.SubscriptionId == s.Id && ids.Contains(d.FeatureId) && d.Day >= first && d.Day <= last)
            .ToListAsync(Ct);
        // The month starts at the billing anchor, rarely at her midnight: the first day's stored total also holds that
        // day's usage from before the month began. The month's part is the month's counter less the other days (the
        // counter and the daily totals move together), kept between zero and the day's whole total.
        var counters = local.StartsUtc[0] < Window.Start
            ? await Portal.Db.UsageCounters.AsNoTracking()
                .Where(c => c.SubscriptionId == s.Id && ids.Contains(c.FeatureId) && c.WindowStart == Window.Start)
                .ToDictionaryAsync(c => c.FeatureId, c => c.Quantity, Ct)
            : null;
        var series = new List<DailySeries>();
        foreach (var f in metered)
        {
            var byDay = rows.Where(r => r.FeatureId == f.FeatureId).GroupBy(r => r.Day.Date).ToDictionary(g => g.Key, g => g.Sum(r => r.Quantity));
            // The whole month is drawn, days still to come empty, so the chart reads as "how far into the month".
            var days = local.Days.Select(d => (Day: d, Quantity: byDay.GetValueOrDefault(d.Date))).ToList();
            if (counters is not null && days.Count > 1)
            {
                var whole = days[0].Quantity;
                var inMonth = counters.GetValueOrDefault(f.FeatureId) - days.Skip(1).Sum(d => d.Quantity);
                days[0] = (days[0].Day, Math.Clamp(inMonth, Math.Min(0, whole), Math.Max(0, whole)));
            }
            series.Add(new DailySeries(f.Feature!.Name, Unit(f.Feature), days));
        }
        return series;
    }

    private static Localization.Texts T => Localization.Texts.Shared;

    internal static string Unit(Feature feature) => PlanChoices.Plural(feature.UnitName is { Length: > 0 } u ? u : feature.Name.ToLowerInvariant());
}
