using Commet.Domain.Billing;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Persistence;

/// <summary>Promo codes, who redeemed them, and the discount a subscription carries.</summary>
public abstract partial class CommetDb
{
    public DbSet<PromoCode> PromoCodes => Set<PromoCode>();
    public DbSet<PromoRedemption> PromoRedemptions => Set<PromoRedemption>();

    private void ConfigurePromotions(ModelBuilder b)
    {
        b.Entity<PromoCode>(e =>
        {
            e.ToTable("promo_codes");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(40);
            e.Property(x => x.Code).HasMaxLength(50);
            e.Property(x => x.DiscountType).HasMaxLength(20);
            e.Property(x => x.Currency).HasMaxLength(3);
            e.Property(x => x.BillingInterval).HasMaxLength(20);
            e.Property(x => x.PlanIds).HasMaxLength(4000);
            e.HasIndex(x => new { x.OrganizationId, x.Livemode, x.Code }).IsUnique();
            Tenant(e);
        });

        b.Entity<PromoRedemption>(e =>
        {
            e.ToTable("promo_redemptions");
            e.HasKey(x => x.Id);
            e.Property(x => x.PromoCodeId).HasMaxLength(40);
            e.Property(x => x.CustomerId).HasMaxLength(40);
            e.Property(x => x.SubscriptionId).HasMaxLength(40);
            // A customer redeems a code once.
            e.HasIndex(x => new { x.PromoCodeId, x.CustomerId }).IsUnique();
        });

        b.Entity<Subscription>(e =>
        {
            e.Property(x => x.DiscountType).HasMaxLength(20);
            e.Property(x => x.DiscountName).HasMaxLength(50);
            e.Property(x => x.DiscountPromoCodeId).HasMaxLength(40);
        });

        b.Entity<InvoiceLine>(e =>
        {
            e.Property(x => x.DiscountType).HasMaxLength(20);
            e.Property(x => x.DiscountName).HasMaxLength(50);
        });
    }
}
