using Commet.Domain.Billing;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Persistence;

/// <summary>One-off payments: payment links and off-session charges (<c>/payments</c>).</summary>
public abstract partial class CommetDb
{
    public DbSet<OneOffPayment> OneOffPayments => Set<OneOffPayment>();

    private void ConfigurePaymentLinks(ModelBuilder b)
    {
        b.Entity<OneOffPayment>(e =>
        {
            e.ToTable("payments");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(40);
            e.Property(x => x.Kind).HasMaxLength(20);
            e.Property(x => x.Status).HasMaxLength(20);
            e.Property(x => x.CustomerId).HasMaxLength(40);
            e.Property(x => x.Provider).HasMaxLength(20);
            e.Property(x => x.Currency).HasMaxLength(3);
            e.Property(x => x.Description).HasMaxLength(500);
            e.Property(x => x.SuccessUrl).HasMaxLength(2048);
            e.Property(x => x.HostedSessionId).HasMaxLength(40);
            e.Property(x => x.InvoiceId).HasMaxLength(40);
            e.Property(x => x.TransactionId).HasMaxLength(40);
            e.Property(x => x.ChargeKey).HasMaxLength(300);
            e.HasIndex(x => new { x.OrganizationId, x.Livemode, x.CustomerId });
            e.HasIndex(x => x.HostedSessionId);
            // A charge made under a request's Idempotency-Key is made once.
            e.HasIndex(x => new { x.OrganizationId, x.Livemode, x.ChargeKey }).IsUnique();
            Tenant(e);
        });
    }
}
