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

    /// <summary>The portal's language for this link (such as <c>es</c>); the customer's own or the browser's otherwise (a Commet for .NET addition).</summary>
    public string? Locale { get; set; }
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

    /// <summary>Why the server turned deliveries off (repeated failures), when it did; null while active or switched off by hand.</summary>
    public string? DisabledReason { get; init; }

    /// <summary>Until when the previous signing secret still signs, after <see cref="Resources.WebhooksClient.RotateSecretAsync"/>.</summary>
    public DateTimeOffset? PreviousSecretExpiresAt { get; init; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it last changed.</summary>
    public DateTimeOffset? UpdatedAt { get; init; }
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

    /// <summary>The HTTP status the endpoint answered, if it answered.</summary>
    public int? StatusCode { get; init; }

    /// <summary>Why the delivery failed (connection refused, time-out, an error status), if it did.</summary>
    public string? Error { get; init; }
}

/// <summary>One event's delivery to one webhook endpoint, as of its last attempt (a Commet for .NET addition).</summary>
public sealed class WebhookDelivery : CommetObject
{
    /// <summary>The delivery's ID.</summary>
    public string Id { get; init; } = "";

    /// <summary>The endpoint's ID.</summary>
    public string WebhookId { get; init; } = "";

    /// <summary>The event's ID (the envelope's <c>id</c> and the <c>webhook-id</c> header).</summary>
    public string EventId { get; init; } = "";

    /// <summary>The event name, such as <c>subscription.canceled</c>.</summary>
    public string Event { get; init; } = "";

    /// <summary><c>pending</c> (waiting for its next attempt), <c>succeeded</c>, <c>failed</c> (retries exhausted) or <c>canceled</c>.</summary>
    public string Status { get; init; } = "";

    /// <summary>Attempts made so far.</summary>
    public int Attempts { get; init; }

    /// <summary>The HTTP status of the last attempt, if the endpoint answered.</summary>
    public int? LastStatusCode { get; init; }

    /// <summary>How long the last attempt took, in milliseconds.</summary>
    public int? LastDurationMs { get; init; }

    /// <summary>Why the last attempt failed, if it did.</summary>
    public string? LastError { get; init; }

    /// <summary>When the last attempt was made.</summary>
    public DateTimeOffset? LastAttemptAt { get; init; }

    /// <summary>When the next attempt is due, while pending.</summary>
    public DateTimeOffset? NextAttemptAt { get; init; }

    /// <summary>When the endpoint accepted it.</summary>
    public DateTimeOffset? DeliveredAt { get; init; }

    /// <summary>When the event was queued for this endpoint.</summary>
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>Filters for <see cref="Resources.WebhooksClient.ListDeliveriesAsync"/>.</summary>
public sealed class ListWebhookDeliveriesOptions
{
    /// <summary>Only deliveries in this status: <c>pending</c>, <c>succeeded</c>, <c>failed</c> or <c>canceled</c>.</summary>
    public string? Status { get; set; }

    /// <summary>Items per page (1–100).</summary>
    public int? PageSize { get; set; }
}

/// <summary>A new signing secret for a webhook endpoint.</summary>
public sealed class RotateWebhookSecretRequest
{
    /// <summary>Hours the previous secret keeps signing too (0–168; the server's default when null, 0 ends it at once).</summary>
    public int? OverlapHours { get; set; }
}

/// <summary>A sample event to record (sandbox only).</summary>
public sealed class TriggerEventRequest
{
    /// <summary>The event name, such as <c>subscription.canceled</c>.</summary>
    public string Event { get; set; } = "";
}

/// <summary>The sample event <see cref="Resources.WebhooksClient.TriggerAsync"/> recorded.</summary>
public sealed class TriggeredEvent
{
    /// <summary>The event's ID.</summary>
    public string Id { get; init; } = "";

    /// <summary>The event name.</summary>
    public string Event { get; init; } = "";

    /// <summary>When it was recorded.</summary>
    public DateTimeOffset OccurredAt { get; init; }
}

/// <summary>One email to a customer in the server's outbox (a Commet for .NET addition). Bodies are never shown.</summary>
public sealed class Email : CommetObject
{
    /// <summary>The email's ID.</summary>
    public string Id { get; init; } = "";

    /// <summary>What it is: a receipt, a failed payment, an upcoming renewal, a trial ending, a cancellation, a portal link, an invoice.</summary>
    public string Kind { get; init; } = "";

    /// <summary><c>pending</c>, <c>sent</c>, <c>logged</c> (no SMTP server configured), <c>skipped</c> or <c>failed</c>.</summary>
    public string Status { get; init; } = "";

    /// <summary>The customer's ID.</summary>
    public string CustomerId { get; init; } = "";

    /// <summary>The invoice it is about, if any.</summary>
    public string? InvoiceId { get; init; }

    /// <summary>The subscription it is about, if any.</summary>
    public string? SubscriptionId { get; init; }

    /// <summary>The address it went (or goes) to.</summary>
    public string? To { get; init; }

    /// <summary>The subject line.</summary>
    public string? Subject { get; init; }

    /// <summary>The language it was written in.</summary>
    public string? Language { get; init; }

    /// <summary>Why it was skipped or failed.</summary>
    public string? Reason { get; init; }

    /// <summary>Sending attempts so far.</summary>
    public int Attempts { get; init; }

    /// <summary>When it was queued.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it was sent.</summary>
    public DateTimeOffset? SentAt { get; init; }

    /// <summary>When the next attempt is due, while pending.</summary>
    public DateTimeOffset? NextAttemptAt { get; init; }
}

/// <summary>Filters for <see cref="Resources.EmailsClient.ListAsync"/>.</summary>
public sealed class ListEmailsOptions
{
    /// <summary>Only this customer's (our ID or yours).</summary>
    public string? CustomerId { get; set; }

    /// <summary>Only this kind.</summary>
    public string? Kind { get; set; }

    /// <summary>Only this status.</summary>
    public string? Status { get; set; }

    /// <summary>Items per page (1–100).</summary>
    public int? PageSize { get; set; }
}

/// <summary>The payment provider of the organization and mode (a Commet for .NET addition); secrets are never shown.</summary>
public sealed class PaymentProviderSettings : CommetObject
{
    /// <summary><c>stripe</c>, or <c>sandbox</c> (the built-in provider).</summary>
    public string Provider { get; init; } = "";

    /// <summary>The last four characters of the connected Stripe key.</summary>
    public string? KeyLast4 { get; init; }

    /// <summary>The connected Stripe account.</summary>
    public string? AccountId { get; init; }

    /// <summary>Whether a provider that can take real payments is connected.</summary>
    public bool Configured { get; init; }

    /// <summary>Where the connection comes from: this organization's settings, or the operator's.</summary>
    public string Source { get; init; } = "";

    /// <summary>The URL to register in Stripe for its webhooks.</summary>
    public string? WebhookUrl { get; init; }
}

/// <summary>Connects the organization's own Stripe account for this mode (the server checks the key with Stripe).</summary>
public sealed class ConnectPaymentProviderRequest
{
    /// <summary>Always <c>stripe</c>.</summary>
    public string Provider { get; set; } = "stripe";

    /// <summary>A Stripe secret key of the same mode as the API key (<c>sk_test_…</c> or <c>sk_live_…</c>).</summary>
    public string SecretKey { get; set; } = "";

    /// <summary>The signing secret of the Stripe webhook endpoint (<c>whsec_…</c>).</summary>
    public string WebhookSecret { get; set; } = "";
}

/// <summary>A sandbox test card to save for a customer (sandbox keys only).</summary>
public sealed class AddTestCardRequest
{
    /// <summary>The customer (our ID or yours).</summary>
    public string CustomerId { get; set; } = "";

    /// <summary>A test card number, such as <c>4242424242424242</c> (always succeeds) or a declining one.</summary>
    public string CardNumber { get; set; } = "4242424242424242";

    /// <summary>Expiry month (1–12); a default when null.</summary>
    public int? ExpMonth { get; set; }

    /// <summary>Expiry year; a default when null.</summary>
    public int? ExpYear { get; set; }

    /// <summary>The CVC.</summary>
    public string? Cvc { get; set; }
}

/// <summary>A saved card.</summary>
public sealed class PaymentMethod : CommetObject
{
    /// <summary>The payment method's ID.</summary>
    public string Id { get; init; } = "";

    /// <summary>The customer's ID.</summary>
    public string CustomerId { get; init; } = "";

    /// <summary>The card brand.</summary>
    public string Brand { get; init; } = "";

    /// <summary>The card's last four digits.</summary>
    public string Last4 { get; init; } = "";

    /// <summary>Expiry month.</summary>
    public int ExpMonth { get; init; }

    /// <summary>Expiry year.</summary>
    public int ExpYear { get; init; }

    /// <summary>Whether subscriptions charge it.</summary>
    public bool IsDefault { get; init; }

    /// <summary>When it was saved.</summary>
    public DateTimeOffset CreatedAt { get; init; }
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

/// <summary>The Customer Portal's settings (a Commet for .NET addition).</summary>
public sealed class PortalSettings : CommetObject
{
    /// <summary>The name shown in the portal and on invoices.</summary>
    public string DisplayName { get; init; } = "";

    /// <summary>The logo's URL.</summary>
    public string? LogoUrl { get; init; }

    /// <summary>The accent colour, such as <c>#4f46e5</c>.</summary>
    public string AccentColor { get; init; } = "";

    /// <summary>Where customers write for help.</summary>
    public string? SupportEmail { get; init; }

    /// <summary>The terms of service.</summary>
    public string? TermsUrl { get; init; }

    /// <summary>The privacy policy.</summary>
    public string? PrivacyUrl { get; init; }

    /// <summary>The smallest balance top-up, in minor units.</summary>
    public long TopupMinimum { get; init; }

    /// <summary>The largest balance top-up, in minor units.</summary>
    public long TopupMaximum { get; init; }

    /// <summary>The organization's currency.</summary>
    public string Currency { get; init; } = "";

    /// <summary>Minutes of inactivity before a portal session ends.</summary>
    public int IdleTimeoutMinutes { get; init; }

    /// <summary>Hours after which a portal session ends regardless.</summary>
    public int AbsoluteTimeoutHours { get; init; }

    /// <summary>Which sections the portal shows.</summary>
    public PortalSections Sections { get; init; } = new();

    /// <summary>The seller block of invoices.</summary>
    public PortalSeller Seller { get; init; } = new();

    /// <summary>Which emails go to customers.</summary>
    public PortalEmails Emails { get; init; } = new();

    /// <summary>The portal's language when nothing else names one.</summary>
    public string DefaultLocale { get; init; } = "";

    /// <summary>The languages the portal speaks.</summary>
    public IReadOnlyList<string> Locales { get; init; } = [];

    /// <summary>When they last changed; null while all are defaults.</summary>
    public DateTimeOffset? UpdatedAt { get; init; }
}

/// <summary>The portal's sections; in a request, null keeps a section as it is.</summary>
public sealed class PortalSections
{
    /// <summary>Usage.</summary>
    public bool? Usage { get; set; }

    /// <summary>Plan changes.</summary>
    public bool? ChangePlan { get; set; }

    /// <summary>Purchases (credit packs, add-ons, top-ups).</summary>
    public bool? Purchases { get; set; }

    /// <summary>The payment method.</summary>
    public bool? PaymentMethod { get; set; }

    /// <summary>Billing details.</summary>
    public bool? BillingDetails { get; set; }

    /// <summary>Invoices.</summary>
    public bool? Invoices { get; set; }

    /// <summary>Cancellation.</summary>
    public bool? Cancel { get; set; }
}

/// <summary>Which emails go to customers; in a request, null keeps one as it is.</summary>
public sealed class PortalEmails
{
    /// <summary>A receipt for each paid invoice.</summary>
    public bool? Receipts { get; set; }

    /// <summary>A failed payment, with the link to pay.</summary>
    public bool? PaymentFailed { get; set; }

    /// <summary>The renewal of a yearly plan coming up.</summary>
    public bool? UpcomingRenewal { get; set; }

    /// <summary>A trial ending.</summary>
    public bool? TrialEnding { get; set; }

    /// <summary>A cancellation confirmed.</summary>
    public bool? Cancellation { get; set; }

    /// <summary>"Email me a link" on the used or expired link page.</summary>
    public bool? PortalLinks { get; set; }
}

/// <summary>The seller block of invoices; in a request, null keeps a field and an empty string clears it.</summary>
public sealed class PortalSeller
{
    /// <summary>The legal name.</summary>
    public string? LegalName { get; set; }

    /// <summary>The tax ID.</summary>
    public string? TaxId { get; set; }

    /// <summary>The address.</summary>
    public Address? Address { get; set; }
}

/// <summary>Changes to the portal's settings; null keeps a value, an empty string resets a text to its default.</summary>
public sealed class UpdatePortalSettingsRequest
{
    /// <summary>The name shown in the portal and on invoices.</summary>
    public string? DisplayName { get; set; }

    /// <summary>The logo's URL.</summary>
    public string? LogoUrl { get; set; }

    /// <summary>The accent colour.</summary>
    public string? AccentColor { get; set; }

    /// <summary>Where customers write for help.</summary>
    public string? SupportEmail { get; set; }

    /// <summary>The terms of service.</summary>
    public string? TermsUrl { get; set; }

    /// <summary>The privacy policy.</summary>
    public string? PrivacyUrl { get; set; }

    /// <summary>The default language: en, es, pt-BR, fr or de.</summary>
    public string? DefaultLocale { get; set; }

    /// <summary>The smallest top-up, in minor units.</summary>
    public long? TopupMinimum { get; set; }

    /// <summary>The largest top-up, in minor units.</summary>
    public long? TopupMaximum { get; set; }

    /// <summary>Minutes of inactivity before a portal session ends.</summary>
    public int? IdleTimeoutMinutes { get; set; }

    /// <summary>Hours after which a portal session ends regardless.</summary>
    public int? AbsoluteTimeoutHours { get; set; }

    /// <summary>Sections to show or hide.</summary>
    public PortalSections? Sections { get; set; }

    /// <summary>The seller block of invoices.</summary>
    public PortalSeller? Seller { get; set; }

    /// <summary>Emails to turn on or off.</summary>
    public PortalEmails? Emails { get; set; }
}
