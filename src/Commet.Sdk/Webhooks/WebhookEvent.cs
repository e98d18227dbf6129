using System.Text.Json;
using System.Text.Json.Serialization;

namespace Commet.Webhooks;

/// <summary>
/// A webhook delivery: the envelope <c>{id, event, timestamp, organizationId, mode, apiVersion, data}</c>. Events of the
/// catalogue come as <see cref="WebhookEvent{TData}"/> with typed <c>Data</c>; any other event keeps its data in <see cref="RawData"/>.
/// </summary>
public class WebhookEvent
{
    /// <summary>Makes an event.</summary>
    /// <param name="envelope">The envelope's fields.</param>
    /// <param name="rawData">The <c>data</c> as sent.</param>
    protected internal WebhookEvent(WebhookEnvelope envelope, JsonElement rawData)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        Id = envelope.Id ?? "";
        Event = envelope.Event ?? "";
        Timestamp = envelope.Timestamp;
        OrganizationId = envelope.OrganizationId ?? "";
        Mode = envelope.Mode ?? "";
        ApiVersion = envelope.ApiVersion ?? "";
        RawData = rawData;
    }

    /// <summary>The delivery's event ID: the same on every retry of one event, so use it to process each event once.</summary>
    public string Id { get; }

    /// <summary>The event's name, such as <c>subscription.canceled</c> (see <see cref="WebhookEventNames"/>).</summary>
    public string Event { get; }

    /// <summary>When the event happened.</summary>
    public DateTimeOffset Timestamp { get; }

    /// <summary>The organization's ID.</summary>
    public string OrganizationId { get; }

    /// <summary><c>live</c> or <c>sandbox</c>.</summary>
    public string Mode { get; }

    /// <summary>Whether it is live data.</summary>
    public bool Livemode => Mode == "live";

    /// <summary>The API version of the payload.</summary>
    public string ApiVersion { get; }

    /// <summary>The <c>data</c> object as sent.</summary>
    public JsonElement RawData { get; }
}

/// <summary>An event of the catalogue with its typed data.</summary>
/// <typeparam name="TData">The data type, such as <see cref="SubscriptionCanceledData"/>.</typeparam>
public sealed class WebhookEvent<TData> : WebhookEvent
    where TData : class
{
    internal WebhookEvent(WebhookEnvelope envelope, JsonElement rawData, TData data)
        : base(envelope, rawData) => Data = data;

    /// <summary>The event's data.</summary>
    public TData Data { get; }
}

/// <summary>The envelope's fields, as read from JSON.</summary>
public sealed class WebhookEnvelope
{
    /// <summary>The event ID.</summary>
    public string? Id { get; init; }

    /// <summary>The event's name.</summary>
    public string? Event { get; init; }

    /// <summary>When it happened.</summary>
    public DateTimeOffset Timestamp { get; init; }

    /// <summary>The organization.</summary>
    public string? OrganizationId { get; init; }

    /// <summary><c>live</c> or <c>sandbox</c>.</summary>
    public string? Mode { get; init; }

    /// <summary>The API version.</summary>
    public string? ApiVersion { get; init; }

    /// <summary>The data as sent.</summary>
    [JsonPropertyName("data")]
    public JsonElement Data { get; init; }
}
