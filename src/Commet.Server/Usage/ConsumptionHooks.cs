using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Domain.Usage;
using Commet.Server.Billing;
using Commet.Server.Subscriptions;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Usage;

/// <summary>
/// What the consumption side adds to the billing engine: renewal lines for the period that ended (metered
/// overage, seats in advance, balance overspend), allowance resets when a period starts, plan credits ending
/// with the subscription, and the usage read-out of a subscription.
/// </summary>
public sealed class ConsumptionHooks : IRenewalLineSource, ISubscriptionLifecycleHook, ISubscriptionReadOut
{
    public async Task AddLinesAsync(BillingScope scope, Subscription s, Invoice invoice, string endedPlanId, DateTime endedStart, DateTime endedEnd, CancellationToken ct)
    {
        var db = scope.Db;
        var plan = await scope.PlanAsync(endedPlanId, ct);
        if (plan is null)
        {
            return;
        }
        var currency = Currency.Of(s.Currency);
        var model = plan.ConsumptionModel ?? ConsumptionModels.Metered;

        if (model == ConsumptionModels.Metered && !plan.IsFree)
        {
            var billable = plan.Features.Where(f => f.Feature?.Type == FeatureTypes.Usage && f.OverageEnabled && !f.Unlimited).ToList();
            if (billable.Count > 0)
            {
                var featureIds = billable.Select(f => f.FeatureId).ToList();
                var counters = await db.UsageCounters.AsNoTracking()
                    .Where(c => c.SubscriptionId == s.Id && featureIds.Contains(c.FeatureId) && c.WindowStart >= endedStart && c.WindowStart < endedEnd)
                    .ToListAsync(ct);
                var allowance = await AddonAllowances.LoadAsync(scope, s, endedStart, ct);
                foreach (var pf in billable)
                {
                    var windows = counters.Where(c => c.FeatureId == pf.FeatureId)
                        .Select(w => (w.Quantity, Included: allowance.Included(pf, w.WindowStart, WindowEnd(s, w.WindowStart, endedEnd)))).ToList();
                    var used = windows.Sum(w => w.Quantity);
                    // The allowance is monthly (plan plus add-ons): each window's overage is what it used beyond its own allowance.
                    var overage = windows.Sum(w => Math.Max(0, w.Quantity - w.Included));
                    if (overage <= 0)
                    {
                        continue;
                    }
                    var included = windows.Count == 0 ? pf.IncludedAmount : windows.Sum(w => w.Included);
                    var amount = Money.FromRate(pf.BilledOverage(s.Currency), overage, currency);
                    invoice.AddLine(new InvoiceLine
                    {
                        LineType = LineTypes.FeatureOverage,
                        FeatureName = pf.Feature!.Name,
                        Description = $"{pf.Feature.Name}: {overage:0.######} beyond the {included:N0} included",
                        Quantity = overage,
                        UnitAmount = pf.BilledOverage(s.Currency),
                        UnitAmountIsRate = true,
                        Amount = amount.MinorUnits,
                        IncludedAmount = included,
                        UsedAmount = used,
                        OverageAmount = overage,
                        ChargeType = "true_up",
                    });
                }
            }
        }

        if (model is ConsumptionModels.Balance or ConsumptionModels.Credits)
        {
            // AI calls per model, for information: they were paid from the balance or credits as they happened.
            await AiUsageLines.AddAsync(scope, s, plan, invoice, endedStart, endedEnd, ct);
        }
        await AddQuotaTrueUpAsync(scope, s, plan, invoice, ct);

        if (model == ConsumptionModels.Balance)
        {
            // A preview (the upcoming invoice) reads without tracking and records nothing.
            var accounts = scope.Preview ? db.ConsumptionAccounts.AsNoTracking() : db.ConsumptionAccounts;
            var account = await accounts.FirstOrDefaultAsync(a => a.SubscriptionId == s.Id && a.Kind == AccountKinds.Balance, ct);
            if (account is { Total: < 0 })
            {
                var overspent = -account.Total;
                var amount = Consumption.MinorOfRate(overspent, currency);
                invoice.AddLine(new InvoiceLine
                {
                    LineType = LineTypes.BalanceOverage,
                    Description = $"Usage beyond your balance ({new Money(amount, currency).Format()})",
                    Quantity = 1,
                    UnitAmount = amount,
                    Amount = amount,
                    ChargeType = "true_up",
                });
                if (!scope.Preview)
                {
                    // Billed now, so the balance starts the new period at zero before the allowance is granted.
                    Consumption.Entry(scope, s, account, Buckets.Purchased, overspent, "overage_billed", invoice.Id);
                }
            }
        }

    }

    public async Task AddAdvanceLinesAsync(BillingScope scope, Subscription s, Invoice invoice, CancellationToken ct)
    {
        var db = scope.Db;
        var plan = await scope.PlanAsync(s.PlanId, ct);
        if (plan is null || plan.IsFree)
        {
            return;
        }
        var currency = Currency.Of(s.Currency);
        // Seats and quotas alike: what is in use beyond the included quantity, for the period that starts now.
        var seatFeatures = plan.Features.Where(f => f.Feature?.Type is FeatureTypes.Seats or FeatureTypes.Quota && !f.Unlimited && f.OverageUnitPrice > 0).ToList();
        if (seatFeatures.Count == 0)
        {
            return;
        }
        var seatQuery = db.SeatBalances.Where(b => b.SubscriptionId == s.Id);
        var stored = await (scope.Preview ? seatQuery.AsNoTracking() : seatQuery).ToListAsync(ct);
        var balances = stored.Concat(db.SeatBalances.Local.Where(b => b.SubscriptionId == s.Id && !stored.Contains(b))).ToList();
        // Seats are paid in advance for the period that starts now: the add-ons active as it starts add to the included seats.
        var allowance = balances.Count == 0 ? Allowance.PlanOnly : await AddonAllowances.ForWindowAsync(scope, s, scope.Now, ct);
        foreach (var pf in seatFeatures)
        {
            var balance = balances.FirstOrDefault(b => b.FeatureId == pf.FeatureId);
            if (balance is null)
            {
                continue;
            }
            var includedSeats = allowance.IncludedAt(pf, s, scope.Now);
            var extra = Math.Max(0, balance.Current - includedSeats);
            if (!scope.Preview)
            {
                // The new period pays for the seats in use now; seats removed last period stop costing from here.
                balance.PaidThrough = balance.Current;
            }
            if (extra == 0)
            {
                continue;
            }
            var amount = Money.FromRate(pf.BilledOverage(s.Currency), extra, currency);
            invoice.AddLine(new InvoiceLine
            {
                LineType = pf.Feature!.Type == FeatureTypes.Quota ? LineTypes.FeatureQuota : LineTypes.FeatureSeats,
                FeatureName = pf.Feature!.Name,
                Description = $"{extra} × {pf.Feature.Name} beyond the {includedSeats:N0} included",
                Quantity = extra,
                UnitAmount = pf.BilledOverage(s.Currency),
                UnitAmountIsRate = true,
                Amount = amount.MinorUnits,
                IncludedAmount = includedSeats,
                UsedAmount = balance.Current,
                OverageAmount = extra,
                ChargeType = "advance",
            });
        }
    }

    /// <summary>
    /// The true-up of the quotas raised during the period being billed (see <see cref="ChangeQuota"/>): one
    /// <c>feature_quota</c> line per quota with what its raises cost pro rata, then cleared — unless this is a preview.
    /// </summary>
    private static async Task AddQuotaTrueUpAsync(BillingScope scope, Subscription s, Plan plan, Invoice invoice, CancellationToken ct)
    {
        var quotas = plan.Features.Where(f => f.Feature?.Type == FeatureTypes.Quota).ToList();
        if (quotas.Count == 0)
        {
            return;
        }
        var query = scope.Db.SeatBalances.Where(b => b.SubscriptionId == s.Id && b.PendingTrueUp > 0);
        var pending = await (scope.Preview ? query.AsNoTracking() : query).ToListAsync(ct);
        foreach (var pf in quotas)
        {
            var balance = pending.FirstOrDefault(b => b.FeatureId == pf.FeatureId);
            if (balance is null)
            {
                continue;
            }
            invoice.AddLine(new InvoiceLine
            {
                LineType = LineTypes.FeatureQuota,
                FeatureName = pf.Feature!.Name,
                Description = $"{balance.PendingTrueUpUnits} × {pf.Feature.Name} added during the period (pro rata)",
                Quantity = balance.PendingTrueUpUnits,
                UnitAmount = pf.BilledOverage(s.Currency),
                UnitAmountIsRate = true,
                Amount = balance.PendingTrueUp,
                ChargeType = "true_up",
            });
            if (!scope.Preview)
            {
                balance.PendingTrueUp = 0;
                balance.PendingTrueUpUnits = 0;
            }
        }
    }

    /// <summary>
    /// The end of the allowance window that starts at <paramref name="windowStart"/> within a period ending at
    /// <paramref name="periodEnd"/>. A change at the period end may already have moved the anchor past the window; then
    /// the window is a month long, cut at the period end.
    /// </summary>
    private static DateTime WindowEnd(Subscription s, DateTime windowStart, DateTime periodEnd)
    {
        var end = windowStart >= s.BillingAnchor ? Consumption.Window(s, windowStart).End : windowStart.AddMonths(1);
        return end < periodEnd ? end : periodEnd;
    }

    public async Task OnPeriodStartedAsync(BillingScope scope, Subscription s, CancellationToken ct)
    {
        var plan = await scope.PlanAsync(s.PlanId, ct);
        if (plan is not null && Consumption.AccountKindOf(plan) is { } kind)
        {
            await Consumption.AccountAsync(scope, s, plan, kind, ct);
        }
    }

    public async Task OnCanceledAsync(BillingScope scope, Subscription s, CancellationToken ct)
    {
        var accounts = await scope.Db.ConsumptionAccounts.Where(a => a.SubscriptionId == s.Id).ToListAsync(ct);
        foreach (var account in accounts.Where(a => a.PlanAmount != 0))
        {
            // Plan credits (and included balance) end with the subscription; purchased ones are kept.
            Consumption.Entry(scope, s, account, Buckets.Plan, -account.PlanAmount, "cancel", null);
        }
    }

    public async Task<(IReadOnlyList<SubscriptionFeatureDto> Features, CreditsDto? Credits, BalanceDto? Balance)> ReadAsync(BillingScope scope, Subscription s, Plan plan, CancellationToken ct)
    {
        var db = scope.Db;
        var (windowStart, _) = Consumption.Window(s, scope.Now);
        // Each read only when the plan has a feature that shows it (a plan without metered or seat features reads none).
        var types = plan.Features.Select(f => f.Feature?.Type).ToHashSet();
        Dictionary<string, decimal> counters = types.Contains(FeatureTypes.Usage)
            ? await db.UsageCounters.AsNoTracking().Where(c => c.SubscriptionId == s.Id && c.WindowStart == windowStart)
                .ToDictionaryAsync(c => c.FeatureId, c => c.Quantity, ct)
            : new();
        Dictionary<string, long> seats = types.Contains(FeatureTypes.Seats) || types.Contains(FeatureTypes.Quota)
            ? await ChangeSeats.CountsAsync(db, s.Id, ct)
            : new();
        var allowance = plan.Features.Count > 0 ? await AddonAllowances.ForWindowAsync(scope, s, scope.Now, ct) : Allowance.PlanOnly;
        var features = new List<SubscriptionFeatureDto>();
        foreach (var pf in plan.Features.Where(f => f.Feature is not null))
        {
            var f = pf.Feature!;
            var included = allowance.IncludedAt(pf, s, scope.Now);
            UsageDto? usage = f.Type switch
            {
                FeatureTypes.Usage => new UsageDto(counters.GetValueOrDefault(pf.FeatureId), included,
                    Math.Max(0, counters.GetValueOrDefault(pf.FeatureId) - included), pf.OverageEnabled ? pf.BilledOverage(s.Currency) : null),
                FeatureTypes.Seats or FeatureTypes.Quota => new UsageDto(seats.GetValueOrDefault(pf.FeatureId), included,
                    Math.Max(0, seats.GetValueOrDefault(pf.FeatureId) - included), pf.OverageEnabled ? pf.BilledOverage(s.Currency) : null),
                _ => null,
            };
            features.Add(new SubscriptionFeatureDto(f.Code, f.Name, f.Type, pf.Enabled, usage));
        }
        CreditsDto? credits = null;
        BalanceDto? balance = null;
        if (SubscriptionStatus.IsLive(s.Status) || s.Status == SubscriptionStatus.Canceled)
        {
            switch (Consumption.AccountKindOf(plan))
            {
                case AccountKinds.Credits:
                    var c = await CheckUsage.ReadAccountAsync(scope, s, plan, AccountKinds.Credits, ct);
                    credits = new CreditsDto(c.Total, c.Allowance, c.PurchasedAmount);
                    break;
                case AccountKinds.Balance:
                    var b = await CheckUsage.ReadAccountAsync(scope, s, plan, AccountKinds.Balance, ct);
                    balance = new BalanceDto(b.Total, b.Allowance, s.Currency);
                    break;
            }
        }
        return (features, credits, balance);
    }
}
