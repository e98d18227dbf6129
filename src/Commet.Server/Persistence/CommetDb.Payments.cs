using Commet.Domain;
using Commet.Domain.Billing;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Persistence;

/// <summary>Connected payment providers (Stripe) and the Stripe events already handled.</summary>
public abstract partial class CommetDb
{
    public DbSet<PaymentProviderAccount> PaymentProviderAccounts => Set<PaymentProviderAccount>();
    public DbSet<StripeEventRecord> StripeEvents => Set<StripeEventRecord>();

    private void ConfigurePaymentProviders(ModelBuilder b)
    {
        b.Entity<PaymentProviderAccount>(e =>
        {
            e.ToTable("payment_provider_accounts");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(40);
            e.Property(x => x.Provider).HasMaxLength(20);
            e.Property(x => x.KeyLast4).HasMaxLength(4);
            e.Property(x => x.AccountId).HasMaxLength(255);
            // One provider per organization and mode.
            e.HasIndex(x => new { x.OrganizationId, x.Livemode }).IsUnique();
            Tenant(e);
        });

        b.Entity<StripeEventRecord>(e =>
        {
            e.ToTable("stripe_events");
            e.HasKey(x => new { x.OrganizationId, x.Livemode, x.Id });
            e.Property(x => x.Id).HasMaxLength(255);
            e.Property(x => x.Type).HasMaxLength(100);
            Tenant(e);
        });

        b.Entity<Customer>().Property(x => x.StripeCustomerId).HasMaxLength(255);
        b.Entity<PaymentTransaction>(e =>
        {
            e.Property(x => x.ProviderReference).HasMaxLength(255);
            e.HasIndex(x => new { x.OrganizationId, x.Livemode, x.ProviderReference });
        });
    }
}
