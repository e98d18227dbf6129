using Commet.Domain;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Persistence;

/// <summary>The email outbox (<see cref="EmailMessage"/>).</summary>
public abstract partial class CommetDb
{
    public DbSet<EmailMessage> EmailMessages => Set<EmailMessage>();

    private void ConfigureEmails(ModelBuilder b)
    {
        b.Entity<EmailMessage>(e =>
        {
            e.ToTable("email_messages");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(40);
            e.Property(x => x.Kind).HasMaxLength(30);
            e.Property(x => x.CustomerId).HasMaxLength(40);
            e.Property(x => x.InvoiceId).HasMaxLength(40);
            e.Property(x => x.SubscriptionId).HasMaxLength(40);
            e.Property(x => x.ToAddress).HasMaxLength(320);
            e.Property(x => x.Subject).HasMaxLength(500);
            e.Property(x => x.Status).HasMaxLength(20);
            e.Property(x => x.Reason).HasMaxLength(500);
            e.Property(x => x.LeaseOwner).HasMaxLength(64);
            e.Property(x => x.Culture).HasMaxLength(10);
            // The sender's queue, across tenants.
            e.HasIndex(x => new { x.Status, x.NextAttemptAt });
            // The merchant's list, newest first, and the per-customer limit of link requests.
            e.HasIndex(x => new { x.OrganizationId, x.Livemode, x.Id });
            e.HasIndex(x => new { x.OrganizationId, x.Livemode, x.CustomerId, x.Kind, x.CreatedAt });
            Tenant(e);
        });
    }
}
