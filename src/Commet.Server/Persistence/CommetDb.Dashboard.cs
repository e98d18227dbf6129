using Commet.Server.Dashboard;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Persistence;

/// <summary>
/// The dashboard's people: ASP.NET Core Identity's user tables (mapped here, as Identity's own context would map
/// them, so Identity's EF Core user store works on this context), memberships, invitations and the audit log.
/// None of these is tenant-filtered: a member belongs to several organizations, and the dashboard checks the
/// membership itself before it scopes the context to one organization and mode.
/// </summary>
public abstract partial class CommetDb
{
    public DbSet<DashboardUser> DashboardUsers => Set<DashboardUser>();
    public DbSet<Membership> Memberships => Set<Membership>();
    public DbSet<Invitation> Invitations => Set<Invitation>();
    public DbSet<AuditEntry> AuditLog => Set<AuditEntry>();

    private static void ConfigureDashboard(ModelBuilder b)
    {
        b.Entity<DashboardUser>(e =>
        {
            e.ToTable("dashboard_users");
            e.HasKey(u => u.Id);
            e.Property(u => u.Id).HasMaxLength(64);
            e.Property(u => u.UserName).HasMaxLength(256);
            e.Property(u => u.NormalizedUserName).HasMaxLength(256);
            e.Property(u => u.Email).HasMaxLength(256);
            e.Property(u => u.NormalizedEmail).HasMaxLength(256);
            e.Property(u => u.PasswordHash).HasMaxLength(256);
            e.Property(u => u.SecurityStamp).HasMaxLength(64);
            e.Property(u => u.ConcurrencyStamp).HasMaxLength(64).IsConcurrencyToken();
            e.Property(u => u.PhoneNumber).HasMaxLength(64);
            e.HasIndex(u => u.NormalizedUserName).IsUnique();
            e.HasIndex(u => u.NormalizedEmail).IsUnique();
        });

        b.Entity<IdentityUserClaim<string>>(e =>
        {
            e.ToTable("dashboard_user_claims");
            e.HasKey(c => c.Id);
            e.Property(c => c.UserId).HasMaxLength(64);
            e.Property(c => c.ClaimType).HasMaxLength(256);
            e.Property(c => c.ClaimValue).HasMaxLength(1024);
            e.HasOne<DashboardUser>().WithMany().HasForeignKey(c => c.UserId).IsRequired().OnDelete(DeleteBehavior.Cascade);
        });

        b.Entity<IdentityUserLogin<string>>(e =>
        {
            e.ToTable("dashboard_user_logins");
            e.HasKey(l => new { l.LoginProvider, l.ProviderKey });
            e.Property(l => l.LoginProvider).HasMaxLength(128);
            e.Property(l => l.ProviderKey).HasMaxLength(128);
            e.Property(l => l.ProviderDisplayName).HasMaxLength(256);
            e.Property(l => l.UserId).HasMaxLength(64);
            e.HasOne<DashboardUser>().WithMany().HasForeignKey(l => l.UserId).IsRequired().OnDelete(DeleteBehavior.Cascade);
        });

        b.Entity<IdentityUserToken<string>>(e =>
        {
            // The authenticator key and the two-factor recovery codes live here.
            e.ToTable("dashboard_user_tokens");
            e.HasKey(t => new { t.UserId, t.LoginProvider, t.Name });
            e.Property(t => t.UserId).HasMaxLength(64);
            e.Property(t => t.LoginProvider).HasMaxLength(128);
            e.Property(t => t.Name).HasMaxLength(128);
            e.Property(t => t.Value).HasMaxLength(2048);
            e.HasOne<DashboardUser>().WithMany().HasForeignKey(t => t.UserId).IsRequired().OnDelete(DeleteBehavior.Cascade);
        });

        b.Entity<Membership>(e =>
        {
            e.ToTable("memberships");
            e.HasKey(m => new { m.OrganizationId, m.UserId });
            e.Property(m => m.OrganizationId).HasMaxLength(40);
            e.Property(m => m.UserId).HasMaxLength(64);
            e.Property(m => m.Role).HasMaxLength(20);
            // A member's organizations, for the picker.
            e.HasIndex(m => m.UserId);
            e.HasOne<Commet.Domain.Organization>().WithMany().HasForeignKey(m => m.OrganizationId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<DashboardUser>().WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
        });

        b.Entity<Invitation>(e =>
        {
            e.ToTable("member_invitations");
            e.HasKey(i => i.Id);
            e.Property(i => i.Id).HasMaxLength(40);
            e.Property(i => i.OrganizationId).HasMaxLength(40);
            e.Property(i => i.Email).HasMaxLength(256);
            e.Property(i => i.Role).HasMaxLength(20);
            e.Property(i => i.TokenHash).HasMaxLength(64);
            e.Property(i => i.AcceptedByUserId).HasMaxLength(64);
            e.Property(i => i.CreatedByUserId).HasMaxLength(64);
            e.HasIndex(i => i.TokenHash).IsUnique();
            e.HasIndex(i => new { i.OrganizationId, i.Id });
            e.HasOne<Commet.Domain.Organization>().WithMany().HasForeignKey(i => i.OrganizationId).OnDelete(DeleteBehavior.Cascade);
        });

        b.Entity<AuditEntry>(e =>
        {
            e.ToTable("audit_log");
            e.HasKey(a => a.Id);
            e.Property(a => a.Id).HasMaxLength(40);
            e.Property(a => a.OrganizationId).HasMaxLength(40);
            e.Property(a => a.UserId).HasMaxLength(64);
            e.Property(a => a.UserEmail).HasMaxLength(256);
            e.Property(a => a.Action).HasMaxLength(64);
            e.Property(a => a.Target).HasMaxLength(320);
            // The organization's log, newest first (IDs are time-ordered).
            e.HasIndex(a => new { a.OrganizationId, a.Id });
        });
    }
}
