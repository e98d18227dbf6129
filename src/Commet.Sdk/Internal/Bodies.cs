using System.Text.Json;
using System.Text.Json.Nodes;
using Commet.Models;

namespace Commet.Internal;

// Request bodies that the public API takes as plain parameters.

internal sealed class TrackBody
{
    public string Feature { get; set; } = "";
    public string CustomerId { get; set; } = "";
    public decimal? Value { get; set; }
    public string? IdempotencyKey { get; set; }
    public DateTimeOffset? Timestamp { get; set; }
    public List<TrackProperty>? Properties { get; set; }
    public string? Model { get; set; }
    public long? InputTokens { get; set; }
    public long? OutputTokens { get; set; }
    public long? CacheReadTokens { get; set; }
    public long? CacheWriteTokens { get; set; }

    public static TrackBody From(TrackUsageRequest r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new TrackBody
        {
            Feature = r.Feature,
            CustomerId = r.CustomerId,
            Value = r.Value,
            IdempotencyKey = r.IdempotencyKey,
            Timestamp = r.Timestamp,
            Properties = r.Properties?.Select(p => new TrackProperty { Property = p.Key, Value = p.Value }).ToList(),
            Model = r.Model,
            InputTokens = r.InputTokens,
            OutputTokens = r.OutputTokens,
            CacheReadTokens = r.CacheReadTokens,
            CacheWriteTokens = r.CacheWriteTokens,
        };
    }
}

internal sealed class TrackProperty
{
    public string Property { get; set; } = "";
    public string Value { get; set; } = "";
}

internal sealed class TrackBatchBody
{
    public List<TrackBody> Events { get; set; } = [];
}

internal sealed class CheckUsageBody
{
    public string CustomerId { get; set; } = "";
    public string FeatureCode { get; set; } = "";
    public decimal Quantity { get; set; }
}

internal sealed class SeatsBody
{
    public string CustomerId { get; set; } = "";
    public string FeatureCode { get; set; } = "";
    public long Count { get; set; }
}

internal sealed class QuotaBody
{
    public string CustomerId { get; set; } = "";
    public string FeatureCode { get; set; } = "";
    public long? Count { get; set; }
    public string? IdempotencyKey { get; set; }
}

internal sealed class BulkSeatsBody
{
    public string CustomerId { get; set; } = "";
    public IDictionary<string, long> Seats { get; set; } = new Dictionary<string, long>();
}

internal sealed class VisibilityBody
{
    public bool IsPublic { get; set; }
}

internal sealed class AddPlanToGroupBody
{
    public string PlanId { get; set; } = "";
    public int? SortOrder { get; set; }
}

internal sealed class ReorderPlansBody
{
    public IList<string> PlanIds { get; set; } = [];
}

internal sealed class InvoiceStatusBody
{
    public InvoiceStatus Status { get; set; }
}

internal sealed class AddonIdBody
{
    public string AddonId { get; set; } = "";
}

internal sealed class AmountBody
{
    public long Amount { get; set; }
}

internal sealed class CreditPackIdBody
{
    public string CreditPackId { get; set; } = "";
}

internal sealed class SuccessUrlBody
{
    public string? SuccessUrl { get; set; }
}

/// <summary>
/// The body of a promo code update: fields left null are left out (unchanged), and a <c>Clear…</c> flag sends the field
/// as null (removed), which a class with <c>WhenWritingNull</c> cannot express.
/// </summary>
internal static class UpdatePromoCodeBody
{
    public static JsonObject From(UpdatePromoCodeRequest r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var body = new JsonObject();
        if (r.ClearBillingInterval)
        {
            body["billingInterval"] = null;
        }
        else if (r.BillingInterval is { } interval)
        {
            body["billingInterval"] = JsonSerializer.SerializeToNode(interval, CommetJsonContext.Default.BillingInterval);
        }
        if (r.ClearMaxRedemptions)
        {
            body["maxRedemptions"] = null;
        }
        else if (r.MaxRedemptions is { } max)
        {
            body["maxRedemptions"] = max;
        }
        if (r.ClearExpiresAt)
        {
            body["expiresAt"] = null;
        }
        else if (r.ExpiresAt is { } expires)
        {
            body["expiresAt"] = JsonSerializer.SerializeToNode(expires, CommetJsonContext.Default.DateTimeOffset);
        }
        if (r.Active is { } active)
        {
            body["active"] = active;
        }
        if (r.PlanIds is { } plans)
        {
            body["planIds"] = new JsonArray(plans.Select(p => (JsonNode?)JsonValue.Create(p)).ToArray());
        }
        return body;
    }
}
