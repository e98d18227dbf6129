using System.Globalization;
using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Domain.Usage;
using Commet.Server.Billing;
using Commet.Server.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Usage;

/// <summary>The per-model AI usage of a subscription: what the renewal invoice lists and the portal shows.</summary>
public static class AiUsageLines
{
    /// <summary>The per-model rows of the windows that start in [<paramref name="from"/>, <paramref name="to"/>), summed per feature and model.</summary>
    public static async Task<IReadOnlyList<AiModelUsage>> ReadAsync(CommetDb db, string subscriptionId, DateTime from, DateTime to, CancellationToken ct)
    {
        var rows = await db.AiModelUsage.AsNoTracking()
            .Where(u => u.SubscriptionId == subscriptionId && u.WindowStart >= from && u.WindowStart < to)
            .ToListAsync(ct);
        return rows.GroupBy(u => (u.FeatureId, u.Model))
            .Select(g => new AiModelUsage
            {
                SubscriptionId = subscriptionId,
                FeatureId = g.Key.FeatureId,
                Model = g.Key.Model,
                Kind = g.First().Kind,
                WindowStart = g.Min(u => u.WindowStart),
                Calls = g.Sum(u => u.Calls),
                InputTokens = g.Sum(u => u.InputTokens),
                OutputTokens = g.Sum(u => u.OutputTokens),
                CacheReadTokens = g.Sum(u => u.CacheReadTokens),
                CacheWriteTokens = g.Sum(u => u.CacheWriteTokens),
                Charged = g.Sum(u => u.Charged),
                MarginCharged = g.Sum(u => u.MarginCharged),
            })
            .OrderBy(u => u.FeatureId, StringComparer.Ordinal).ThenBy(u => u.Model, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>What the calls took, as people read it: money on balance plans (to the minor unit), credits on credits plans.</summary>
    public static string Spent(AiModelUsage u, Currency currency) => u.Kind == AccountKinds.Credits
        ? string.Create(CultureInfo.InvariantCulture, $"{u.Charged:N0} credits")
        : new Money(Consumption.MinorOfRate(u.Charged, currency), currency).Format(CultureInfo.InvariantCulture);

    private static string Describe(string feature, AiModelUsage u, Currency currency)
    {
        var i = CultureInfo.InvariantCulture;
        var taken = u.Kind == AccountKinds.Credits ? "credits" : "balance";
        return string.Create(i, $"{feature} · {u.Model}: {u.TotalTokens:N0} tokens ({u.InputTokens:N0} input, {u.OutputTokens:N0} output, {u.CacheReadTokens:N0} cache read, {u.CacheWriteTokens:N0} cache write) in {u.Calls:N0} calls; {Spent(u, currency)} taken from the {taken}");
    }

    /// <summary>
    /// One line per feature and model used in the ended period, for information: the tokens, and what they took from
    /// the balance or credits. The lines are of amount zero, because the calls were paid from the balance or credits as
    /// they happened; money owed beyond the balance is the balance overage line.
    /// </summary>
    public static async Task AddAsync(BillingScope scope, Subscription s, Plan plan, Invoice invoice, DateTime endedStart, DateTime endedEnd, CancellationToken ct)
    {
        if (!plan.Features.Any(f => f.PricingMode == CatalogRules.PricingModeAiModel))
        {
            return;
        }
        var currency = Currency.Of(s.Currency);
        foreach (var u in await ReadAsync(scope.Db, s.Id, endedStart, endedEnd, ct))
        {
            var feature = plan.Features.FirstOrDefault(f => f.FeatureId == u.FeatureId)?.Feature;
            invoice.AddLine(new InvoiceLine
            {
                LineType = LineTypes.FeatureOverage,
                FeatureName = feature?.Name,
                Description = Describe(feature?.Name ?? "AI usage", u, currency),
                Quantity = u.TotalTokens,
                UnitAmount = 0,
                Amount = 0,
                UsedAmount = u.TotalTokens,
                ChargeType = "true_up",
            });
        }
    }
}
