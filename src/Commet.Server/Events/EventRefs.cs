using Commet.Domain;

namespace Commet.Server.Events;

/// <summary>A plan as events name it (<c>WebhookPlanRef</c>).</summary>
public sealed record WebhookPlanRef(string Id, string Name)
{
    /// <summary>
    /// The plan by its row. Plans are only ever soft-deleted, so the row is there; should it not be, the event still
    /// goes out, with the plan ID when the caller knows it and an empty name.
    /// </summary>
    public static WebhookPlanRef Of(Plan? plan, string? planId = null) => new(plan?.Id ?? planId ?? "", plan?.Name ?? "");
}

/// <summary>An add-on as events name it (<c>WebhookAddonRef</c>).</summary>
public sealed record WebhookAddonRef(string Id, string Name);

/// <summary>Card display metadata (<c>WebhookCardInfo</c>); full numbers never leave the payment provider.</summary>
public sealed record WebhookCardInfo(string Brand, string Last4, int ExpMonth, int ExpYear);
