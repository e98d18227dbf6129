using Commet.Domain;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Persistence;

/// <summary>The customer portal's tables: links/sessions, per-organization settings, limited attempts.</summary>
public abstract partial class CommetDb
{
    public DbSet<PortalSession> PortalSessions => Set<PortalSession>();
    public DbSet<PortalSettings> PortalSettings => Set<PortalSettings>();
    public DbSet<PortalAttempt> PortalAttempts => Set<PortalAttempt>();
    public DbSet<PortalLogo> PortalLogos => Set<PortalLogo>();
    public DbSet<FormClaim> FormClaims => Set<FormClaim>();

    private void ConfigurePortal(ModelBuilder b)
    {
        b.Entity<PortalSession>(e =>
        {
            e.ToTable("portal_sessions");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(40);
            e.Property(x => x.CustomerId).HasMaxLength(40);
            e.Property(x => x.LinkHash).HasMaxLength(64);
            e.Property(x => x.SessionHash).HasMaxLength(64);
            e.Property(x => x.ReturnUrl).HasMaxLength(2048);
            e.Property(x => x.Locale).HasMaxLength(35);
            e.HasIndex(x => x.LinkHash).IsUnique();
            e.HasIndex(x => x.SessionHash).IsUnique();
            // For purging dead sessions.
            e.HasIndex(x => x.AbsoluteExpiresAt);
            Tenant(e);
        });

        b.Entity<PortalSettings>(e =>
        {
            e.ToTable("portal_settings");
            e.HasKey(x => new { x.OrganizationId, x.Livemode });
            e.Property(x => x.OrganizationId).HasMaxLength(40);
            e.Property(x => x.DisplayName).HasMaxLength(100);
            e.Property(x => x.LogoUrl).HasMaxLength(2048);
            e.Property(x => x.AccentColor).HasMaxLength(7);
            e.Property(x => x.SupportEmail).HasMaxLength(320);
            e.Property(x => x.TermsUrl).HasMaxLength(2048);
            e.Property(x => x.PrivacyUrl).HasMaxLength(2048);
            e.Property(x => x.DefaultLocale).HasMaxLength(35);
            e.Property(x => x.LegalName).HasMaxLength(255);
            e.Property(x => x.LegalLine1).HasMaxLength(255);
            e.Property(x => x.LegalLine2).HasMaxLength(255);
            e.Property(x => x.LegalCity).HasMaxLength(255);
            e.Property(x => x.LegalPostalCode).HasMaxLength(32);
            e.Property(x => x.LegalState).HasMaxLength(255);
            e.Property(x => x.LegalCountry).HasMaxLength(2);
            e.Property(x => x.TaxId).HasMaxLength(100);
            // Rows written before these columns existed keep every email on; the sentinel lets EF write an explicit false.
            e.Property(x => x.EmailReceipts).HasDefaultValue(true).HasSentinel(true);
            e.Property(x => x.EmailPaymentFailed).HasDefaultValue(true).HasSentinel(true);
            e.Property(x => x.EmailUpcomingRenewal).HasDefaultValue(true).HasSentinel(true);
            e.Property(x => x.EmailTrialEnding).HasDefaultValue(true).HasSentinel(true);
            e.Property(x => x.EmailCancellation).HasDefaultValue(true).HasSentinel(true);
            e.Property(x => x.EmailPortalLinks).HasDefaultValue(true).HasSentinel(true);
            e.HasQueryFilter(x => x.OrganizationId == TenantOrganizationId && x.Livemode == TenantLivemode);
        });

        b.Entity<PortalLogo>(e =>
        {
            e.ToTable("portal_logos");
            e.HasKey(x => new { x.OrganizationId, x.Livemode });
            e.Property(x => x.Id).HasMaxLength(40);
            e.HasIndex(x => x.Id).IsUnique();
            e.Property(x => x.ContentType).HasMaxLength(40);
            e.Property(x => x.Hash).HasMaxLength(64);
            Tenant(e);
        });

        b.Entity<PortalAttempt>(e =>
        {
            e.ToTable("portal_attempts");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(40);
            e.Property(x => x.CustomerId).HasMaxLength(40);
            e.Property(x => x.Kind).HasMaxLength(30);
            e.HasIndex(x => new { x.OrganizationId, x.Livemode, x.CustomerId, x.Kind, x.AttemptedAt });
            Tenant(e);
        });

        b.Entity<FormClaim>(e =>
        {
            e.ToTable("form_claims");
            // The unique key decides which of two submits of one form runs; the other waits for it and reads its outcome.
            e.HasKey(x => new { x.SessionId, x.Token });
            e.Property(x => x.SessionId).HasMaxLength(40);
            e.Property(x => x.Token).HasMaxLength(64);
            // For purging old claims.
            e.HasIndex(x => x.ClaimedAt);
            e.Property(x => x.OrganizationId).HasMaxLength(40);
            e.HasQueryFilter(x => x.OrganizationId == TenantOrganizationId && x.Livemode == TenantLivemode);
        });
    }
}
