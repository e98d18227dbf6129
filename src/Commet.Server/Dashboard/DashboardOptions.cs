namespace Commet.Server.Dashboard;

/// <summary>The merchant dashboard's settings (<c>Commet:Dashboard</c>).</summary>
public sealed class DashboardOptions
{
    public const string Section = "Commet:Dashboard";

    /// <summary>An owner created at start-up when no member has this email (<c>COMMET_ADMIN_EMAIL</c>).</summary>
    public string? AdminEmail { get; set; }

    /// <summary>Its password (<c>COMMET_ADMIN_PASSWORD</c>); used only to create the member, never changed afterwards.</summary>
    public string? AdminPassword { get; set; }

    /// <summary>Failed sign-ins in a row that lock a member out.</summary>
    public int MaxFailedSignIns { get; set; } = 5;

    /// <summary>How long a lockout lasts.</summary>
    public int LockoutMinutes { get; set; } = 15;

    /// <summary>Shortest password accepted.</summary>
    public int MinPasswordLength { get; set; } = 10;

    /// <summary>How long an invitation link works.</summary>
    public int InvitationDays { get; set; } = 7;

    /// <summary>How long a signed-in session lasts without activity (sliding).</summary>
    public int SessionHours { get; set; } = 12;

    public bool IsValid() => MaxFailedSignIns is >= 1 and <= 100 && LockoutMinutes is >= 1 and <= 10_080
        && MinPasswordLength is >= 8 and <= 128 && InvitationDays is >= 1 and <= 90 && SessionHours is >= 1 and <= 720;
}
