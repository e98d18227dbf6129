using Commet.Domain;
using Commet.Server.Catalog;
using Commet.Server.Dashboard;
using Commet.Server.Persistence;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using AddonOps = Commet.Server.Catalog.Addons;
using FeatureOps = Commet.Server.Catalog.Features;
using PlanOps = Commet.Server.Catalog.Plans;

namespace Commet.Server.Pages.Dashboard;

/// <summary>
/// The catalog of this organization and mode: features, plans (with their prices and features), plan groups, credit
/// packs and add-ons — listed, created, edited (names; a pack's credits and price; an add-on's price and included units)
/// and archived with the API's own catalog operations, so the checks and
/// the errors are the API's. Developers, admins and owners only (page and every post).
/// </summary>
[Requires(Capability.Catalog)]
public sealed class CatalogModel(TimeProvider clock) : DashboardPageModel
{
    public override string Section => "catalog";

    public IReadOnlyList<Feature> Features { get; private set; } = [];

    public IReadOnlyList<Plan> Plans { get; private set; } = [];

    public IReadOnlyList<PlanGroup> Groups { get; private set; } = [];

    public IReadOnlyList<CreditPack> Packs { get; private set; } = [];

    public IReadOnlyList<Addon> Addons { get; private set; } = [];

    public string Currency { get; private set; } = "USD";

    /// <summary>Which form the field errors belong to (feature, plan, group, pack, addon; pack-{id} and addon-{id} for edits).</summary>
    public string? FailedForm { get; private set; }

    /// <summary>The failed form's field errors by field name, shown next to its inputs.</summary>
    public IReadOnlyDictionary<string, string> FieldErrors { get; private set; } = new Dictionary<string, string>();

    /// <summary>What the failed form held, so the member does not type it again.</summary>
    public IReadOnlyDictionary<string, string?> Entered { get; private set; } = new Dictionary<string, string?>();

    public string? ErrorFor(string form, string field) => FailedForm == form ? FieldErrors.GetValueOrDefault(field) : null;

    public string? Value(string form, string field) => FailedForm == form ? Entered.GetValueOrDefault(field) : null;

    /// <summary>The group's plans in the order the API gives them (first to last).</summary>
    public IReadOnlyList<Plan> PlansIn(string groupId) => Plans.Where(p => p.PlanGroupId == groupId).OrderBy(p => p.SortOrder).ThenBy(p => p.Id).ToList();

    public string GroupName(string? id) => id is null ? "—" : Groups.FirstOrDefault(g => g.Id == id)?.Name ?? id;

    private async Task LoadAsync()
    {
        Currency = Organization.Currency;
        Features = await Db.Features.AsNoTracking().Where(f => f.DeletedAt == null).OrderBy(f => f.Code).ToListAsync(Ct);
        Plans = await Db.Plans.AsNoTracking().Include(p => p.Prices).Include(p => p.Features)
            .Where(p => p.DeletedAt == null).OrderBy(p => p.PlanGroupId).ThenBy(p => p.SortOrder).ThenBy(p => p.Code).ToListAsync(Ct);
        Groups = await Db.PlanGroups.AsNoTracking().OrderBy(g => g.Name).ToListAsync(Ct);
        Packs = await Db.CreditPacks.AsNoTracking().Where(c => c.DeletedAt == null).OrderBy(c => c.Credits).ToListAsync(Ct);
        Addons = await Db.Addons.AsNoTracking().Where(a => a.DeletedAt == null).OrderBy(a => a.Name).ToListAsync(Ct);
    }

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostFeatureAsync(string? name, string? code, string? type, string? unitName, string? description)
    {
        var result = await FeatureOps.CreateAsync(new CreateFeatureRequest { Name = name, Code = code, Type = type, UnitName = Blank(unitName), Description = Blank(description) },
            Db, Caller, clock, Ct);
        return await AnswerAsync(result, "feature", f => f.Code,
            new() { ["name"] = name, ["code"] = code, ["type"] = type, ["unitName"] = unitName, ["description"] = description });
    }

    public async Task<IActionResult> OnPostRenameFeatureAsync(string? code, string? name) =>
        await ChangeAsync(await FeatureOps.UpdateAsync(code ?? "", new UpdateFeatureRequest { Name = name ?? "" }, Db, clock, Ct), f => f.Code, AuditActions.CatalogUpdated);

    public async Task<IActionResult> OnPostArchiveFeatureAsync(string? code) =>
        await ChangeAsync(await FeatureOps.DeleteAsync(code ?? "", Db, clock, Ct), f => f.Code, AuditActions.CatalogArchived);

    /// <summary>A plan with its first price (the API's create plan, then add price — both checked before either is written).</summary>
    public async Task<IActionResult> OnPostPlanAsync(string? name, string? code, string? consumptionModel, string? planGroupId, string? billingInterval,
        string? price, string? trialDays, string? isFree)
    {
        var entered = new Dictionary<string, string?>
        {
            ["name"] = name, ["code"] = code, ["consumptionModel"] = consumptionModel, ["planGroupId"] = planGroupId,
            ["billingInterval"] = billingInterval, ["price"] = price, ["trialDays"] = trialDays,
        };
        var free = isFree == "true";
        var check = new Http.Check();
        var minor = free ? null : MinorUnits(check, "price", price, required: true);
        var trial = WholeNumber(check, "trialDays", trialDays);
        if (!free)
        {
            check.OneOf("billingInterval", billingInterval, BillingIntervals.All, required: true);
        }
        if (check.Failed)
        {
            return await FailAsync("plan", check.ToError(), entered);
        }
        var created = await Db.InTransactionAsync<Plan>(async () =>
        {
            var plan = await PlanOps.CreateAsync(new CreatePlanRequest
            {
                Name = name, Code = code, ConsumptionModel = Blank(consumptionModel), PlanGroupId = Blank(planGroupId), IsFree = free,
            }, Db, Caller, clock, Ct);
            if (!plan.IsSuccess || free)
            {
                return plan;
            }
            var added = await PlanPrices.AddAsync(plan.Value.Id, new AddPlanPriceRequest { BillingInterval = billingInterval, Price = minor, TrialDays = (int?)trial },
                Db, clock, Ct);
            return added.IsSuccess ? plan : added.Error!;
        }, Ct);
        return await AnswerAsync(created, "plan", p => p.Code, entered);
    }

    public async Task<IActionResult> OnPostArchivePlanAsync(string? id) =>
        await ChangeAsync(await PlanOps.DeleteAsync(id ?? "", Db, clock, Ct), p => p.Code, AuditActions.CatalogArchived);

    public async Task<IActionResult> OnPostGroupAsync(string? name, string? description)
    {
        var result = await PlanGroups.CreateAsync(new CreatePlanGroupRequest { Name = name, Description = Blank(description) }, Db, Caller, clock, Ct);
        return await AnswerAsync(result, "group", g => g.Id, new() { ["name"] = name, ["description"] = description });
    }

    public async Task<IActionResult> OnPostArchiveGroupAsync(string? id) =>
        await ChangeAsync(await PlanGroups.DeleteAsync(id ?? "", Db, clock, Ct), g => g.Id, AuditActions.CatalogArchived);

    /// <summary>Moves a plan one place up or down in its group: the API's reorder, with the whole group's new order.</summary>
    public async Task<IActionResult> OnPostMovePlanAsync(string? groupId, string? planId, string? direction)
    {
        var group = await CatalogLookup.PlanGroupAsync(Db, groupId ?? "", Ct);
        if (group is null)
        {
            return NotFound();
        }
        var order = (await CatalogLookup.GroupPlansAsync(Db, group.Id, Ct)).OrderBy(p => p.SortOrder).ThenBy(p => p.Id).Select(p => p.Id).ToList();
        var at = order.IndexOf(planId ?? "");
        if (at < 0)
        {
            return NotFound();
        }
        var to = direction == "up" ? at - 1 : at + 1;
        if (to >= 0 && to < order.Count)
        {
            (order[at], order[to]) = (order[to], order[at]);
        }
        var result = await PlanGroups.ReorderAsync(group.Id, new ReorderPlansRequest { PlanIds = order.Cast<string?>().ToList() }, Db, clock, Ct);
        return await ChangeAsync(result, g => g.Id, AuditActions.CatalogUpdated);
    }

    public async Task<IActionResult> OnPostPackAsync(string? name, string? credits, string? price)
    {
        var entered = new Dictionary<string, string?> { ["name"] = name, ["credits"] = credits, ["price"] = price };
        var check = new Http.Check();
        var count = WholeNumber(check, "credits", credits);
        var minor = MinorUnits(check, "price", price, required: false);
        if (check.Failed)
        {
            return await FailAsync("pack", check.ToError(), entered);
        }
        var result = await CreditPacks.CreateAsync(new CreateCreditPackRequest { Name = name, Credits = count, Price = minor }, Db, Caller, clock, Ct);
        return await AnswerAsync(result, "pack", c => c.Id, entered);
    }

    /// <summary>A pack's name, description, credits and price (the API's <c>PUT /credit-packs/{id}</c>); later purchases only.</summary>
    public async Task<IActionResult> OnPostEditPackAsync(string? id, string? name, string? description, string? credits, string? price)
    {
        var form = "pack-" + id;
        var entered = new Dictionary<string, string?> { ["name"] = name, ["description"] = description, ["credits"] = credits, ["price"] = price };
        var check = new Http.Check();
        var count = WholeNumber(check, "credits", credits);
        var minor = MinorUnits(check, "price", price, required: true);
        if (check.Failed)
        {
            return await FailAsync(form, check.ToError(), entered);
        }
        var result = await CreditPacks.UpdateAsync(id ?? "", new UpdateCreditPackRequest
        {
            Name = name ?? "", Description = Blank(description), Credits = count, Price = minor,
        }, Db, clock, Ct);
        return await EditedAsync(result, form, c => c.Name, entered);
    }

    /// <summary>
    /// An add-on's name, description, price a period, included units, overage price and credit cost (the API's
    /// <c>PUT /addons/{id}</c>, whose rules say which numbers the add-on's model takes).
    /// </summary>
    public async Task<IActionResult> OnPostEditAddonAsync(string? id, string? name, string? description, string? basePrice, string? includedUnits,
        string? overageRate, string? creditCost)
    {
        var form = "addon-" + id;
        var entered = new Dictionary<string, string?>
        {
            ["name"] = name, ["description"] = description, ["basePrice"] = basePrice, ["includedUnits"] = includedUnits,
            ["overageRate"] = overageRate, ["creditCost"] = creditCost,
        };
        var check = new Http.Check();
        var minor = MinorUnits(check, "basePrice", basePrice, required: true);
        var units = WholeNumber(check, "includedUnits", includedUnits);
        var rate = DashboardInput.RateUnits(check, "overageRate", overageRate, required: false);
        var cost = WholeNumber(check, "creditCost", creditCost);
        if (check.Failed)
        {
            return await FailAsync(form, check.ToError(), entered);
        }
        var request = new UpdateAddonRequest { Name = name ?? "", Description = Blank(description), BasePrice = minor };
        // Left blank, a number stays as it is (clearing one is the API's, with an explicit null).
        if (units is not null)
        {
            request.IncludedUnits = units;
        }
        if (rate is not null)
        {
            request.OverageRate = rate;
        }
        if (cost is not null)
        {
            request.CreditCost = cost;
        }
        var result = await AddonOps.UpdateAsync(id ?? "", request, Db, clock, Ct);
        return await EditedAsync(result, form, a => a.Slug, entered);
    }

    public async Task<IActionResult> OnPostArchivePackAsync(string? id) =>
        await ChangeAsync(await CreditPacks.DeleteAsync(id ?? "", Db, clock, Ct), c => c.Id, AuditActions.CatalogArchived);

    /// <summary>
    /// An add-on with its model (boolean for an on/off feature; metered, credits or balance otherwise) and the numbers
    /// that model takes; the API's create, so its model-and-feature rules answer.
    /// </summary>
    public async Task<IActionResult> OnPostAddonAsync(string? name, string? featureId, string? consumptionModel, string? basePrice, string? includedUnits,
        string? overageRate, string? creditCost)
    {
        var entered = new Dictionary<string, string?>
        {
            ["name"] = name, ["featureId"] = featureId, ["consumptionModel"] = consumptionModel, ["basePrice"] = basePrice,
            ["includedUnits"] = includedUnits, ["overageRate"] = overageRate, ["creditCost"] = creditCost,
        };
        var check = new Http.Check();
        var minor = MinorUnits(check, "basePrice", basePrice, required: false);
        var units = WholeNumber(check, "includedUnits", includedUnits);
        var rate = DashboardInput.RateUnits(check, "overageRate", overageRate, required: false);
        var cost = WholeNumber(check, "creditCost", creditCost);
        if (check.Failed)
        {
            return await FailAsync("addon", check.ToError(), entered);
        }
        var result = await AddonOps.CreateAsync(new CreateAddonRequest
        {
            Name = name, FeatureId = Blank(featureId), ConsumptionModel = Blank(consumptionModel), BasePrice = minor, IncludedUnits = units,
            OverageRate = rate, CreditCost = cost,
        }, Db, Caller, clock, Ct);
        return await AnswerAsync(result, "addon", a => a.Slug, entered);
    }

    public async Task<IActionResult> OnPostArchiveAddonAsync(string? id) =>
        await ChangeAsync(await AddonOps.DeleteAsync(id ?? "", Db, clock, Ct), a => a.Slug, AuditActions.CatalogArchived);

    private async Task<IActionResult> AnswerAsync<T>(Result<T> result, string form, Func<T, string> name, Dictionary<string, string?> entered)
    {
        if (!result.IsSuccess)
        {
            return await FailAsync(form, result.Error!, entered);
        }
        // The use case has saved its rows; the audit row must not save anything else it left attached (a new add-on's
        // feature is attached untracked-then-tracked as a navigation, and would be inserted a second time).
        Db.ChangeTracker.Clear();
        await AuditAsync(AuditActions.CatalogCreated, $"{form} {name(result.Value)}");
        return Redirect(Path("catalog") + "?created=" + Uri.EscapeDataString(name(result.Value)));
    }

    /// <summary>An edit form's answer: a refused one shows its errors beside its own fields; an unknown ID is 404.</summary>
    private async Task<IActionResult> EditedAsync<T>(Result<T> result, string form, Func<T, string> name, Dictionary<string, string?> entered)
    {
        if (!result.IsSuccess)
        {
            if (result.Error!.Status == StatusCodes.Status404NotFound)
            {
                return NotFound();
            }
            return await FailAsync(form, result.Error, entered);
        }
        return await ChangeAsync(result, name, AuditActions.CatalogUpdated);
    }

    private async Task<IActionResult> ChangeAsync<T>(Result<T> result, Func<T, string> name, string action)
    {
        if (!result.IsSuccess)
        {
            if (result.Error!.Status == StatusCodes.Status404NotFound)
            {
                return NotFound();
            }
            Db.ChangeTracker.Clear();
            Response.StatusCode = result.Error.Status;
            Problem = DashboardText.Describe(result.Error);
            await LoadAsync();
            return Page();
        }
        Db.ChangeTracker.Clear();
        await AuditAsync(action, name(result.Value));
        return Redirect(Path("catalog") + (action == AuditActions.CatalogArchived ? "?archived=" : "?updated=") + Uri.EscapeDataString(name(result.Value)));
    }

    private async Task<IActionResult> FailAsync(string form, Error error, Dictionary<string, string?> entered)
    {
        // Nothing of a refused form is kept: the use case wrote nothing, and nothing tracked may be saved by the audit.
        Db.ChangeTracker.Clear();
        Response.StatusCode = error.Status;
        FailedForm = form;
        FieldErrors = DashboardText.Fields(error);
        Entered = entered;
        Problem = DashboardText.Describe(error);
        await LoadAsync();
        return Page();
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>A decimal amount typed by a person ("19.99") in minor units of the organization's currency; explicit, no rounding.</summary>
    private long? MinorUnits(Http.Check check, string field, string? typed, bool required) =>
        DashboardInput.MinorUnits(check, field, typed, required, Organization.Currency);

    private static long? WholeNumber(Http.Check check, string field, string? typed) => DashboardInput.WholeNumber(check, field, typed);
}
