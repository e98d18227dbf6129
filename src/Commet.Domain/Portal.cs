namespace Commet.Domain;

/// <summary>
/// A customer portal link and, once the link is opened, the portal session it became. The link token and the
/// session token are random secrets handed out once; only their SHA-256 hashes are kept here. Times are real
/// time (never a sandbox test clock): a session expiring is about the person at the keyboard, not billing.
/// </summary>
public sealed class PortalSession : ITenantOwned
{
    public required string Id { get; set; }
    public required string OrganizationId { get; set; }
    public bool Livemode { get; set; }
    public required string CustomerId { get; set; }

    /// <summary>SHA-256 (hex) of the token in the link. Unique.</summary>
    public required string LinkHash { get; set; }

    /// <summary>SHA-256 (hex) of the session cookie, set when the link is opened. Unique.</summary>
    public string? SessionHash { get; set; }

    /// <summary>Where "Return to …" goes: an absolute http(s) URL given by the merchant, or null.</summary>
    public string? ReturnUrl { get; set; }

    /// <summary>
    /// The language of this session: the <c>locale</c> the merchant gave when asking for the link, then whatever the
    /// customer picks in the portal's language switcher. Null: the customer's locale, the browser's, the organization's.
    /// </summary>
    public string? Locale { get; set; }
    public DateTime CreatedAt { get; set; }

    /// <summary>A link nobody opened is dead after this.</summary>
    public DateTime LinkExpiresAt { get; set; }

    /// <summary>When the link was opened (exchanged for the session). A link is opened at most once.</summary>
    public DateTime? RedeemedAt { get; set; }

    /// <summary>The last request of the session, for the sliding idle expiry.</summary>
    public DateTime? LastSeenAt { get; set; }

    /// <summary>Idle time after which the session dies, fixed when the link was made.</summary>
    public int IdleTimeoutSeconds { get; set; }

    /// <summary>The session dies at this moment however active it is (the absolute cap).</summary>
    public DateTime AbsoluteExpiresAt { get; set; }

    /// <summary>Set when the customer signed out.</summary>
    public DateTime? EndedAt { get; set; }

    /// <summary>The link can still be opened.</summary>
    public bool LinkUsable(DateTime now) => RedeemedAt is null && EndedAt is null && now < LinkExpiresAt;

    /// <summary>The session is alive: opened, not signed out, not idle too long, within the absolute cap.</summary>
    public bool IsAlive(DateTime now) =>
        RedeemedAt is not null && EndedAt is null && now < AbsoluteExpiresAt
        && LastSeenAt is { } seen && now < seen.AddSeconds(IdleTimeoutSeconds);

    /// <summary>
    /// Whether the sliding expiry should be written now. Refreshing at most once a minute keeps a busy page
    /// from writing on every request; the idle time is measured in hours, so a minute is lost in the noise.
    /// </summary>
    public bool NeedsTouch(DateTime now) => LastSeenAt is not { } seen || now - seen >= TouchInterval;

    public static readonly TimeSpan TouchInterval = TimeSpan.FromMinutes(1);
}

/// <summary>An organization's portal settings for one mode: branding, limits and which sections show.</summary>
public sealed class PortalSettings
{
    public required string OrganizationId { get; set; }
    public bool Livemode { get; set; }
    public string? DisplayName { get; set; }
    public string? LogoUrl { get; set; }

    /// <summary>#RRGGBB, lower case.</summary>
    public string? AccentColor { get; set; }
    public string? SupportEmail { get; set; }
    public string? TermsUrl { get; set; }
    public string? PrivacyUrl { get; set; }

    /// <summary>The portal's language when neither the link, the customer nor the browser names a supported one (BCP 47).</summary>
    public string? DefaultLocale { get; set; }

    /// <summary>Smallest balance top-up a customer may choose, in minor units.</summary>
    public long? TopupMinimum { get; set; }

    /// <summary>Largest balance top-up a customer may choose, in minor units.</summary>
    public long? TopupMaximum { get; set; }
    public int? IdleTimeoutMinutes { get; set; }
    public int? AbsoluteTimeoutHours { get; set; }
    public bool ShowUsage { get; set; } = true;
    public bool ShowChangePlan { get; set; } = true;
    public bool ShowPurchases { get; set; } = true;
    public bool ShowPaymentMethod { get; set; } = true;
    public bool ShowBillingDetails { get; set; } = true;
    public bool ShowInvoices { get; set; } = true;
    public bool ShowCancel { get; set; } = true;

    // Which emails go to customers (all on until the merchant turns one off).
    public bool EmailReceipts { get; set; } = true;
    public bool EmailPaymentFailed { get; set; } = true;
    public bool EmailUpcomingRenewal { get; set; } = true;
    public bool EmailTrialEnding { get; set; } = true;
    public bool EmailCancellation { get; set; } = true;

    /// <summary>"Email me a link" on the used or expired link page.</summary>
    public bool EmailPortalLinks { get; set; } = true;

    // The seller block printed on invoices (frozen onto each invoice when it is issued).
    public string? LegalName { get; set; }
    public string? LegalLine1 { get; set; }
    public string? LegalLine2 { get; set; }
    public string? LegalCity { get; set; }
    public string? LegalPostalCode { get; set; }
    public string? LegalState { get; set; }

    /// <summary>ISO 3166-1 alpha-2, upper case.</summary>
    public string? LegalCountry { get; set; }
    public string? TaxId { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>
/// A logo the merchant uploaded for the portal, the hosted payment pages and emails (one per organization and mode).
/// Served publicly at <c>/logos/{Id}</c>; a new upload gets a new <see cref="Id"/>, so a URL always shows the same image.
/// </summary>
public sealed class PortalLogo : ITenantOwned
{
    public required string OrganizationId { get; set; }
    public bool Livemode { get; set; }
    public required string Id { get; set; }

    /// <summary>image/png, image/jpeg or image/svg+xml.</summary>
    public required string ContentType { get; set; }

    /// <summary>The image as served (an SVG after sanitising).</summary>
    public required byte[] Content { get; set; }

    /// <summary>SHA-256 of <see cref="Content"/>, hex: the ETag.</summary>
    public required string Hash { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>
/// Something a customer tried from the portal that is limited per day (past-due payment retries). Written
/// in its own transaction before the attempt, so a declined attempt that rolls back still counts.
/// </summary>
public sealed class PortalAttempt : ITenantOwned
{
    public required string Id { get; set; }
    public required string OrganizationId { get; set; }
    public bool Livemode { get; set; }
    public required string CustomerId { get; set; }
    public required string Kind { get; set; }
    public DateTime AttemptedAt { get; set; }
}

public static class PortalAttemptKinds
{
    public const string Recovery = "recovery";

    /// <summary>At most this many past-due payment retries per customer in any 24 hours.</summary>
    public const int RecoveryPerDay = 3;
}

/// <summary>
/// A one-time charge token of a rendered form (portal or hosted page), claimed by the POST that used it, in the same
/// transaction as what the form does. The key is the session the form was rendered for and the token, so a token is
/// good for one submit of one session; <see cref="Outcome"/> is what the first submit answered, shown again to a repeat.
/// </summary>
public sealed class FormClaim
{
    /// <summary>The portal session or hosted session the form was rendered for.</summary>
    public required string SessionId { get; set; }
    public required string Token { get; set; }
    public required string OrganizationId { get; set; }
    public bool Livemode { get; set; }
    public DateTime ClaimedAt { get; set; }

    /// <summary>The first answer, as JSON (written in the transaction that claims the token, so a committed claim always has one).</summary>
    public string? Outcome { get; set; }
}
