namespace Commet.Models;

/// <summary>A recorded usage event.</summary>
public sealed class UsageEvent : CommetObject
{
    /// <summary>The ID (<c>evt_…</c>).</summary>
    public string Id { get; init; } = "";

    /// <summary>The organization's ID.</summary>
    public string OrganizationId { get; init; } = "";

    /// <summary>The customer's ID.</summary>
    public string CustomerId { get; init; } = "";

    /// <summary>The feature's code.</summary>
    public string Feature { get; init; } = "";

    /// <summary>The quantity.</summary>
    public decimal Value { get; init; }

    /// <summary>The event's dedupe key.</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>When the usage happened.</summary>
    public DateTimeOffset Ts { get; init; }

    /// <summary>Its properties.</summary>
    public IReadOnlyList<UsageEventProperty>? Properties { get; init; }

    /// <summary>When it was recorded.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>True when the <see cref="IdempotencyKey"/> had been seen before and nothing new was counted (our addition).</summary>
    public bool Duplicate { get; init; }
}

/// <summary>A property of a usage event.</summary>
public sealed class UsageEventProperty
{
    /// <summary>The ID.</summary>
    public string Id { get; init; } = "";

    /// <summary>The event's ID.</summary>
    public string UsageEventId { get; init; } = "";

    /// <summary>The name.</summary>
    public string Property { get; init; } = "";

    /// <summary>The value.</summary>
    public string Value { get; init; } = "";

    /// <summary>When it was recorded.</summary>
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>Usage to record.</summary>
public sealed class TrackUsageRequest
{
    /// <summary>The customer (Commet's ID or yours).</summary>
    public string CustomerId { get; set; } = "";

    /// <summary>The feature's code.</summary>
    public string Feature { get; set; } = "";

    /// <summary>The quantity (default 1).</summary>
    public decimal? Value { get; set; }

    /// <summary>A business-level dedupe key: the same key counts once.</summary>
    public string? IdempotencyKey { get; set; }

    /// <summary>When it happened (default: the server's now, which follows the sandbox test clock).</summary>
    public DateTimeOffset? Timestamp { get; set; }

    /// <summary>Free-form properties.</summary>
    public IDictionary<string, string>? Properties { get; set; }

    /// <summary>
    /// For a feature with <c>ai_model</c> pricing: the model called (<c>provider/model</c> or a bare model ID), sent with its
    /// token counts instead of <see cref="Value"/>; the call is priced at the model's rate plus the feature's margin.
    /// </summary>
    public string? Model { get; set; }

    /// <summary>Input tokens of the call (cached input goes in <see cref="CacheReadTokens"/>, not here).</summary>
    public long? InputTokens { get; set; }

    /// <summary>Output tokens of the call.</summary>
    public long? OutputTokens { get; set; }

    /// <summary>Input tokens read from the provider's cache.</summary>
    public long? CacheReadTokens { get; set; }

    /// <summary>Input tokens written to the provider's cache.</summary>
    public long? CacheWriteTokens { get; set; }
}

/// <summary>The result of a batch: one entry per event, in order.</summary>
public sealed class UsageBatchResult : CommetObject
{
    /// <summary>Per event.</summary>
    public IReadOnlyList<UsageBatchItem> Results { get; init; } = [];

    /// <summary>How many were recorded.</summary>
    public int Succeeded { get; init; }

    /// <summary>How many were refused.</summary>
    public int Failed { get; init; }
}

/// <summary>The outcome of one event of a batch.</summary>
public sealed class UsageBatchItem
{
    /// <summary>Its position in the request.</summary>
    public int Index { get; init; }

    /// <summary>Whether it was recorded.</summary>
    public bool Success { get; init; }

    /// <summary>The event, when recorded.</summary>
    public UsageEvent? Event { get; init; }

    /// <summary>Why it was refused.</summary>
    public UsageBatchError? Error { get; init; }
}

/// <summary>Why an event of a batch was refused.</summary>
public sealed class UsageBatchError
{
    /// <summary>The error type.</summary>
    public string Type { get; init; } = "";

    /// <summary>The error code, such as <c>insufficient_credits</c>.</summary>
    public string Code { get; init; } = "";

    /// <summary>The message.</summary>
    public string Message { get; init; } = "";

    /// <summary>The field it is about.</summary>
    public string? Param { get; init; }

    /// <summary>More about the error, as the server sent it (field errors of a <c>validation_error</c>, for instance).</summary>
    public System.Text.Json.JsonElement? Details { get; init; }

    /// <summary>The documentation page of the error code.</summary>
    [System.Text.Json.Serialization.JsonPropertyName("doc_url")]
    public string? DocUrl { get; init; }
}

/// <summary>Whether some usage would be allowed, and what it would cost; nothing is recorded.</summary>
public sealed class UsageCheckResult : CommetObject
{
    /// <summary>Whether it would be allowed.</summary>
    public bool Allowed { get; init; }

    /// <summary>The plan's consumption model.</summary>
    public ConsumptionModel ConsumptionModel { get; init; }

    /// <summary>The feature's code.</summary>
    public string Feature { get; init; } = "";

    /// <summary>The quantity asked about.</summary>
    public decimal Quantity { get; init; }

    /// <summary>Used so far this period.</summary>
    public decimal? Current { get; init; }

    /// <summary>Left of what is included.</summary>
    public decimal? Remaining { get; init; }

    /// <summary>Whether usage is unlimited.</summary>
    public bool? Unlimited { get; init; }

    /// <summary>Included per period.</summary>
    public decimal? Included { get; init; }

    /// <summary>Whether overage is allowed.</summary>
    public bool? OverageEnabled { get; init; }

    /// <summary>The overage price of one unit, rate scale.</summary>
    public long? OverageUnitPrice { get; init; }

    /// <summary>Credits one unit costs.</summary>
    public long? CreditsPerUnit { get; init; }

    /// <summary>Credits it would cost.</summary>
    public long? EstimatedCredits { get; init; }

    /// <summary>Plan credits left.</summary>
    public long? PlanCredits { get; init; }

    /// <summary>Purchased credits left.</summary>
    public long? PurchasedCredits { get; init; }

    /// <summary>All credits left.</summary>
    public long? TotalCredits { get; init; }

    /// <summary>The price of one unit on a balance plan, rate scale.</summary>
    public long? UnitPrice { get; init; }

    /// <summary>What it would cost on a balance plan, rate scale.</summary>
    public long? EstimatedAmount { get; init; }

    /// <summary>The balance left, rate scale.</summary>
    public long? CurrentBalance { get; init; }

    /// <summary>Whether the plan blocks usage when credits or balance run out.</summary>
    public bool? BlockOnExhaustion { get; init; }

    /// <summary>The currency.</summary>
    public string? Currency { get; init; }

    /// <summary>Why it would be refused: <c>included_limit_reached</c>, <c>insufficient_credits</c> or <c>insufficient_balance</c>.</summary>
    public string? Reason { get; init; }

    /// <summary>A message saying so.</summary>
    public string? Message { get; init; }
}

/// <summary>Sets a metered feature's usage for the current period to an exact value.</summary>
public sealed class SetUsageRequest
{
    /// <summary>The customer.</summary>
    public string CustomerId { get; set; } = "";

    /// <summary>The feature's code.</summary>
    public string Feature { get; set; } = "";

    /// <summary>The new total for the period.</summary>
    public decimal Value { get; set; }

    /// <summary>A dedupe key.</summary>
    public string? IdempotencyKey { get; set; }

    /// <summary>Why.</summary>
    public string? Reason { get; set; }
}

/// <summary>The adjustment a <c>SetAsync</c> recorded.</summary>
public sealed class UsageAdjustment : CommetObject
{
    /// <summary>The ID.</summary>
    public string Id { get; init; } = "";

    /// <summary>The feature's code.</summary>
    public string Feature { get; init; } = "";

    /// <summary>The new total.</summary>
    public decimal Value { get; init; }

    /// <summary>The total before.</summary>
    public decimal PreviousValue { get; init; }

    /// <summary>The difference recorded.</summary>
    public decimal Adjustment { get; init; }

    /// <summary>The customer's ID.</summary>
    public string CustomerId { get; init; } = "";

    /// <summary>The dedupe key.</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>Why.</summary>
    public string? Reason { get; init; }

    /// <summary>When it applies.</summary>
    public DateTimeOffset Ts { get; init; }

    /// <summary>When it was recorded.</summary>
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>A change of a customer's seats.</summary>
public sealed class SeatEvent : CommetObject
{
    /// <summary>The ID.</summary>
    public string Id { get; init; } = "";

    /// <summary>The customer's ID.</summary>
    public string CustomerId { get; init; } = "";

    /// <summary>The seat feature's code.</summary>
    public string FeatureCode { get; init; } = "";

    /// <summary>Seats before.</summary>
    public long PreviousBalance { get; init; }

    /// <summary>Seats after.</summary>
    public long NewBalance { get; init; }

    /// <summary>When it applies.</summary>
    public DateTimeOffset Ts { get; init; }

    /// <summary>When it was recorded.</summary>
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>Seats in use for one seat type.</summary>
public sealed class SeatBalance : CommetObject
{
    /// <summary>Seats in use.</summary>
    public long Current { get; init; }

    /// <summary>Seats the plan includes.</summary>
    public long Included { get; init; }

    /// <summary>As of when.</summary>
    public DateTimeOffset AsOf { get; init; }
}

/// <summary>A customer's access to a feature now.</summary>
public sealed class FeatureAccess : CommetObject
{
    /// <summary>The code.</summary>
    public string Code { get; init; } = "";

    /// <summary>The name.</summary>
    public string Name { get; init; } = "";

    /// <summary>The kind.</summary>
    public FeatureType Type { get; init; }

    /// <summary>Whether the customer may use it.</summary>
    public bool Allowed { get; init; }

    /// <summary>Whether the plan switches it on.</summary>
    public bool? Enabled { get; init; }

    /// <summary>Used this period (or seats in use).</summary>
    public decimal? Current { get; init; }

    /// <summary>Included.</summary>
    public decimal? Included { get; init; }

    /// <summary>Left of what is included (credits or balance left on those plans).</summary>
    public decimal? Remaining { get; init; }

    /// <summary>Used beyond what is included.</summary>
    public decimal? OverageQuantity { get; init; }

    /// <summary>The overage price of one unit, rate scale.</summary>
    public long? OverageUnitPrice { get; init; }

    /// <summary>Whether usage is unlimited.</summary>
    public bool? Unlimited { get; init; }

    /// <summary>Whether overage is allowed.</summary>
    public bool? OverageEnabled { get; init; }

    /// <summary>Quantity that will be billed.</summary>
    public decimal? BilledQuantity { get; init; }

    /// <summary>With <c>canUse</c>: whether one more unit would be charged.</summary>
    public bool? WillBeCharged { get; init; }

    /// <summary>Why it is not allowed, such as <c>feature_disabled</c> or <c>included_limit_reached</c>.</summary>
    public string? Reason { get; init; }
}

/// <summary>One change of a customer's quota.</summary>
public sealed class UsageQuotaEvent : CommetObject
{
    /// <summary>The ID.</summary>
    public string Id { get; init; } = "";

    /// <summary>The customer's ID.</summary>
    public string CustomerId { get; init; } = "";

    /// <summary>The quota feature's code.</summary>
    public string FeatureCode { get; init; } = "";

    /// <summary>The quota before.</summary>
    public long PreviousBalance { get; init; }

    /// <summary>The quota after.</summary>
    public long NewBalance { get; init; }

    /// <summary>When it applies.</summary>
    public DateTimeOffset Ts { get; init; }

    /// <summary>When it was recorded.</summary>
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>A quota feature's balance against what the customer's plan includes.</summary>
public sealed class UsageQuota : CommetObject
{
    /// <summary>The quota feature's code.</summary>
    public string FeatureCode { get; init; } = "";

    /// <summary>The quota now.</summary>
    public long Current { get; init; }

    /// <summary>Units the plan includes.</summary>
    public long Included { get; init; }

    /// <summary>Left of the included units (null when unlimited).</summary>
    public long? Remaining { get; init; }

    /// <summary>Units beyond the included ones that the current period is billed for.</summary>
    public long BilledQuantity { get; init; }

    /// <summary>Whether the quota is unlimited.</summary>
    public bool Unlimited { get; init; }

    /// <summary>Whether the quota may go past the included units (billed per unit).</summary>
    public bool OverageEnabled { get; init; }

    /// <summary>When the quota last changed (null before its first change).</summary>
    public DateTimeOffset? AsOf { get; init; }
}

/// <summary>An AI model's price per million tokens, in rate scale (10000 = 1.00 of the currency).</summary>
public sealed class AiModelRate : CommetObject
{
    /// <summary>The model (<c>provider/model</c> or a bare model ID).</summary>
    public string Model { get; init; } = "";

    /// <summary>The currency, such as <c>USD</c>.</summary>
    public string Currency { get; init; } = "";

    /// <summary>Per million input tokens, rate scale.</summary>
    public decimal InputPerMillion { get; init; }

    /// <summary>Per million output tokens, rate scale.</summary>
    public decimal OutputPerMillion { get; init; }

    /// <summary>Per million cache-read tokens, rate scale.</summary>
    public decimal CacheReadPerMillion { get; init; }

    /// <summary>Per million cache-write tokens, rate scale.</summary>
    public decimal CacheWritePerMillion { get; init; }

    /// <summary><c>organization</c> (your own price) or <c>builtin</c> (the server's table).</summary>
    public string Source { get; init; } = "";

    /// <summary>When your own price last changed (null for built-in prices).</summary>
    public DateTimeOffset? UpdatedAt { get; init; }
}

/// <summary>Every AI model price in effect: your own first, then the server's built-in table.</summary>
public sealed class AiModelRateList : CommetObject
{
    /// <summary>The date the built-in prices were taken.</summary>
    public string BuiltInAsOf { get; init; } = "";

    /// <summary>The prices.</summary>
    public IReadOnlyList<AiModelRate> Data { get; init; } = [];
}

/// <summary>Your own price for an AI model (replaces the built-in price in that currency).</summary>
public sealed class SetAiModelRateRequest
{
    /// <summary>The model (<c>provider/model</c> or a bare model ID).</summary>
    public string Model { get; set; } = "";

    /// <summary>The currency (default USD).</summary>
    public string? Currency { get; set; }

    /// <summary>Per million input tokens, rate scale (10000 = 1.00), up to four decimal places.</summary>
    public decimal InputPerMillion { get; set; }

    /// <summary>Per million output tokens, rate scale.</summary>
    public decimal OutputPerMillion { get; set; }

    /// <summary>Per million cache-read tokens, rate scale (default: the input rate).</summary>
    public decimal? CacheReadPerMillion { get; set; }

    /// <summary>Per million cache-write tokens, rate scale (default: the input rate).</summary>
    public decimal? CacheWritePerMillion { get; set; }
}
