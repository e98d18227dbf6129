namespace Commet.Server.Dashboard;

/// <summary>What a page or a form post needs. Each role is a fixed set of these (<see cref="DashboardRoles.Allows"/>).</summary>
public enum Capability
{
    /// <summary>Any member of the organization: home, customers and invoices to read.</summary>
    View,

    /// <summary>Support work on customers: open the portal as the customer, and later cancel, refund, adjust credits.</summary>
    CustomerActions,

    /// <summary>Invoices and transactions: send, void, refund.</summary>
    Invoices,

    /// <summary>API keys: list, create, revoke.</summary>
    ApiKeys,

    /// <summary>Webhook endpoints and their deliveries.</summary>
    Webhooks,

    /// <summary>Features, plans, groups, credit packs, add-ons.</summary>
    Catalog,

    /// <summary>Members, invitations, roles, the audit log.</summary>
    Members,

    /// <summary>The organization's settings (branding, billing profile, emails, payment provider).</summary>
    Settings,
}

/// <summary>The four roles and what each may do.</summary>
public static class DashboardRoles
{
    public const string Owner = "owner";
    public const string Admin = "admin";
    public const string Developer = "developer";
    public const string Support = "support";

    public static readonly string[] All = [Owner, Admin, Developer, Support];

    public static bool IsKnown(string? role) => role is not null && All.Contains(role);

    public static bool Allows(string role, Capability capability) => role switch
    {
        Owner or Admin => true,
        Developer => capability is Capability.View or Capability.ApiKeys or Capability.Webhooks or Capability.Catalog,
        Support => capability is Capability.View or Capability.CustomerActions or Capability.Invoices,
        _ => false,
    };

    /// <summary>Whether a member with <paramref name="actor"/> may give or take away <paramref name="role"/>: only an owner makes or removes owners.</summary>
    public static bool CanAssign(string actor, string role) => actor == Owner || (actor == Admin && role != Owner);

    public static string Describe(string role) => role switch
    {
        Owner => "Everything, including owners and the organization itself",
        Admin => "Everything except making or removing owners",
        Developer => "API keys, webhooks and the catalog; customers to read",
        Support => "Customers, portal links and invoices; no keys, no catalog",
        _ => role,
    };
}
