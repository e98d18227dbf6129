namespace Commet.Server.Portal;

/// <summary>
/// Customer portal settings for the whole server (section <c>Commet:Portal</c>). An organization can override
/// the session times through its portal settings (<c>PUT /api/v1/portal/settings</c>).
/// </summary>
public sealed class PortalOptions
{
    public const string Section = "Commet:Portal";

    /// <summary>A link nobody opened dies after this many minutes. Default 120.</summary>
    public int LinkLifetimeMinutes { get; set; } = 120;

    /// <summary>A session with no request for this many minutes dies (sliding). Default 120.</summary>
    public int IdleTimeoutMinutes { get; set; } = 120;

    /// <summary>A session dies this many hours after it began, however active. Default 12.</summary>
    public int AbsoluteTimeoutHours { get; set; } = 12;

    /// <summary>Portal links each API key may ask for per second, sustained. Default 100.</summary>
    public int LinkRequestsPerSecond { get; set; } = 100;

    /// <summary>Burst of link requests an API key may make above the sustained rate. Default 500.</summary>
    public int LinkRequestBurst { get; set; } = 500;

    /// <summary>Links one client IP address may open per minute. Default 60.</summary>
    public int RedemptionsPerMinutePerIp { get; set; } = 60;

    /// <summary>Smallest balance top-up, in minor units, when the organization has not set one. Default 500 ($5.00).</summary>
    public long TopupMinimum { get; set; } = Usage.PurchaseCharges.DefaultTopupMinimum;

    /// <summary>Largest balance top-up, in minor units, when the organization has not set one. Default 1000000 ($10,000.00).</summary>
    public long TopupMaximum { get; set; } = Usage.PurchaseCharges.DefaultTopupMaximum;

    /// <summary>
    /// Offers the pseudo-localisation language <c>qps-ploc</c> (every text accented and bracketed) to find text that is
    /// not in the resource files. For development and tests; off by default.
    /// </summary>
    public bool PseudoLocalization { get; set; }

    public bool IsValid(out string problem)
    {
        problem = LinkLifetimeMinutes < 1 ? "Commet:Portal:LinkLifetimeMinutes must be at least 1."
            : IdleTimeoutMinutes < 1 ? "Commet:Portal:IdleTimeoutMinutes must be at least 1."
            : AbsoluteTimeoutHours < 1 ? "Commet:Portal:AbsoluteTimeoutHours must be at least 1."
            : LinkRequestsPerSecond < 1 || LinkRequestBurst < 1 ? "Commet:Portal:LinkRequestsPerSecond and LinkRequestBurst must be at least 1."
            : RedemptionsPerMinutePerIp < 1 ? "Commet:Portal:RedemptionsPerMinutePerIp must be at least 1."
            : TopupMinimum < 1 || TopupMaximum < TopupMinimum ? "Commet:Portal:TopupMinimum must be at least 1 and TopupMaximum at least TopupMinimum."
            : "";
        return problem.Length == 0;
    }
}
