using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Commet.Cli;

/// <summary>
/// <c>commet.config.json</c>: the Node SDK's <c>BillingConfig</c> (features and plans keyed by code; price amounts in rate
/// scale, 10000 = 1.00), extended with plan groups, credit packs and add-ons, which the API gives no code and so are keyed by name.
/// </summary>
public sealed class CatalogConfig
{
    [JsonPropertyName("$schema")]
    public string? Schema { get; set; }

    public SortedDictionary<string, FeatureDef> Features { get; set; } = new(StringComparer.Ordinal);

    public SortedDictionary<string, PlanDef> Plans { get; set; } = new(StringComparer.Ordinal);

    public SortedDictionary<string, PlanGroupDef>? PlanGroups { get; set; }

    public SortedDictionary<string, CreditPackDef>? CreditPacks { get; set; }

    public SortedDictionary<string, AddonDef>? Addons { get; set; }
}

public sealed class FeatureDef
{
    public string Name { get; set; } = "";

    public string Type { get; set; } = "boolean";

    public string? UnitName { get; set; }

    public string? Description { get; set; }
}

public sealed class PriceDef
{
    public string Interval { get; set; } = "monthly";

    /// <summary>Rate scale: 10000 = 1.00.</summary>
    public long Amount { get; set; }

    public int? TrialDays { get; set; }
}

public sealed class PlanDef
{
    public string Name { get; set; } = "";

    public string? Description { get; set; }

    public string? ConsumptionModel { get; set; }

    public string? DefaultInterval { get; set; }

    public bool? IsFree { get; set; }

    public bool? IsPublic { get; set; }

    public int? SortOrder { get; set; }

    /// <summary>An extension: the name of the plan group the plan belongs to.</summary>
    public string? Group { get; set; }

    public List<PriceDef> Prices { get; set; } = [];

    /// <summary>Code → <c>true</c> or <c>{included?, unlimited?, overage?: {unitPrice}}</c>.</summary>
    public SortedDictionary<string, JsonNode?>? Features { get; set; }
}

public sealed class PlanGroupDef
{
    public string? Description { get; set; }

    public bool? IsPublic { get; set; }
}

public sealed class CreditPackDef
{
    public string? Description { get; set; }

    public long Credits { get; set; }

    /// <summary>Minor units (4900 = 49.00), as the credit pack API takes it.</summary>
    public long Price { get; set; }
}

public sealed class AddonDef
{
    public string? Description { get; set; }

    public string Feature { get; set; } = "";

    /// <summary>Minor units, as the add-on API takes it.</summary>
    public long BasePrice { get; set; }

    public string ConsumptionModel { get; set; } = "boolean";

    public long? IncludedUnits { get; set; }

    public long? OverageRate { get; set; }

    public long? CreditCost { get; set; }
}
