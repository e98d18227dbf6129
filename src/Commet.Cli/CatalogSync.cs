using System.Text.Json;
using System.Text.Json.Nodes;
using Commet.Models;

namespace Commet.Cli;

/// <summary>One line of a push: what changes and, unless it is only explained, how to apply it.</summary>
public sealed record CatalogChange(string Kind, string Target, string Description, Func<CommetClient, CancellationToken, Task>? Apply)
{
    /// <summary>create, change, archive, or blocked (explained, not attempted).</summary>
    public string Kind { get; } = Kind;
}

/// <summary>Reads the server's catalog into a config, and works out the changes that bring the server to a config.</summary>
public static class CatalogSync
{
    internal static T Enum<T>(string value, string field) where T : struct
    {
        try
        {
            return JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(value), CliHost.Json);
        }
        catch (JsonException)
        {
            throw new CliException($"{field}: '{value}' is not a valid value.");
        }
    }

    internal static string Wire<T>(T value) => JsonSerializer.Serialize(value, CliHost.Json).Trim('"');

    public sealed record Server(List<Feature> Features, List<Plan> Plans, List<PlanGroup> Groups, List<CreditPack> Packs, List<Addon> Addons)
    {
        /// <summary>Plans read one by one for their subscriber counts (by code): those whose price amounts the file changes.</summary>
        public IReadOnlyDictionary<string, Plan> Details { get; init; } = new Dictionary<string, Plan>(StringComparer.Ordinal);

        /// <summary>Live subscriptions billed at a plan's price for an interval; null when not asked (or the server does not say).</summary>
        public int? SubscribersAt(string code, BillingInterval interval) =>
            Details.TryGetValue(code, out var plan) ? plan.Prices?.FirstOrDefault(p => p.BillingInterval == interval)?.Subscribers : null;
    }

    /// <summary>
    /// Asks the server how many live subscriptions pay each price the file changes the amount of (<c>GET /plans/{code}</c>
    /// answers them), so <see cref="Diff"/> can explain such a change instead of making it.
    /// </summary>
    public static async Task<Server> WithSubscribersAsync(CommetClient commet, CatalogConfig want, Server have, CancellationToken ct)
    {
        Validate(want);
        var details = new Dictionary<string, Plan>(StringComparer.Ordinal);
        foreach (var (code, p) in want.Plans)
        {
            var current = have.Plans.FirstOrDefault(x => x.Code == code);
            var amountChanges = current?.Prices?.Any(x => p.Prices.Any(w => Enum<BillingInterval>(w.Interval, "interval") == x.BillingInterval && w.Amount / 100 != x.Price)) == true;
            if (amountChanges)
            {
                details[code] = await commet.Plans.GetAsync(code, ct);
            }
        }
        return have with { Details = details };
    }

    public static async Task<Server> ReadAsync(CommetClient commet, CancellationToken ct)
    {
        var features = await commet.Features.ListAsync(ct).ToListAsync(ct);
        var plans = await commet.Plans.ListAsync(includePrivate: true, ct).ToListAsync(ct);
        var groups = await commet.PlanGroups.ListAsync(cancellationToken: ct).ToListAsync(ct);
        var packs = await commet.CreditPacks.ListAsync(ct).ToListAsync(ct);
        var addons = await commet.Addons.ListAsync(cancellationToken: ct).ToListAsync(ct);
        return new(features, plans, groups, packs, addons);
    }

    public static CatalogConfig ToConfig(Server s)
    {
        var config = new CatalogConfig { Schema = "https://commet.co/schemas/commet.config.schema.json" };
        foreach (var f in s.Features)
        {
            config.Features[f.Code] = new FeatureDef { Name = f.Name, Type = Wire(f.Type), UnitName = f.UnitName, Description = f.Description };
        }
        foreach (var p in s.Plans)
        {
            var prices = p.Prices ?? [];
            var def = new PlanDef
            {
                Name = p.Name, Description = p.Description, ConsumptionModel = p.ConsumptionModel is { } m ? Wire(m) : null,
                DefaultInterval = prices.FirstOrDefault(x => x.IsDefault) is { } d ? Wire(d.BillingInterval) : null,
                IsFree = p.IsFree, IsPublic = p.IsPublic, SortOrder = p.SortOrder,
                Group = s.Groups.FirstOrDefault(g => g.Id == p.PlanGroupId)?.Name,
                Prices = prices.Select(x => new PriceDef { Interval = Wire(x.BillingInterval), Amount = x.Price * 100, TrialDays = x.TrialDays == 0 ? null : x.TrialDays }).ToList(),
            };
            foreach (var f in p.Features ?? [])
            {
                def.Features ??= new(StringComparer.Ordinal);
                def.Features[f.Code] = FeatureValue(f);
            }
            config.Plans[p.Code] = def;
        }
        if (s.Groups.Count > 0)
        {
            config.PlanGroups = new(StringComparer.Ordinal);
            foreach (var g in s.Groups)
            {
                config.PlanGroups[g.Name] = new PlanGroupDef { Description = g.Description, IsPublic = g.IsPublic };
            }
        }
        if (s.Packs.Count > 0)
        {
            config.CreditPacks = new(StringComparer.Ordinal);
            foreach (var c in s.Packs)
            {
                config.CreditPacks[c.Name] = new CreditPackDef { Description = c.Description, Credits = c.Credits, Price = c.Price };
            }
        }
        if (s.Addons.Count > 0)
        {
            config.Addons = new(StringComparer.Ordinal);
            foreach (var a in s.Addons)
            {
                config.Addons[a.Name] = new AddonDef
                {
                    Description = a.Description, Feature = a.FeatureCode, BasePrice = a.BasePrice, ConsumptionModel = Wire(a.ConsumptionModel),
                    IncludedUnits = a.IncludedUnits, OverageRate = a.OverageRate, CreditCost = a.CreditCost,
                };
            }
        }
        return config;
    }

    private static JsonNode? FeatureValue(PlanFeatureSummary f)
    {
        var overage = f.Overage is { Enabled: true, UnitPrice: { } price } ? price : (long?)null;
        if (!f.Unlimited && (f.IncludedAmount ?? 0) == 0 && overage is null)
        {
            return JsonValue.Create(f.Enabled);
        }
        var o = new JsonObject();
        if ((f.IncludedAmount ?? 0) != 0)
        {
            o["included"] = f.IncludedAmount;
        }
        if (f.Unlimited)
        {
            o["unlimited"] = true;
        }
        if (overage is { } u)
        {
            o["overage"] = new JsonObject { ["unitPrice"] = u };
        }
        return o;
    }

    /// <summary>What a plan feature value in the config asks for.</summary>
    private sealed record WantedFeature(bool Enabled, long Included, bool Unlimited, long? OveragePrice);

    private static WantedFeature Wanted(string where, JsonNode? node)
    {
        if (node is JsonValue v && v.TryGetValue<bool>(out var b))
        {
            return new WantedFeature(b, 0, false, null);
        }
        if (node is JsonObject o)
        {
            long? overage = o["overage"] is JsonObject ov && ov["unitPrice"] is JsonValue up ? up.GetValue<long>() : null;
            return new WantedFeature(true, o["included"]?.GetValue<long>() ?? 0, o["unlimited"]?.GetValue<bool>() ?? false, overage);
        }
        throw new CliException($"{where}: a plan feature is true, false or {{\"included\", \"unlimited\", \"overage\": {{\"unitPrice\"}}}}.");
    }

    private static WantedFeature Current(PlanFeatureSummary f) =>
        new(f.Enabled, f.IncludedAmount ?? 0, f.Unlimited, f.Overage is { Enabled: true, UnitPrice: { } p } ? p : null);

    private static string Describe(WantedFeature w) =>
        !w.Enabled ? "off" : w.Unlimited ? "unlimited" : (w.Included == 0 && w.OveragePrice is null ? "on" : $"{w.Included} included")
            + (w.OveragePrice is { } p ? $", overage {CliHost.Rate(p)} per unit" : "");

    private static string Interval(string wire) => wire switch { "one_time" => "one-time", _ => wire };

    public static List<CatalogChange> Diff(CatalogConfig want, Server have)
    {
        var changes = new List<CatalogChange>();
        Validate(want);

        // Features.
        foreach (var (code, f) in want.Features)
        {
            var type = Enum<FeatureType>(f.Type, $"features.{code}.type");
            var current = have.Features.FirstOrDefault(x => x.Code == code);
            if (current is null)
            {
                changes.Add(new("create", "feature " + code, $"{f.Type} feature \"{f.Name}\"", (c, ct) =>
                    c.Features.CreateAsync(new CreateFeatureRequest { Code = code, Name = f.Name, Type = type, UnitName = f.UnitName, Description = f.Description }, ct)));
                continue;
            }
            if (current.Type != type)
            {
                changes.Add(new("blocked", "feature " + code, $"type {Wire(current.Type)} → {f.Type}: the API cannot change a feature's type; add a feature with a new code instead", null));
            }
            var edits = new List<string>();
            if (current.Name != f.Name) edits.Add($"name \"{current.Name}\" → \"{f.Name}\"");
            if ((current.Description ?? "") != (f.Description ?? "")) edits.Add("description");
            if ((current.UnitName ?? "") != (f.UnitName ?? "")) edits.Add($"unit \"{current.UnitName}\" → \"{f.UnitName}\"");
            if (edits.Count > 0)
            {
                changes.Add(new("change", "feature " + code, string.Join("; ", edits), (c, ct) =>
                    c.Features.UpdateAsync(code, new UpdateFeatureRequest { Name = f.Name, Description = f.Description ?? "", UnitName = f.UnitName ?? "" }, ct)));
            }
        }

        // Plan groups (keyed by name), before plans that join them.
        foreach (var (name, g) in want.PlanGroups ?? [])
        {
            var current = have.Groups.FirstOrDefault(x => x.Name == name);
            if (current is null)
            {
                changes.Add(new("create", "plan group " + name, "plan group", (c, ct) =>
                    c.PlanGroups.CreateAsync(new CreatePlanGroupRequest { Name = name, Description = g.Description, IsPublic = g.IsPublic }, ct)));
            }
            else if ((current.Description ?? "") != (g.Description ?? "") || (g.IsPublic is { } pub && pub != current.IsPublic))
            {
                changes.Add(new("change", "plan group " + name, "description or visibility", (c, ct) =>
                    c.PlanGroups.UpdateAsync(current.Id, new UpdatePlanGroupRequest { Description = g.Description, IsPublic = g.IsPublic }, ct)));
            }
        }

        // Plans.
        foreach (var (code, p) in want.Plans)
        {
            PlanChanges(changes, code, p, have);
        }
        foreach (var plan in have.Plans.Where(x => !want.Plans.ContainsKey(x.Code)))
        {
            changes.Add(new("archive", "plan " + plan.Code, "not in the file: deleted (soft: its subscribers keep it)", (c, ct) => c.Plans.DeleteAsync(plan.Code, ct)));
        }

        // Credit packs and add-ons (keyed by name).
        foreach (var (name, pack) in want.CreditPacks ?? [])
        {
            var current = have.Packs.FirstOrDefault(x => x.Name == name);
            if (current is null)
            {
                changes.Add(new("create", "credit pack " + name, $"{pack.Credits} credits for {CliHost.Money(pack.Price)}", (c, ct) =>
                    c.CreditPacks.CreateAsync(new CreateCreditPackRequest { Name = name, Description = pack.Description, Credits = pack.Credits, Price = pack.Price }, ct)));
            }
            else if (current.Credits != pack.Credits || current.Price != pack.Price || (current.Description ?? "") != (pack.Description ?? ""))
            {
                changes.Add(new("change", "credit pack " + name, $"{current.Credits} credits for {CliHost.Money(current.Price)} → {pack.Credits} credits for {CliHost.Money(pack.Price)}", (c, ct) =>
                    c.CreditPacks.UpdateAsync(current.Id, new UpdateCreditPackRequest { Credits = pack.Credits, Price = pack.Price, Description = pack.Description }, ct)));
            }
        }
        foreach (var pack in have.Packs.Where(x => want.CreditPacks?.ContainsKey(x.Name) != true))
        {
            changes.Add(new("archive", "credit pack " + pack.Name, "not in the file: deleted", (c, ct) => c.CreditPacks.DeleteAsync(pack.Id, ct)));
        }
        foreach (var (name, a) in want.Addons ?? [])
        {
            var current = have.Addons.FirstOrDefault(x => x.Name == name);
            var model = Enum<AddonConsumptionModel>(a.ConsumptionModel, $"addons.{name}.consumptionModel");
            if (current is null)
            {
                changes.Add(new("create", "add-on " + name, $"{a.ConsumptionModel} add-on on {a.Feature}, {CliHost.Money(a.BasePrice)}", async (c, ct) =>
                {
                    var feature = await c.Features.GetAsync(a.Feature, ct);
                    await c.Addons.CreateAsync(new CreateAddonRequest
                    {
                        Name = name, Description = a.Description, FeatureId = feature.Id, BasePrice = a.BasePrice, ConsumptionModel = model,
                        IncludedUnits = a.IncludedUnits, OverageRate = a.OverageRate, CreditCost = a.CreditCost,
                    }, ct);
                }));
                continue;
            }
            if (current.FeatureCode != a.Feature || current.ConsumptionModel != model)
            {
                changes.Add(new("blocked", "add-on " + name, "the API cannot move an add-on to another feature or consumption model; add one with a new name", null));
            }
            if (current.BasePrice != a.BasePrice || current.IncludedUnits != a.IncludedUnits || current.OverageRate != a.OverageRate || (current.Description ?? "") != (a.Description ?? ""))
            {
                changes.Add(new("change", "add-on " + name, $"base price {CliHost.Money(current.BasePrice)} → {CliHost.Money(a.BasePrice)}", (c, ct) =>
                    c.Addons.UpdateAsync(current.Id, new UpdateAddonRequest { BasePrice = a.BasePrice, IncludedUnits = a.IncludedUnits, OverageRate = a.OverageRate, Description = a.Description }, ct)));
            }
        }
        foreach (var addon in have.Addons.Where(x => want.Addons?.ContainsKey(x.Name) != true))
        {
            changes.Add(new("archive", "add-on " + addon.Name, "not in the file: deleted", (c, ct) => c.Addons.DeleteAsync(addon.Id, ct)));
        }

        // Features last: plans and add-ons no longer use them by then.
        foreach (var feature in have.Features.Where(x => !want.Features.ContainsKey(x.Code)))
        {
            var stillUsed = want.Plans.Where(p => p.Value.Features?.ContainsKey(feature.Code) == true).Select(p => "plan " + p.Key)
                .Concat((want.Addons ?? []).Where(a => a.Value.Feature == feature.Code).Select(a => "add-on " + a.Key)).ToList();
            changes.Add(stillUsed.Count > 0
                ? new("blocked", "feature " + feature.Code, "not in the file but still used by " + string.Join(", ", stillUsed), null)
                : new("archive", "feature " + feature.Code, "not in the file: deleted (the server refuses while it is in use)", (c, ct) => c.Features.DeleteAsync(feature.Code, ct)));
        }
        foreach (var group in have.Groups.Where(x => want.PlanGroups?.ContainsKey(x.Name) != true))
        {
            changes.Add(new("archive", "plan group " + group.Name, "not in the file: deleted", (c, ct) => c.PlanGroups.DeleteAsync(group.Id, ct)));
        }
        return changes;
    }

    private static void Validate(CatalogConfig want)
    {
        foreach (var (code, p) in want.Plans)
        {
            foreach (var price in p.Prices)
            {
                if (price.Amount % 100 != 0)
                {
                    throw new CliException($"plans.{code}.prices: amount {price.Amount} is in rate scale (10000 = 1.00) and must be a whole number of cents (a multiple of 100).");
                }
                Enum<BillingInterval>(price.Interval, $"plans.{code}.prices.interval");
            }
            if (p.Prices.GroupBy(x => x.Interval).FirstOrDefault(g => g.Count() > 1) is { } dup)
            {
                throw new CliException($"plans.{code}.prices: two prices for the interval {dup.Key}.");
            }
            foreach (var f in p.Features?.Keys ?? Enumerable.Empty<string>())
            {
                if (!want.Features.ContainsKey(f))
                {
                    throw new CliException($"plans.{code}.features.{f}: no feature with that code in features.");
                }
            }
            if (p.Group is { } g && want.PlanGroups?.ContainsKey(g) != true)
            {
                throw new CliException($"plans.{code}.group: no plan group named \"{g}\" in planGroups.");
            }
        }
    }

    private static void PlanChanges(List<CatalogChange> changes, string code, PlanDef p, Server have)
    {
        var target = "plan " + code;
        var current = have.Plans.FirstOrDefault(x => x.Code == code);
        ConsumptionModel? model = p.ConsumptionModel is { } m ? Enum<ConsumptionModel>(m, $"plans.{code}.consumptionModel") : null;
        var defaultInterval = p.DefaultInterval ?? p.Prices.FirstOrDefault()?.Interval;
        if (current is null)
        {
            var prices = string.Join(", ", p.Prices.Select(x => $"{CliHost.Money(x.Amount / 100)}/{Interval(x.Interval)}"));
            changes.Add(new("create", target, $"\"{p.Name}\"{(prices.Length > 0 ? " at " + prices : "")}{(p.Features is { Count: > 0 } fs ? ", features " + string.Join(", ", fs.Keys) : "")}", async (c, ct) =>
            {
                string? groupId = null;
                if (p.Group is { } g)
                {
                    groupId = (await c.PlanGroups.ListAsync(cancellationToken: ct).FirstAsync(x => x.Name == g, ct)).Id;
                }
                await c.Plans.CreateAsync(new CreatePlanRequest
                {
                    Code = code, Name = p.Name, Description = p.Description, ConsumptionModel = model, IsFree = p.IsFree, IsPublic = p.IsPublic,
                    SortOrder = p.SortOrder, PlanGroupId = groupId,
                }, ct);
                foreach (var price in p.Prices)
                {
                    await c.Plans.AddPriceAsync(code, new AddPlanPriceRequest
                    {
                        BillingInterval = Enum<BillingInterval>(price.Interval, "interval"), Price = price.Amount / 100, TrialDays = price.TrialDays,
                        IsDefault = price.Interval == defaultInterval,
                    }, ct);
                }
                foreach (var (feature, value) in p.Features ?? [])
                {
                    var w = Wanted($"plans.{code}.features.{feature}", value);
                    await c.Plans.AddFeatureAsync(code, new AddPlanFeatureRequest
                    {
                        FeatureId = feature, Enabled = w.Enabled, IncludedAmount = w.Included, Unlimited = w.Unlimited,
                        Overage = w.OveragePrice is { } op ? new PlanFeatureOverage { Enabled = true, UnitPrice = op } : null,
                    }, ct);
                }
            }));
            return;
        }

        if (model is { } wantModel && current.ConsumptionModel is { } haveModel && wantModel != haveModel)
        {
            changes.Add(new("blocked", target, $"consumption model {Wire(haveModel)} → {Wire(wantModel)}: the API cannot change it; create a plan with a new code and move customers to it", null));
        }
        if (p.IsFree is { } free && free != current.IsFree)
        {
            changes.Add(new("blocked", target, $"isFree {current.IsFree} → {free}: the API cannot change it after creation", null));
        }
        var edits = new List<string>();
        if (current.Name != p.Name) edits.Add($"name \"{current.Name}\" → \"{p.Name}\"");
        if ((current.Description ?? "") != (p.Description ?? "")) edits.Add("description");
        if (p.IsPublic is { } pub && pub != current.IsPublic) edits.Add(pub ? "made public" : "made private");
        if (p.SortOrder is { } so && so != current.SortOrder) edits.Add($"sortOrder {current.SortOrder} → {so}");
        if (edits.Count > 0)
        {
            changes.Add(new("change", target, string.Join("; ", edits), (c, ct) =>
                c.Plans.UpdateAsync(code, new UpdatePlanRequest { Name = p.Name, Description = p.Description ?? "", IsPublic = p.IsPublic, SortOrder = p.SortOrder }, ct)));
        }
        var currentGroup = have.Groups.FirstOrDefault(g => g.Id == current.PlanGroupId)?.Name;
        if (p.Group != currentGroup)
        {
            changes.Add(new("change", target, $"group {currentGroup ?? "(none)"} → {p.Group ?? "(none)"}", async (c, ct) =>
            {
                var groups = await c.PlanGroups.ListAsync(cancellationToken: ct).ToListAsync(ct);
                if (current.PlanGroupId is { } oldId)
                {
                    await c.PlanGroups.RemovePlanAsync(oldId, current.Id, ct);
                }
                if (p.Group is { } g)
                {
                    await c.PlanGroups.AddPlanAsync(groups.First(x => x.Name == g).Id, current.Id, p.SortOrder, ct);
                }
                else if (p.SortOrder is { } so)
                {
                    // Leaving a group resets the plan's position; the file's sortOrder still holds for plan lists.
                    await c.Plans.UpdateAsync(code, new UpdatePlanRequest { SortOrder = so }, ct);
                }
            }));
        }

        // Prices, by interval. The price IDs are read when the change runs.
        var havePrices = current.Prices ?? [];
        foreach (var price in p.Prices)
        {
            var interval = Enum<BillingInterval>(price.Interval, "interval");
            var existing = havePrices.FirstOrDefault(x => x.BillingInterval == interval);
            var minor = price.Amount / 100;
            if (existing is null)
            {
                changes.Add(new("create", target, $"{Interval(price.Interval)} price {CliHost.Money(minor)}", (c, ct) =>
                    c.Plans.AddPriceAsync(code, new AddPlanPriceRequest { BillingInterval = interval, Price = minor, TrialDays = price.TrialDays, IsDefault = price.Interval == defaultInterval }, ct)));
            }
            else if (existing.Price != minor && have.SubscribersAt(code, interval) is > 0 and var subscribers)
            {
                // Renewals charge the plan's current price, so a new amount would reach every subscriber at their next renewal.
                changes.Add(new("blocked", target, $"{Interval(price.Interval)} price {CliHost.Money(existing.Price)} → {CliHost.Money(minor)}: "
                    + $"{subscribers} live subscription(s) pay this price and would be charged the new one from their next renewal. "
                    + "Not attempted: put the new price on a plan with a new code (and set isPublic false on this one to stop new sign-ups), "
                    + "or move these subscribers off the plan first", null));
                if (existing.TrialDays != (price.TrialDays ?? 0))
                {
                    changes.Add(new("change", target, $"{Interval(price.Interval)} trial {existing.TrialDays} → {price.TrialDays ?? 0} days", (c, ct) =>
                        c.Plans.UpdatePriceAsync(code, existing.Id, new UpdatePlanPriceRequest { TrialDays = price.TrialDays ?? 0 }, ct)));
                }
            }
            else if (existing.Price != minor || existing.TrialDays != (price.TrialDays ?? 0))
            {
                var what = existing.Price != minor ? $"{Interval(price.Interval)} price {CliHost.Money(existing.Price)} → {CliHost.Money(minor)}" : $"{Interval(price.Interval)} trial {existing.TrialDays} → {price.TrialDays ?? 0} days";
                changes.Add(new("change", target, what, async (c, ct) =>
                {
                    await c.Plans.UpdatePriceAsync(code, existing.Id, new UpdatePlanPriceRequest { Price = minor, TrialDays = price.TrialDays ?? 0 }, ct);
                }));
            }
        }
        foreach (var gone in havePrices.Where(x => p.Prices.All(w => Enum<BillingInterval>(w.Interval, "interval") != x.BillingInterval)))
        {
            changes.Add(new("archive", target, $"{Interval(Wire(gone.BillingInterval))} price {CliHost.Money(gone.Price)} removed", (c, ct) =>
                c.Plans.DeletePriceAsync(code, gone.Id, ct)));
        }
        if (defaultInterval is not null && havePrices.FirstOrDefault(x => x.IsDefault) is { } d && Wire(d.BillingInterval) != defaultInterval
            && havePrices.Any(x => Wire(x.BillingInterval) == defaultInterval))
        {
            var next = havePrices.First(x => Wire(x.BillingInterval) == defaultInterval);
            changes.Add(new("change", target, $"default price {Interval(Wire(d.BillingInterval))} → {Interval(defaultInterval)}", (c, ct) =>
                c.Plans.SetDefaultPriceAsync(code, next.Id, ct)));
        }

        // Features of the plan.
        var haveFeatures = current.Features ?? [];
        foreach (var (feature, value) in p.Features ?? [])
        {
            var w = Wanted($"plans.{code}.features.{feature}", value);
            var existing = haveFeatures.FirstOrDefault(x => x.Code == feature);
            var overage = w.OveragePrice is { } op ? new PlanFeatureOverage { Enabled = true, UnitPrice = op } : new PlanFeatureOverage { Enabled = false };
            if (existing is null)
            {
                changes.Add(new("create", target, $"feature {feature}: {Describe(w)}", (c, ct) =>
                    c.Plans.AddFeatureAsync(code, new AddPlanFeatureRequest { FeatureId = feature, Enabled = w.Enabled, IncludedAmount = w.Included, Unlimited = w.Unlimited, Overage = w.OveragePrice is null ? null : overage }, ct)));
            }
            else if (Current(existing) != w)
            {
                changes.Add(new("change", target, $"feature {feature}: {Describe(Current(existing))} → {Describe(w)}", (c, ct) =>
                    c.Plans.UpdateFeatureAsync(code, feature, new UpdatePlanFeatureRequest { Enabled = w.Enabled, IncludedAmount = w.Included, Unlimited = w.Unlimited, Overage = overage }, ct)));
            }
        }
        foreach (var gone in haveFeatures.Where(x => p.Features?.ContainsKey(x.Code) != true))
        {
            changes.Add(new("archive", target, $"feature {gone.Code} removed from the plan", (c, ct) => c.Plans.RemoveFeatureAsync(code, gone.Code, ct)));
        }
    }
}
