using Commet.Domain.Usage;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Persistence;

/// <summary>The consumption side: usage events and counters, credit/balance accounts and their ledger, seats.</summary>
public abstract partial class CommetDb
{
    public DbSet<UsageEvent> UsageEvents => Set<UsageEvent>();
    public DbSet<UsageCounter> UsageCounters => Set<UsageCounter>();
    public DbSet<UsageDaily> UsageDaily => Set<UsageDaily>();
    public DbSet<ConsumptionAccount> ConsumptionAccounts => Set<ConsumptionAccount>();
    public DbSet<LedgerEntry> Ledger => Set<LedgerEntry>();
    public DbSet<SeatBalance> SeatBalances => Set<SeatBalance>();
    public DbSet<SeatEvent> SeatEvents => Set<SeatEvent>();

    private void ConfigureUsage(ModelBuilder b)
    {
        b.Entity<UsageEvent>(e =>
        {
            e.ToTable("usage_events");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(40);
            e.Property(x => x.FeatureCode).HasMaxLength(100);
            e.Property(x => x.IdempotencyKey).HasMaxLength(255);
            e.Property(x => x.Value).HasPrecision(28, 6);
            e.Property(x => x.PreviousValue).HasPrecision(28, 6);
            // The merchant's business key counts once.
            e.HasIndex(x => new { x.OrganizationId, x.Livemode, x.IdempotencyKey }).IsUnique().HasFilter("\"IdempotencyKey\" IS NOT NULL");
            // No other index: every event pays for each one on the ingestion path, and nothing reads events by
            // subscription (usage per period and per day is read from usage_counters and usage_daily).
            Tenant(e);
        });

        b.Entity<UsageCounter>(e =>
        {
            e.ToTable("usage_counters");
            e.HasKey(x => new { x.SubscriptionId, x.FeatureId, x.WindowStart });
            e.Property(x => x.Quantity).HasPrecision(28, 6);
        });

        b.Entity<UsageDaily>(e =>
        {
            e.ToTable("usage_daily");
            e.HasKey(x => new { x.SubscriptionId, x.FeatureId, x.Day });
            e.Property(x => x.Quantity).HasPrecision(28, 6);
        });

        b.Entity<ConsumptionAccount>(e =>
        {
            e.ToTable("consumption_accounts");
            e.HasKey(x => new { x.SubscriptionId, x.Kind });
            e.Ignore(x => x.Total);
        });

        b.Entity<LedgerEntry>(e =>
        {
            e.ToTable("ledger_entries");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(40);
            // The one read: a subscription's newest entries (the dashboard's customer page, LedgerQueries.Newest), an
            // index range read backwards from the end instead of a sort of every entry the subscription ever had.
            e.HasIndex(x => new { x.SubscriptionId, x.At });
            Tenant(e);
        });

        b.Entity<SeatBalance>(e =>
        {
            e.ToTable("seat_balances");
            e.HasKey(x => new { x.SubscriptionId, x.FeatureId });
        });

        b.Entity<SeatEvent>(e =>
        {
            e.ToTable("seat_events");
            e.HasKey(x => x.Id);
            e.HasIndex(x => new { x.SubscriptionId, x.FeatureCode });
            e.Property(x => x.IdempotencyKey).HasMaxLength(255);
            e.HasIndex(x => new { x.OrganizationId, x.Livemode, x.IdempotencyKey }).IsUnique().HasFilter("\"IdempotencyKey\" IS NOT NULL");
            Tenant(e);
        });
    }
}
