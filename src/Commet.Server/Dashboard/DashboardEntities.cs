using Microsoft.AspNetCore.Identity;

namespace Commet.Server.Dashboard;

/// <summary>A team member: one ASP.NET Core Identity user, signed in to <c>/dashboard</c> with email and password.</summary>
public sealed class DashboardUser : IdentityUser
{
    public DateTime CreatedAt { get; set; }
}

/// <summary>A member's role in one organization (both modes). One row per organization and member.</summary>
public sealed class Membership
{
    public required string OrganizationId { get; set; }
    public required string UserId { get; set; }

    /// <summary>One of <see cref="DashboardRoles"/>.</summary>
    public required string Role { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>
/// An invitation by link: the link carries a random token, only its SHA-256 hash is stored; it works once
/// (<see cref="AcceptedAt"/>) and until <see cref="ExpiresAt"/>.
/// </summary>
public sealed class Invitation
{
    public const string IdPrefix = "minv";

    public required string Id { get; set; }
    public required string OrganizationId { get; set; }
    public required string Email { get; set; }
    public required string Role { get; set; }
    public required string TokenHash { get; set; }
    public DateTime ExpiresAt { get; set; }
    public DateTime? AcceptedAt { get; set; }
    public string? AcceptedByUserId { get; set; }
    public DateTime? RevokedAt { get; set; }
    public required string CreatedByUserId { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>Who changed what from the dashboard: one row per action, never updated.</summary>
public sealed class AuditEntry
{
    public const string IdPrefix = "aud";

    public required string Id { get; set; }
    public required string OrganizationId { get; set; }

    /// <summary>The mode the action was taken in, null when the action is about the organization itself.</summary>
    public bool? Livemode { get; set; }
    public required string UserId { get; set; }

    /// <summary>The member's email at the time (kept so the log reads after the member is gone).</summary>
    public required string UserEmail { get; set; }

    /// <summary>A dotted verb such as <c>api_key.created</c> (see <see cref="AuditActions"/>).</summary>
    public required string Action { get; set; }

    /// <summary>What the action was on: an ID, an email; never a secret.</summary>
    public string? Target { get; set; }
    public DateTime At { get; set; }
}

public static class AuditActions
{
    public const string OwnerCreated = "member.owner_created";
    public const string OrganizationCreated = "organization.created";
    public const string InvitationCreated = "invitation.created";
    public const string InvitationRevoked = "invitation.revoked";
    public const string InvitationAccepted = "invitation.accepted";
    public const string MemberRemoved = "member.removed";
    public const string MemberRoleChanged = "member.role_changed";
    public const string ApiKeyCreated = "api_key.created";
    public const string ApiKeyRevoked = "api_key.revoked";
    public const string PortalOpened = "customer.portal_opened";
    public const string CustomerCreated = "customer.created";
    public const string SubscriptionCreated = "subscription.created";
    public const string TwoFactorEnabled = "member.two_factor_enabled";
    public const string TwoFactorDisabled = "member.two_factor_disabled";
    public const string CatalogCreated = "catalog.created";
    public const string CatalogUpdated = "catalog.updated";
    public const string CatalogArchived = "catalog.archived";
    public const string SubscriptionCanceled = "subscription.canceled";
    public const string TransactionRefunded = "transaction.refunded";
    public const string PlanChanged = "subscription.plan_changed";
    public const string BalanceAdjusted = "subscription.balance_adjusted";
    public const string QuotaSet = "subscription.quota_set";
    public const string AiModelRateSet = "ai_model_rate.set";
    public const string AiModelRateRemoved = "ai_model_rate.removed";
    public const string TestCardAdded = "customer.test_card_added";
    public const string TestClockAdvanced = "test_clock.advanced";
    public const string WebhookCreated = "webhook.created";
    public const string WebhookUpdated = "webhook.updated";
    public const string WebhookEnabled = "webhook.enabled";
    public const string WebhookDisabled = "webhook.disabled";
    public const string WebhookDeleted = "webhook.deleted";
    public const string WebhookTested = "webhook.tested";
    public const string WebhookRedelivered = "webhook.redelivered";
    public const string WebhookSecretRotated = "webhook.secret_rotated";
    public const string BrandingUpdated = "settings.branding_updated";
    public const string BillingProfileUpdated = "settings.billing_profile_updated";
    public const string EmailSettingsUpdated = "settings.emails_updated";
    public const string PaymentProviderConnected = "settings.payment_provider_connected";
}
