using Commet.Domain;
using Commet.Server.Catalog;
using Commet.Server.Dashboard;
using Commet.Server.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using PlanOps = Commet.Server.Catalog.Plans;

namespace Commet.Server.Pages.Dashboard;

/// <summary>
/// One plan of the catalog (any other organization's or mode's is 404): its name, description and visibility (and
/// archiving it), its prices (edit the amount and trial, make one
/// the default, add one per interval, remove one) and its features (add, change the amount, overage and credit cost,
/// remove), each with the API's own catalog operation and validation, and audited. A new amount for a price that live
/// subscriptions pay is explained first and only made when the member confirms it: renewals charge the plan's current
/// price, so the change reaches every one of them. Owners, admins and developers only (page and every post).
/// </summary>
[Requires(Capability.Catalog)]
public sealed class PlanModel(TimeProvider clock) : DashboardPageModel
{
    public override string Section => "catalog";

    public Plan Plan { get; private set; } = null!;

    /// <summary>Live subscriptions each price bills (by price ID), as <c>GET /plans/{id}</c> counts them.</summary>
    public IReadOnlyDictionary<string, int> Subscribers { get; private set; } = new Dictionary<string, int>();

    /// <summary>Features of the catalog not on the plan yet, for the add form.</summary>
    public IReadOnlyList<Feature> Addable { get; private set; } = [];

    public string Currency => Organization.Currency;

    public bool IsCredits => Plan.ConsumptionModel == ConsumptionModels.Credits;

    /// <summary>Which form the field errors belong to (details, archive, price-{id}, add-price, feature-{code}, add-feature).</summary>
    public string? FailedForm { get; private set; }

    public IReadOnlyDictionary<string, string> FieldErrors { get; private set; } = new Dictionary<string, string>();

    /// <summary>The price whose change waits for the member's confirmation, and what it would be.</summary>
    public string? ConfirmPriceId { get; private set; }

    public string? ConfirmAmount { get; private set; }

    public string? ConfirmTrialDays { get; private set; }

    public string? ErrorFor(string form, string field) => FailedForm == form ? FieldErrors.GetValueOrDefault(field) : null;

    private async Task<bool> LoadAsync(string id)
    {
        var plan = await CatalogLookup.PlanAsync(Db, id, Ct, details: true);
        if (plan is null || plan.DeletedAt is not null)
        {
            return false;
        }
        Plan = plan;
        var counted = await PlanOps.WithSubscribersAsync(PlanDto.From(plan), Db, Ct);
        Subscribers = counted.Prices.ToDictionary(p => p.Id, p => p.Subscribers ?? 0, StringComparer.Ordinal);
        var on = plan.Features.Select(f => f.FeatureId).ToHashSet(StringComparer.Ordinal);
        Addable = (await Db.Features.AsNoTracking().Where(f => f.DeletedAt == null).OrderBy(f => f.Code).ToListAsync(Ct)).Where(f => !on.Contains(f.Id)).ToList();
        return true;
    }

    public async Task<IActionResult> OnGetAsync(string id) => await LoadAsync(id) ? Page() : NotFound();

    /// <summary>The plan's name, description and visibility: the API's <c>PUT /plans/{id}</c>, with its checks.</summary>
    public async Task<IActionResult> OnPostDetailsAsync(string id, string? name, string? description, string? isPublic)
    {
        if (!await LoadAsync(id))
        {
            return NotFound();
        }
        var request = new UpdatePlanRequest
        {
            Name = name ?? "",
            Description = string.IsNullOrWhiteSpace(description) ? null : description.Trim(),
            IsPublic = isPublic == "true",
        };
        var result = await PlanOps.UpdateAsync(Plan.Id, request, Db, clock, Ct);
        return await DoneAsync(id, "details", result, $"plan {Plan.Code}");
    }

    /// <summary>Archives the plan (the API's <c>DELETE /plans/{id}</c>): subscribers keep it; it leaves the catalog.</summary>
    public async Task<IActionResult> OnPostArchiveAsync(string id)
    {
        if (!await LoadAsync(id))
        {
            return NotFound();
        }
        var code = Plan.Code;
        var result = await PlanOps.DeleteAsync(Plan.Id, Db, clock, Ct);
        if (!result.IsSuccess)
        {
            return await FailAsync(id, "archive", result.Error!);
        }
        await AuditAsync(AuditActions.CatalogArchived, $"plan {code}");
        return Redirect(Path("catalog") + "?archived=" + Uri.EscapeDataString(code));
    }

    public async Task<IActionResult> OnPostPriceAsync(string id, string? priceId, string? price, string? trialDays, string? confirm)
    {
        if (!await LoadAsync(id))
        {
            return NotFound();
        }
        var current = Plan.Prices.FirstOrDefault(p => p.Id == priceId);
        if (current is null)
        {
            return NotFound();
        }
        var form = "price-" + current.Id;
        var check = new Check();
        var minor = DashboardInput.MinorUnits(check, "price", price, required: true, Currency);
        var trial = DashboardInput.WholeNumber(check, "trialDays", trialDays);
        if (check.Failed)
        {
            return await FailAsync(id, form, check.ToError());
        }
        var subscribers = Subscribers.GetValueOrDefault(current.Id);
        if (minor != current.Price && subscribers > 0 && confirm != "true")
        {
            // Explained, not made: the member sees who it reaches and confirms (or keeps the price).
            ConfirmPriceId = current.Id;
            ConfirmAmount = price;
            ConfirmTrialDays = trialDays;
            Response.StatusCode = StatusCodes.Status409Conflict;
            Problem = $"{subscribers} live subscription(s) pay the {current.BillingInterval} price of {Plan.Code}. Renewals charge the plan's current price, "
                + $"so {DashboardText.Money(minor!.Value, Currency)} would reach each of them at their next renewal. To charge only new customers a new price, "
                + "create a new plan and hide this one. Confirm below to change it for everyone.";
            return Page();
        }
        var result = await PlanPrices.UpdateAsync(Plan.Id, current.Id, new UpdatePlanPriceRequest { Price = minor, TrialDays = (int?)trial }, Db, clock, Ct);
        return await DoneAsync(id, form, result, $"price {current.Id} of {Plan.Code}");
    }

    public async Task<IActionResult> OnPostDefaultPriceAsync(string id, string? priceId)
    {
        if (!await LoadAsync(id))
        {
            return NotFound();
        }
        var result = await PlanPrices.SetDefaultAsync(Plan.Id, priceId ?? "", Db, clock, Ct);
        return await DoneAsync(id, "price-" + priceId, result, $"default price {priceId} of {Plan.Code}");
    }

    public async Task<IActionResult> OnPostAddPriceAsync(string id, string? billingInterval, string? price, string? trialDays)
    {
        if (!await LoadAsync(id))
        {
            return NotFound();
        }
        var check = new Check();
        var minor = DashboardInput.MinorUnits(check, "price", price, required: true, Currency);
        var trial = DashboardInput.WholeNumber(check, "trialDays", trialDays);
        if (check.Failed)
        {
            return await FailAsync(id, "add-price", check.ToError());
        }
        var result = await PlanPrices.AddAsync(Plan.Id, new AddPlanPriceRequest { BillingInterval = billingInterval, Price = minor, TrialDays = (int?)trial }, Db, clock, Ct);
        return await DoneAsync(id, "add-price", result, $"{billingInterval} price of {Plan.Code}", AuditActions.CatalogCreated);
    }

    public async Task<IActionResult> OnPostRemovePriceAsync(string id, string? priceId)
    {
        if (!await LoadAsync(id))
        {
            return NotFound();
        }
        var result = await PlanPrices.DeleteAsync(Plan.Id, priceId ?? "", Db, clock, Ct);
        return await DoneAsync(id, "price-" + priceId, result, $"price {priceId} of {Plan.Code}", AuditActions.CatalogArchived);
    }

    public async Task<IActionResult> OnPostAddFeatureAsync(string id, string? featureId, bool enabled, string? includedAmount, bool unlimited, bool overageEnabled,
        string? overageUnitPrice, string? creditsPerUnit)
    {
        if (!await LoadAsync(id))
        {
            return NotFound();
        }
        var check = new Check();
        var included = DashboardInput.WholeNumber(check, "includedAmount", includedAmount);
        var rate = DashboardInput.RateUnits(check, "overage.unitPrice", overageUnitPrice, required: false);
        var credits = DashboardInput.WholeNumber(check, "creditsPerUnit", creditsPerUnit);
        if (check.Failed)
        {
            return await FailAsync(id, "add-feature", check.ToError());
        }
        var result = await PlanFeatures.AddAsync(Plan.Id, new AddPlanFeatureRequest
        {
            FeatureId = featureId, Enabled = enabled, IncludedAmount = included, Unlimited = unlimited,
            Overage = overageEnabled || rate is not null ? new OverageInput { Enabled = overageEnabled, UnitPrice = rate ?? 0 } : null,
            CreditsPerUnit = credits,
        }, Db, clock, Ct);
        return await DoneAsync(id, "add-feature", result, $"feature {featureId} on {Plan.Code}", AuditActions.CatalogCreated);
    }

    public async Task<IActionResult> OnPostFeatureAsync(string id, string? featureId, bool enabled, string? includedAmount, bool unlimited, bool overageEnabled,
        string? overageUnitPrice, string? creditsPerUnit)
    {
        if (!await LoadAsync(id))
        {
            return NotFound();
        }
        var form = "feature-" + featureId;
        var check = new Check();
        var included = DashboardInput.WholeNumber(check, "includedAmount", includedAmount);
        var rate = DashboardInput.RateUnits(check, "overage.unitPrice", overageUnitPrice, required: false);
        var credits = DashboardInput.WholeNumber(check, "creditsPerUnit", creditsPerUnit);
        if (check.Failed)
        {
            return await FailAsync(id, form, check.ToError());
        }
        var request = new UpdatePlanFeatureRequest
        {
            Enabled = enabled, IncludedAmount = included, Unlimited = unlimited,
            Overage = new OverageInput { Enabled = overageEnabled, UnitPrice = rate },
        };
        if (IsCredits)
        {
            request.CreditsPerUnit = credits;
        }
        var result = await PlanFeatures.UpdateAsync(Plan.Id, featureId ?? "", request, Db, clock, Ct);
        return await DoneAsync(id, form, result, $"feature {featureId} on {Plan.Code}");
    }

    public async Task<IActionResult> OnPostRemoveFeatureAsync(string id, string? featureId)
    {
        if (!await LoadAsync(id))
        {
            return NotFound();
        }
        var result = await PlanFeatures.RemoveAsync(Plan.Id, featureId ?? "", Db, clock, Ct);
        return await DoneAsync(id, "feature-" + featureId, result, $"feature {featureId} on {Plan.Code}", AuditActions.CatalogArchived);
    }

    /// <summary>
    /// One price's amount in another currency, set by hand (the API's <c>PUT /plans/{id}/prices/{priceId}/regional</c>
    /// with that one currency; the price's other currencies stay). Typed as an amount in that currency ("17.00"; "2850"
    /// for yen), so at most that currency's decimals.
    /// </summary>
    public async Task<IActionResult> OnPostRegionalPriceAsync(string id, string? priceId, string? currency, string? amount)
    {
        if (!await LoadAsync(id))
        {
            return NotFound();
        }
        var current = Plan.Prices.FirstOrDefault(p => p.Id == priceId);
        if (current is null)
        {
            return NotFound();
        }
        var form = "regional-" + current.Id;
        var code = currency?.Trim().ToUpperInvariant() ?? "";
        var check = new Check();
        var minor = DashboardInput.MinorUnits(check, "overrides[0].price", amount, required: true, code);
        if (check.Failed)
        {
            return await FailAsync(id, form, check.ToError());
        }
        var result = await RegionalPrices.UpsertAsync(Plan.Id, current.Id, new UpsertRegionalPricesRequest
        {
            Overrides = [new RegionalOverrideInput { Currency = currency, Price = minor }],
        }, Db, clock, Ct);
        return await DoneAsync(id, form, result, $"{code} price {current.Id} of {Plan.Code}");
    }

    /// <summary>Removes every currency's amount of one price (the API's <c>DELETE …/regional</c>): it is then sold in USD only.</summary>
    public async Task<IActionResult> OnPostRemoveRegionalAsync(string id, string? priceId)
    {
        if (!await LoadAsync(id))
        {
            return NotFound();
        }
        var result = await RegionalPrices.DeleteAsync(Plan.Id, priceId ?? "", Db, clock, Ct);
        return await DoneAsync(id, "regional-" + priceId, result, $"regional prices of {priceId} of {Plan.Code}", AuditActions.CatalogArchived);
    }

    /// <summary>
    /// The whole plan in one currency from an exchange rate (the API's <c>PUT /plans/{id}/regional</c>): every price and
    /// priced feature's overage derived at the rate, except the feature overages typed here, which are set by hand.
    /// Prices set by hand on a price's own form are kept only if sent again (as the API does, a PUT sets the currency afresh).
    /// </summary>
    public async Task<IActionResult> OnPostRegionalPlanAsync(string id, string? currency, string? exchangeRate, string[]? featureId, string[]? featureOverage)
    {
        if (!await LoadAsync(id))
        {
            return NotFound();
        }
        var check = new Check();
        decimal? rate = null;
        if (!string.IsNullOrWhiteSpace(exchangeRate))
        {
            if (decimal.TryParse(exchangeRate.Trim(), System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out var parsed))
            {
                rate = parsed;
            }
            else
            {
                check.Add("exchangeRate", "exchangeRate must be a number such as 0.92: how many units of the currency one US dollar is worth.");
            }
        }
        var features = new List<RegionalFeatureInput>();
        var ids = featureId ?? [];
        var typed = featureOverage ?? [];
        for (var i = 0; i < ids.Length; i++)
        {
            var value = i < typed.Length ? typed[i] : null;
            if (string.IsNullOrWhiteSpace(value))
            {
                continue;
            }
            var field = $"features[{features.Count}].overageUnitPrice";
            var unit = DashboardInput.RateUnits(check, field, value, required: true);
            features.Add(new RegionalFeatureInput { FeatureId = ids[i], OverageUnitPrice = unit ?? 0 });
        }
        if (check.Failed)
        {
            return await FailAsync(id, "regional-plan", check.ToError());
        }
        var result = await RegionalPrices.SetPlanAsync(Plan.Id, new SetPlanRegionalPricingRequest
        {
            Currency = currency, ExchangeRate = rate, Features = features,
        }, Db, Caller, clock, Ct);
        return await DoneAsync(id, "regional-plan", result, $"{currency?.Trim().ToUpperInvariant()} prices of {Plan.Code}");
    }

    private async Task<IActionResult> DoneAsync<T>(string id, string form, Result<T> result, string target, string action = AuditActions.CatalogUpdated)
    {
        if (!result.IsSuccess)
        {
            return await FailAsync(id, form, result.Error!);
        }
        await AuditAsync(action, target);
        return Redirect(Path("catalog/plans/" + Uri.EscapeDataString(Plan.Id)) + "?saved=1");
    }

    private async Task<IActionResult> FailAsync(string id, string form, Error error)
    {
        // Nothing of a refused form is kept: the use case's half-applied change must not be saved with the audit row.
        Db.ChangeTracker.Clear();
        if (error.Status == StatusCodes.Status404NotFound && error.Code != "feature_not_found")
        {
            return NotFound();
        }
        Response.StatusCode = error.Status;
        FailedForm = form;
        FieldErrors = DashboardText.Fields(error);
        Problem = DashboardText.Describe(error);
        await LoadAsync(id);
        return Page();
    }
}
