namespace Commet.Models;

/// <summary>An API key (without its secret).</summary>
public sealed class ApiKey : CommetObject
{
    /// <summary>The ID.</summary>
    public string Id { get; init; } = "";

    /// <summary>The name.</summary>
    public string Name { get; init; } = "";

    /// <summary>The first characters, to recognise it.</summary>
    public string Prefix { get; init; } = "";

    /// <summary>When it expires.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>When it was last used.</summary>
    public DateTimeOffset? LastUsedAt { get; init; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>A new API key, with its secret: the only time it is shown.</summary>
public sealed class CreatedApiKey : CommetObject
{
    /// <summary>The ID.</summary>
    public string Id { get; init; } = "";

    /// <summary>The name.</summary>
    public string Name { get; init; } = "";

    /// <summary>The secret key.</summary>
    public string ApiKey { get; init; } = "";

    /// <summary>The first characters.</summary>
    public string Prefix { get; init; } = "";

    /// <summary>When it expires.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>A new API key.</summary>
public sealed class CreateApiKeyRequest
{
    /// <summary>The name.</summary>
    public string Name { get; set; } = "";

    /// <summary>Days until it expires.</summary>
    public int? ExpiresInDays { get; set; }
}

/// <summary>The sandbox test clock.</summary>
public sealed class TestClock : CommetObject
{
    /// <summary>The simulated time, when set.</summary>
    public DateTimeOffset? SimulatedTime { get; init; }

    /// <summary>Whether it is set.</summary>
    public bool IsActive { get; init; }

    /// <summary>The sandbox's now.</summary>
    public DateTimeOffset Now { get; init; }
}

/// <summary>Moves the test clock forward: by days or to an instant.</summary>
public sealed class AdvanceTestClockRequest
{
    /// <summary>Days to move forward.</summary>
    public int? AdvanceDays { get; set; }

    /// <summary>The instant to move to.</summary>
    public DateTimeOffset? FrozenTime { get; set; }
}

/// <summary>What a billing run at the test clock's time did.</summary>
public sealed class TestClockBilling : CommetObject
{
    /// <summary>Customers due.</summary>
    public int CustomersFound { get; init; }

    /// <summary>Billing cycles run.</summary>
    public int Enqueued { get; init; }

    /// <summary>Cycles that failed.</summary>
    public int Failed { get; init; }

    /// <summary>Dunning retries made.</summary>
    public int DunningRetried { get; init; }

    /// <summary>Dunning retries that failed.</summary>
    public int DunningFailed { get; init; }

    /// <summary>Invoices made (our addition).</summary>
    public int InvoicesCreated { get; init; }
}

/// <summary>Who a portal link is for: a customer ID or an email, and where "back" goes.</summary>
public sealed class PortalUrlRequest
{
    /// <summary>The customer (Commet's ID or yours).</summary>
    public string? CustomerId { get; set; }

    /// <summary>Or the customer's email.</summary>
    public string? Email { get; set; }

    /// <summary>Where the portal's back link goes.</summary>
    public string? ReturnUrl { get; set; }
}

/// <summary>A portal link.</summary>
public sealed class PortalAccess : CommetObject
{
    /// <summary>The single-use link that opens the portal signed in.</summary>
    public string PortalUrl { get; init; } = "";
}

/// <summary>A webhook endpoint: where events are delivered.</summary>
public class WebhookEndpoint : CommetObject
{
    /// <summary>The ID (<c>wh_…</c>).</summary>
    public string Id { get; init; } = "";

    /// <summary>The URL.</summary>
    public string Url { get; init; } = "";

    /// <summary>The event names delivered.</summary>
    public IReadOnlyList<string> Events { get; init; } = [];

    /// <summary>A description.</summary>
    public string? Description { get; init; }

    /// <summary>Whether deliveries are on.</summary>
    public bool IsActive { get; init; }

    /// <summary>The API version of the payloads.</summary>
    public string? ApiVersion { get; init; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>A new webhook endpoint, with its signing secret: the only time it is shown.</summary>
public sealed class WebhookEndpointCreated : WebhookEndpoint
{
    /// <summary>The signing secret (<c>whsec_…</c>); give it to <see cref="Webhooks.CommetWebhooks"/> to verify deliveries.</summary>
    public string SecretKey { get; init; } = "";
}

/// <summary>A new webhook endpoint.</summary>
public sealed class CreateWebhookRequest
{
    /// <summary>The URL.</summary>
    public string Url { get; set; } = "";

    /// <summary>The event names to deliver.</summary>
    public IList<string> Events { get; set; } = [];

    /// <summary>A description.</summary>
    public string? Description { get; set; }

    /// <summary>The API version of the payloads.</summary>
    public string? ApiVersion { get; set; }
}

/// <summary>Changes to a webhook endpoint; null fields are not changed.</summary>
public sealed class UpdateWebhookRequest
{
    /// <summary>A new URL.</summary>
    public string? Url { get; set; }

    /// <summary>New event names.</summary>
    public IList<string>? Events { get; set; }

    /// <summary>A new description.</summary>
    public string? Description { get; set; }

    /// <summary>Turns deliveries on or off.</summary>
    public bool? IsActive { get; set; }

    /// <summary>A new API version.</summary>
    public string? ApiVersion { get; set; }
}

/// <summary>A test delivery.</summary>
public sealed class WebhookTestResult
{
    /// <summary>Whether the endpoint accepted it.</summary>
    public bool Success { get; init; }

    /// <summary>The delivery's ID.</summary>
    public string DeliveryId { get; init; } = "";

    /// <summary>When it was delivered.</summary>
    public DateTimeOffset DeliveredAt { get; init; }
}

/// <summary>Whom an API key belongs to (a Commet for .NET addition).</summary>
public sealed class WhoAmI : CommetObject
{
    /// <summary>The organization's ID.</summary>
    public string OrganizationId { get; init; } = "";

    /// <summary>The organization's name.</summary>
    public string OrganizationName { get; init; } = "";

    /// <summary>The key's ID.</summary>
    public string ApiKeyId { get; init; } = "";

    /// <summary>The server's version.</summary>
    public string ServerVersion { get; init; } = "";
}
