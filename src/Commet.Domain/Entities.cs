namespace Commet.Domain;

/// <summary>Everything a merchant owns belongs to one organization and one mode; the two modes never meet.</summary>
public interface ITenantOwned
{
    string Id { get; }

    string OrganizationId { get; set; }

    bool Livemode { get; set; }
}

public sealed class Organization
{
    public const string DefaultId = "org_default";

    public required string Id { get; set; }
    public required string Name { get; set; }
    public string Currency { get; set; } = "USD";
    public DateTime CreatedAt { get; set; }
}

public sealed class ApiKey : ITenantOwned
{
    public required string Id { get; set; }
    public required string OrganizationId { get; set; }
    public bool Livemode { get; set; }
    public required string Name { get; set; }

    /// <summary>The first characters of the key, shown in lists so people can tell keys apart.</summary>
    public required string Prefix { get; set; }

    /// <summary>SHA-256 of the full key, hex. The key itself is never stored.</summary>
    public required string Hash { get; set; }
    public DateTime? ExpiresAt { get; set; }
    public DateTime? LastUsedAt { get; set; }
    public DateTime CreatedAt { get; set; }
}

public sealed class Address
{
    public required string Line1 { get; set; }
    public string? Line2 { get; set; }
    public required string City { get; set; }
    public string? State { get; set; }
    public required string PostalCode { get; set; }

    /// <summary>ISO 3166-1 alpha-2, upper case.</summary>
    public required string Country { get; set; }
    public string? Region { get; set; }
}

public sealed class Customer : ITenantOwned
{
    public required string Id { get; set; }
    public required string OrganizationId { get; set; }
    public bool Livemode { get; set; }

    /// <summary>The merchant's own identifier for the customer; unique per organization and mode.</summary>
    public string? ExternalId { get; set; }
    public required string Email { get; set; }
    public string? FullName { get; set; }
    public string? TaxDocument { get; set; }
    public string? DocumentType { get; set; }
    public string? Timezone { get; set; }

    /// <summary>The customer's language for the portal, invoices and emails: a BCP 47 tag such as <c>es</c> or <c>pt-BR</c>.</summary>
    public string? Locale { get; set; }
    public string? MetadataJson { get; set; }
    public Address? Address { get; set; }

    /// <summary>The customer's ID in the organization's connected Stripe account, made the first time Stripe needs it.</summary>
    public string? StripeCustomerId { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

public sealed class Feature : ITenantOwned
{
    public required string Id { get; set; }
    public required string OrganizationId { get; set; }
    public bool Livemode { get; set; }
    public required string Code { get; set; }
    public required string Name { get; set; }
    public required string Type { get; set; }
    public string? Description { get; set; }
    public string? UnitName { get; set; }

    /// <summary>
    /// Set when deleted. Features are never removed, because deleted plans (whose subscribers keep billing) and
    /// deleted add-ons still point at them; a deleted feature frees its code.
    /// </summary>
    public DateTime? DeletedAt { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

public sealed class PlanGroup : ITenantOwned
{
    public required string Id { get; set; }
    public required string OrganizationId { get; set; }
    public bool Livemode { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public bool IsPublic { get; set; } = true;
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

public sealed partial class Plan : ITenantOwned
{
    public required string Id { get; set; }
    public required string OrganizationId { get; set; }
    public bool Livemode { get; set; }
    public required string Code { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public string? ConsumptionModel { get; set; }
    public bool IsPublic { get; set; } = true;
    public bool IsDefault { get; set; }
    public bool IsFree { get; set; }
    public bool? BlockOnExhaustion { get; set; }

    /// <summary>
    /// Credits and balance plans: the share (0–100 %) of a period's credits or of the balance after its last refill
    /// below which <c>credits.low</c> / <c>balance.low</c> fire; null = the server's default (10 %), 0 = never.
    /// </summary>
    public int? LowBalancePercent { get; set; }

    /// <summary>Position within the plan group; order, not price, decides upgrade vs downgrade.</summary>
    public int SortOrder { get; set; }
    public string? PlanGroupId { get; set; }
    public string? MetadataJson { get; set; }
    public DateTime? DeletedAt { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public List<PlanPrice> Prices { get; set; } = [];
    public List<PlanFeature> Features { get; set; } = [];

    /// <summary>Exchange rates set with <c>PUT /plans/{id}/regional</c>, one per currency (see <see cref="RegionalPricing"/>).</summary>
    public List<ExchangeRate> ExchangeRates { get; set; } = [];
}

public sealed class PlanPrice
{
    public required string Id { get; set; }
    public required string PlanId { get; set; }
    public required string BillingInterval { get; set; }

    /// <summary>Minor units of the organization's currency.</summary>
    public long Price { get; set; }
    public bool IsDefault { get; set; }
    public int TrialDays { get; set; }

    /// <summary>Monthly allowance in rate scale (10000 = 1.00), even on quarterly or yearly prices.</summary>
    public long? IncludedBalance { get; set; }

    /// <summary>Monthly credit allowance, even on quarterly or yearly prices.</summary>
    public long? IncludedCredits { get; set; }
    public bool IntroOfferEnabled { get; set; }
    public string? IntroOfferDiscountType { get; set; }
    public long? IntroOfferDiscountValue { get; set; }
    public int? IntroOfferDurationCycles { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    /// <summary>The price in other currencies than USD, one entry per currency (see <see cref="RegionalPricing"/>).</summary>
    public List<RegionalPrice> RegionalPrices { get; set; } = [];
}

public sealed class PlanFeature
{
    public required string PlanId { get; set; }
    public required string FeatureId { get; set; }
    public Feature? Feature { get; set; }
    public bool Enabled { get; set; } = true;
    public long IncludedAmount { get; set; }
    public bool Unlimited { get; set; }
    public bool OverageEnabled { get; set; }

    /// <summary>Rate scale (10000 = 1.00): the price of one unit beyond the included amount, or per use on balance plans.</summary>
    public long OverageUnitPrice { get; set; }
    public long? CreditsPerUnit { get; set; }
    public string PricingMode { get; set; } = "fixed";
    public long? Margin { get; set; }

    /// <summary>The overage unit price in other currencies than USD, one entry per currency.</summary>
    public List<RegionalOverage> RegionalPrices { get; set; } = [];
}

public sealed class CreditPack : ITenantOwned
{
    public required string Id { get; set; }
    public required string OrganizationId { get; set; }
    public bool Livemode { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public long Credits { get; set; }

    /// <summary>Minor units.</summary>
    public long Price { get; set; }
    public string Currency { get; set; } = "USD";
    public bool IsActive { get; set; } = true;
    public DateTime? DeletedAt { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

public sealed class Addon : ITenantOwned
{
    public required string Id { get; set; }
    public required string OrganizationId { get; set; }
    public bool Livemode { get; set; }
    public required string Name { get; set; }
    public required string Slug { get; set; }
    public string? Description { get; set; }

    /// <summary>Minor units per billing period.</summary>
    public long BasePrice { get; set; }
    public required string FeatureId { get; set; }
    public Feature? Feature { get; set; }
    public required string ConsumptionModel { get; set; }
    public long? IncludedUnits { get; set; }

    /// <summary>Rate scale.</summary>
    public long? OverageRate { get; set; }
    public long? CreditCost { get; set; }

    /// <summary>Set when deleted; the feature is free for a new add-on from then on.</summary>
    public DateTime? DeletedAt { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>A remembered answer to a write sent with an <c>Idempotency-Key</c>.</summary>
public sealed class IdempotencyRecord
{
    public required string OrganizationId { get; set; }
    public bool Livemode { get; set; }
    public required string Key { get; set; }
    public required string RequestHash { get; set; }
    public bool Completed { get; set; }
    public int StatusCode { get; set; }
    public byte[]? ResponseBody { get; set; }
    public DateTime CreatedAt { get; set; }
}
