namespace Commet.Domain.Usage;

/// <summary>
/// An organization's own price for one AI model in one currency (<c>PUT /ai-model-rates</c>): it replaces the
/// built-in table's price for that model. Rates in fine units per million tokens (see <see cref="TokenRates"/>).
/// </summary>
public sealed class AiModelRate : ITenantOwned
{
    public required string Id { get; set; }
    public required string OrganizationId { get; set; }
    public bool Livemode { get; set; }

    /// <summary>Lower case, as it is matched: <c>provider/model</c> or a bare model ID.</summary>
    public required string Model { get; set; }
    public string Currency { get; set; } = "USD";
    public long InputRate { get; set; }
    public long OutputRate { get; set; }
    public long CacheReadRate { get; set; }
    public long CacheWriteRate { get; set; }
    public DateTime UpdatedAt { get; set; }

    public TokenRates Rates => new(InputRate, OutputRate, CacheReadRate, CacheWriteRate);
}

/// <summary>
/// AI usage of one feature by one subscription in one monthly allowance window, per model: the tokens of each kind,
/// the calls, and what they took from the account (rate scale on balance plans, credits on credits plans), kept in the
/// same transaction as the events. The portal's usage page and the renewal invoice read these rows.
/// </summary>
public sealed class AiModelUsage
{
    public required string SubscriptionId { get; set; }
    public required string FeatureId { get; set; }
    public DateTime WindowStart { get; set; }

    /// <summary>The model as priced: the rate's name (the built-in table's or the organization's).</summary>
    public required string Model { get; set; }
    public long Calls { get; set; }
    public long InputTokens { get; set; }
    public long OutputTokens { get; set; }
    public long CacheReadTokens { get; set; }
    public long CacheWriteTokens { get; set; }

    /// <summary><c>balance</c> (amounts in rate scale) or <c>credits</c>.</summary>
    public required string Kind { get; set; }

    /// <summary>What the calls took, margin included: the sum of each call's rounded charge.</summary>
    public long Charged { get; set; }

    /// <summary>The margin part of <see cref="Charged"/>.</summary>
    public long MarginCharged { get; set; }
    public DateTime UpdatedAt { get; set; }

    public long TotalTokens => InputTokens + OutputTokens + CacheReadTokens + CacheWriteTokens;
}
