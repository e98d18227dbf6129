namespace Commet.Domain;

/// <summary>
/// One email to a customer, in the outbox: written in the same transaction as the change that causes it (a paid
/// invoice, a failed charge, …), then rendered and sent by the background sender, which claims it with a lease.
/// It holds no rendered body and no secret: the sender renders it when it sends, in the customer's language, and
/// a portal link is made at that moment. <see cref="Data"/> is the payload of the event that caused it, when the
/// email needs dates or links from it.
/// </summary>
public sealed class EmailMessage : ITenantOwned
{
    public const string IdPrefix = "eml";

    public required string Id { get; set; }
    public required string OrganizationId { get; set; }
    public bool Livemode { get; set; }

    /// <summary>One of <see cref="EmailKinds"/>.</summary>
    public required string Kind { get; set; }
    public required string CustomerId { get; set; }
    public string? InvoiceId { get; set; }
    public string? SubscriptionId { get; set; }

    /// <summary>The causing event's data (JSON), for the kinds that need it; never shown by the API.</summary>
    public string? Data { get; set; }

    /// <summary>The address it went (or goes) to, filled in when it is rendered.</summary>
    public string? ToAddress { get; set; }
    public string? Subject { get; set; }

    /// <summary>One of <see cref="EmailStatuses"/>.</summary>
    public string Status { get; set; } = EmailStatuses.Pending;

    /// <summary>Why it was skipped, or the last delivery error (never a secret).</summary>
    public string? Reason { get; set; }
    public int Attempts { get; set; }

    /// <summary>Real time when the sender may take it (again).</summary>
    public DateTime NextAttemptAt { get; set; }
    public string? LeaseOwner { get; set; }
    public DateTime? LeaseUntil { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? SentAt { get; set; }

    /// <summary>The language it was written in (en, es, pt-BR, fr, de).</summary>
    public string? Culture { get; set; }
}

public static class EmailKinds
{
    public const string Receipt = "receipt";
    public const string PaymentFailed = "payment_failed";
    public const string UpcomingRenewal = "upcoming_renewal";
    public const string TrialEnding = "trial_ending";
    public const string Cancellation = "cancellation";
    public const string Invoice = "invoice";
    public const string PortalLink = "portal_link";

    public static readonly string[] All = [Receipt, PaymentFailed, UpcomingRenewal, TrialEnding, Cancellation, Invoice, PortalLink];
}

public static class EmailStatuses
{
    /// <summary>Waiting for the sender (or for its next attempt).</summary>
    public const string Pending = "pending";

    /// <summary>Handed to the SMTP server.</summary>
    public const string Sent = "sent";

    /// <summary>No SMTP server is configured: written to the log instead, and kept here.</summary>
    public const string Logged = "logged";

    /// <summary>Not sent on purpose: the organization turned this email off, the customer has no address, or it no longer applies.</summary>
    public const string Skipped = "skipped";

    /// <summary>Every attempt failed.</summary>
    public const string Failed = "failed";

    public static readonly string[] All = [Pending, Sent, Logged, Skipped, Failed];
}
