using Commet.Domain.Billing;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Persistence;

/// <summary>Webhook endpoints and their deliveries.</summary>
public abstract partial class CommetDb
{
    public DbSet<WebhookEndpoint> WebhookEndpoints => Set<WebhookEndpoint>();
    public DbSet<WebhookDelivery> WebhookDeliveries => Set<WebhookDelivery>();

    private void ConfigureWebhooks(ModelBuilder b)
    {
        b.Entity<WebhookEndpoint>(e =>
        {
            e.ToTable("webhook_endpoints");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(40);
            e.Property(x => x.Url).HasMaxLength(2048);
            e.Property(x => x.Events).HasMaxLength(4000);
            e.Property(x => x.Description).HasMaxLength(500);
            e.Property(x => x.ApiVersion).HasMaxLength(20);
            e.Property(x => x.DisabledReason).HasMaxLength(500);
            e.HasIndex(x => new { x.OrganizationId, x.Livemode, x.Id });
            Tenant(e);
        });

        b.Entity<WebhookDelivery>(e =>
        {
            e.ToTable("webhook_deliveries");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(40);
            e.Property(x => x.EndpointId).HasMaxLength(40);
            e.Property(x => x.EventId).HasMaxLength(40);
            e.Property(x => x.MessageId).HasMaxLength(40);
            e.Property(x => x.EventType).HasMaxLength(60);
            e.Property(x => x.SubscriptionId).HasMaxLength(40);
            e.Property(x => x.Status).HasMaxLength(20);
            e.Property(x => x.LastError).HasMaxLength(1000);
            e.Property(x => x.LeaseOwner).HasMaxLength(80);
            // Fan-out writes one row per event and endpoint, however many nodes try.
            e.HasIndex(x => new { x.EventId, x.EndpointId }).IsUnique();
            // The dispatcher's work queue.
            e.HasIndex(x => new { x.Status, x.NextAttemptAt });
            e.HasIndex(x => new { x.EndpointId, x.Id });
            e.HasIndex(x => new { x.EndpointId, x.SubscriptionId, x.Status });
            e.HasOne<WebhookEndpoint>().WithMany().HasForeignKey(x => x.EndpointId).OnDelete(DeleteBehavior.Cascade);
            Tenant(e);
        });
    }
}
