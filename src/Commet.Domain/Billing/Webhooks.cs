namespace Commet.Domain.Billing;

/// <summary>A merchant's URL that receives events of one organization and mode.</summary>
public sealed class WebhookEndpoint : ITenantOwned
{
    public required string Id { get; set; }
    public required string OrganizationId { get; set; }
    public bool Livemode { get; set; }
    public required string Url { get; set; }

    /// <summary>The event names it receives, space-separated; <c>*</c> means every event.</summary>
    public required string Events { get; set; }

    public string? Description { get; set; }
    public bool IsActive { get; set; } = true;
    public string? ApiVersion { get; set; }

    /// <summary>Why the server disabled it (repeated failures); null when a merchant did, or when active.</summary>
    public string? DisabledReason { get; set; }

    /// <summary>The signing secret (<c>whsec_…</c>), encrypted with ASP.NET Core Data Protection.</summary>
    public required string SecretProtected { get; set; }

    /// <summary>The secret before the last rotation, encrypted; it still signs until <see cref="PreviousSecretExpiresAt"/>.</summary>
    public string? PreviousSecretProtected { get; set; }
    public DateTime? PreviousSecretExpiresAt { get; set; }

    /// <summary>Events in a row whose delivery failed every attempt; a success resets it.</summary>
    public int FailedEventStreak { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    public bool Receives(string eventName) =>
        Events == "*" || Events.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(eventName);
}

public static class WebhookDeliveryStatus
{
    public const string Pending = "pending";
    public const string Succeeded = "succeeded";
    /// <summary>Every scheduled attempt failed.</summary>
    public const string Failed = "failed";
    /// <summary>The endpoint was disabled or deleted before the delivery got through.</summary>
    public const string Canceled = "canceled";
}

/// <summary>
/// One event for one endpoint: the body it is sent with (fixed at fan-out, so every attempt sends the same bytes),
/// and what its last attempt did. Unique per event and endpoint.
/// </summary>
public sealed class WebhookDelivery : ITenantOwned
{
    public required string Id { get; set; }
    public required string OrganizationId { get; set; }
    public bool Livemode { get; set; }
    public required string EndpointId { get; set; }

    /// <summary>The outbox event; null for a test delivery.</summary>
    public string? EventId { get; set; }

    /// <summary>The envelope's ID (<c>whev_…</c>): the same on every attempt, so a receiver can drop repeats.</summary>
    public required string MessageId { get; set; }
    public required string EventType { get; set; }
    public string? SubscriptionId { get; set; }
    public required string Body { get; set; }

    public required string Status { get; set; }
    public int Attempts { get; set; }
    public DateTime? NextAttemptAt { get; set; }
    public DateTime? LastAttemptAt { get; set; }
    public int? LastStatusCode { get; set; }
    public int? LastDurationMs { get; set; }
    public string? LastError { get; set; }
    public DateTime? DeliveredAt { get; set; }

    public string? LeaseOwner { get; set; }
    public DateTime? LeaseUntil { get; set; }
    public DateTime CreatedAt { get; set; }
}
