using System.Globalization;
using Commet;
using Commet.Models;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Acme.Pages;

/// <summary>The public plans, straight from Commet's plans API.</summary>
public sealed class PricingModel(CommetClient commet, ILogger<PricingModel> logger) : PageModel
{
    public IReadOnlyList<Plan> Plans { get; private set; } = [];

    public string? Problem { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        try
        {
            var plans = new List<Plan>();
            await foreach (var plan in commet.Plans.ListAsync(cancellationToken: cancellationToken))
            {
                plans.Add(plan);
            }
            Plans = [.. plans.OrderBy(p => p.SortOrder)];
        }
        catch (Exception ex) when (ex is CommetApiException or HttpRequestException or TimeoutException)
        {
            logger.LogWarning(ex, "Could not load the plans from Commet.");
            Problem = "The plans could not be loaded right now. Try again in a moment.";
        }
    }

    /// <summary>Minor units to dollars: 4900 → $49.00.</summary>
    public static string Amount(long minorUnits) =>
        (minorUnits / 100m).ToString("C", CultureInfo.GetCultureInfo("en-US"));

    public static string Period(BillingInterval interval) => interval switch
    {
        BillingInterval.Weekly => "week",
        BillingInterval.Monthly => "month",
        BillingInterval.Quarterly => "quarter",
        BillingInterval.Yearly => "year",
        _ => "one-time payment",
    };
}
