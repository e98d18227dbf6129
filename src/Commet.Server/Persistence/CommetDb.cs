using Commet.Domain;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Commet.Server.Persistence;

/// <summary>
/// The one database model. Every tenant-owned table is filtered to the organization and mode of the
/// current request, so that a sandbox key can never read live rows (or another organization's) even
/// if a query forgets to say so. Provider-specific subclasses exist only to keep one migration set
/// per provider.
/// </summary>
public abstract partial class CommetDb(DbContextOptions options) : DbContext(options)
{
    /// <summary>The organization of the current request; null outside one, where tenant tables read as empty.</summary>
    public string? TenantOrganizationId { get; private set; }

    public bool TenantLivemode { get; private set; }

    public DbSet<Organization> Organizations => Set<Organization>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<Customer> Customers => Set<Customer>();
    public DbSet<Feature> Features => Set<Feature>();
    public DbSet<Plan> Plans => Set<Plan>();
    public DbSet<PlanPrice> PlanPrices => Set<PlanPrice>();
    public DbSet<PlanFeature> PlanFeatures => Set<PlanFeature>();
    public DbSet<PlanGroup> PlanGroups => Set<PlanGroup>();
    public DbSet<CreditPack> CreditPacks => Set<CreditPack>();
    public DbSet<Addon> Addons => Set<Addon>();
    public DbSet<IdempotencyRecord> IdempotencyRecords => Set<IdempotencyRecord>();

    public abstract bool IsPostgres { get; }

    public void ScopeTo(string organizationId, bool livemode)
    {
        TenantOrganizationId = organizationId;
        TenantLivemode = livemode;
    }

    /// <summary>Back to no tenant (tenant tables read as empty): a context taken from the pool starts like this.</summary>
    public void Unscope()
    {
        TenantOrganizationId = null;
        TenantLivemode = false;
    }

    private static readonly JsonSerializerOptions ListJson = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// A short list of small records kept as a JSON text column (regional prices: a handful of currencies per price,
    /// always read and written with their owner). Compared by value, so replacing or changing the list is saved.
    /// </summary>
    private static void JsonList<T>(PropertyBuilder<List<T>> property) =>
        property.HasConversion(
                v => JsonSerializer.Serialize(v, ListJson),
                v => string.IsNullOrEmpty(v) ? new List<T>() : JsonSerializer.Deserialize<List<T>>(v, ListJson) ?? new List<T>(),
                new ValueComparer<List<T>>(
                    (a, b) => (a == null && b == null) || (a != null && b != null && a.SequenceEqual(b)),
                    v => v.Aggregate(0, (h, x) => HashCode.Combine(h, x!.GetHashCode())),
                    v => v.ToList()))
            .IsRequired()
            .HasDefaultValueSql("'[]'");

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite hands DateTime back without a kind; all times are UTC, so say so on the way out.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<NullableUtcConverter>();
    }

    protected override void OnModelCreating(ModelBuilder b)
    {
        b.Entity<Organization>(e =>
        {
            e.ToTable("organizations");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(40);
            e.Property(x => x.Name).HasMaxLength(200);
            e.Property(x => x.Currency).HasMaxLength(3);
        });

        b.Entity<ApiKey>(e =>
        {
            e.ToTable("api_keys");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(40);
            e.Property(x => x.Hash).HasMaxLength(64);
            e.Property(x => x.Prefix).HasMaxLength(20);
            e.Property(x => x.Name).HasMaxLength(200);
            e.HasIndex(x => x.Hash).IsUnique();
            e.HasIndex(x => new { x.OrganizationId, x.Livemode, x.Id });
            e.HasOne<Organization>().WithMany().HasForeignKey(x => x.OrganizationId);
            Tenant(e);
        });

        b.Entity<Customer>(e =>
        {
            e.ToTable("customers");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(40);
            e.Property(x => x.ExternalId).HasMaxLength(255);
            e.Property(x => x.Email).HasMaxLength(320);
            e.Property(x => x.FullName).HasMaxLength(255);
            e.Property(x => x.TaxDocument).HasMaxLength(100);
            e.Property(x => x.DocumentType).HasMaxLength(50);
            e.Property(x => x.Timezone).HasMaxLength(64);
            e.Property(x => x.Locale).HasMaxLength(35);
            e.OwnsOne(x => x.Address, a =>
            {
                a.Property(p => p.Line1).HasColumnName("address_line1").HasMaxLength(255);
                a.Property(p => p.Line2).HasColumnName("address_line2").HasMaxLength(255);
                a.Property(p => p.City).HasColumnName("address_city").HasMaxLength(255);
                a.Property(p => p.State).HasColumnName("address_state").HasMaxLength(255);
                a.Property(p => p.PostalCode).HasColumnName("address_postal_code").HasMaxLength(32);
                a.Property(p => p.Country).HasColumnName("address_country").HasMaxLength(2);
                a.Property(p => p.Region).HasColumnName("address_region").HasMaxLength(255);
            });
            e.HasIndex(x => new { x.OrganizationId, x.Livemode, x.ExternalId }).IsUnique();
            e.HasIndex(x => new { x.OrganizationId, x.Livemode, x.Email });
            e.HasIndex(x => new { x.OrganizationId, x.Livemode, x.Id });
            Tenant(e);
        });

        b.Entity<Feature>(e =>
        {
            e.ToTable("features");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(40);
            e.Property(x => x.Code).HasMaxLength(100);
            e.Property(x => x.Name).HasMaxLength(255);
            e.Property(x => x.Type).HasMaxLength(20);
            e.Property(x => x.UnitName).HasMaxLength(100);
            // A deleted feature frees its code: uniqueness holds among features that are not deleted.
            e.HasIndex(x => new { x.OrganizationId, x.Livemode, x.Code }).IsUnique().HasFilter(DeletedFilter);
            Tenant(e);
        });

        b.Entity<PlanGroup>(e =>
        {
            e.ToTable("plan_groups");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(40);
            e.Property(x => x.Name).HasMaxLength(255);
            Tenant(e);
        });

        b.Entity<Plan>(e =>
        {
            e.ToTable("plans");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(40);
            e.Property(x => x.Code).HasMaxLength(100);
            e.Property(x => x.Name).HasMaxLength(255);
            e.Property(x => x.ConsumptionModel).HasMaxLength(20);
            // A deleted plan frees its code: uniqueness holds among plans that are not deleted.
            e.HasIndex(x => new { x.OrganizationId, x.Livemode, x.Code }).IsUnique().HasFilter(DeletedFilter);
            e.HasIndex(x => x.PlanGroupId);
            e.HasOne<PlanGroup>().WithMany().HasForeignKey(x => x.PlanGroupId).OnDelete(DeleteBehavior.SetNull);
            e.HasMany(x => x.Prices).WithOne().HasForeignKey(x => x.PlanId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(x => x.Features).WithOne().HasForeignKey(x => x.PlanId).OnDelete(DeleteBehavior.Cascade);
            JsonList(e.Property(x => x.ExchangeRates));
            Tenant(e);
        });

        b.Entity<PlanPrice>(e =>
        {
            e.ToTable("plan_prices");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(40);
            e.Property(x => x.PlanId).HasMaxLength(40);
            e.Property(x => x.BillingInterval).HasMaxLength(20);
            e.Property(x => x.IntroOfferDiscountType).HasMaxLength(20);
            e.HasIndex(x => new { x.PlanId, x.BillingInterval }).IsUnique();
            JsonList(e.Property(x => x.RegionalPrices));
        });

        b.Entity<PlanFeature>(e =>
        {
            e.ToTable("plan_features");
            e.HasKey(x => new { x.PlanId, x.FeatureId });
            e.Property(x => x.PricingMode).HasMaxLength(20);
            e.HasOne(x => x.Feature).WithMany().HasForeignKey(x => x.FeatureId).OnDelete(DeleteBehavior.Restrict);
            e.HasIndex(x => x.FeatureId);
            JsonList(e.Property(x => x.RegionalPrices));
        });

        b.Entity<CreditPack>(e =>
        {
            e.ToTable("credit_packs");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(40);
            e.Property(x => x.Name).HasMaxLength(255);
            e.Property(x => x.Currency).HasMaxLength(3);
            e.HasIndex(x => new { x.OrganizationId, x.Livemode, x.Name }).IsUnique().HasFilter(DeletedFilter);
            Tenant(e);
        });

        b.Entity<Addon>(e =>
        {
            e.ToTable("addons");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(40);
            e.Property(x => x.Name).HasMaxLength(255);
            e.Property(x => x.Slug).HasMaxLength(100);
            e.Property(x => x.ConsumptionModel).HasMaxLength(20);
            e.HasOne(x => x.Feature).WithMany().HasForeignKey(x => x.FeatureId).OnDelete(DeleteBehavior.Restrict);
            // One add-on per feature, and slugs unique, among add-ons that are not deleted.
            e.HasIndex(x => new { x.OrganizationId, x.Livemode, x.FeatureId }).IsUnique().HasFilter(DeletedFilter);
            e.HasIndex(x => new { x.OrganizationId, x.Livemode, x.Slug }).IsUnique().HasFilter(DeletedFilter);
            Tenant(e);
        });

        b.Entity<IdempotencyRecord>(e =>
        {
            e.ToTable("idempotency_records");
            e.HasKey(x => new { x.OrganizationId, x.Livemode, x.Key });
            e.Property(x => x.Key).HasMaxLength(255);
            e.Property(x => x.RequestHash).HasMaxLength(64);
            e.HasIndex(x => x.CreatedAt);
        });

        ConfigureBilling(b);
        ConfigureUsage(b);
        ConfigurePortal(b);
        ConfigureCatalogVersions(b);
        ConfigureEmails(b);
        ConfigureWebhooks(b);
        ConfigurePaymentProviders(b);
        ConfigureDashboard(b);
        ConfigurePromotions(b);
        ConfigurePaymentLinks(b);
        ConfigureAiUsage(b);
    }

    private const string DeletedFilter = "\"DeletedAt\" IS NULL";

    private void Tenant<T>(Microsoft.EntityFrameworkCore.Metadata.Builders.EntityTypeBuilder<T> e)
        where T : class, ITenantOwned
    {
        e.Property(x => x.OrganizationId).HasMaxLength(40);
        // Fails closed: a context that was never scoped sees no tenant rows at all; code that must look
        // across tenants (key lookup, bootstrap, background work) says so with IgnoreQueryFilters().
        e.HasQueryFilter(x => x.OrganizationId == TenantOrganizationId && x.Livemode == TenantLivemode);
    }

    private sealed class UtcConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));

    private sealed class NullableUtcConverter() : ValueConverter<DateTime?, DateTime?>(
        v => v == null ? v : v.Value.Kind == DateTimeKind.Utc ? v : v.Value.ToUniversalTime(),
        v => v == null ? v : DateTime.SpecifyKind(v.Value, DateTimeKind.Utc));
}

public sealed class SqliteCommetDb(DbContextOptions<SqliteCommetDb> options) : CommetDb(options)
{
    public override bool IsPostgres => false;
}

public sealed class PostgresCommetDb(DbContextOptions<PostgresCommetDb> options) : CommetDb(options)
{
    public override bool IsPostgres => true;

    /// <summary>
    /// Identifiers, keys and hashes compare byte by byte (<c>COLLATE "C"</c>), as every SQLite column already does: they
    /// are machine text, never sorted for a reader, and the database's own collation (often <c>en_US.UTF-8</c>) makes
    /// every comparison of their index entries a locale-aware one. A copy of a million rows into a table with three
    /// such indexes took 38–39 % less time than under ICU's en-US and 12–18 % less than under C.UTF-8 (docs/decisions.md,
    /// "Identifiers compare byte by byte on PostgreSQL"). Names, e-mails and other text a person reads keep the
    /// database's collation.
    /// </summary>
    protected override void OnModelCreating(ModelBuilder b)
    {
        base.OnModelCreating(b);
        foreach (var property in b.Model.GetEntityTypes().SelectMany(t => t.GetDeclaredProperties()))
        {
            if (property.ClrType == typeof(string) && IsMachineText(property.Name))
            {
                property.SetCollation("C");
            }
        }
    }

    /// <summary><c>Id</c>, <c>…Id</c>, <c>…Key</c> and <c>…Hash</c> columns.</summary>
    private static bool IsMachineText(string name) =>
        name == "Id" || name.EndsWith("Id", StringComparison.Ordinal) || name.EndsWith("Key", StringComparison.Ordinal)
        || name.EndsWith("Hash", StringComparison.Ordinal);
}
