using Commet.Domain;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Persistence;

/// <summary>
/// A number per organization and mode that moves whenever something a usage event resolves through changes: a plan,
/// its prices and features, a feature, an add-on, or an existing customer. In-process caches of those (see
/// <c>Usage/TrackCache</c>) remember the number they were filled under and read the current one inside the
/// transaction that uses them, so a change made on any node is seen by the next event on every node.
/// </summary>
public sealed class CatalogVersion
{
    public required string OrganizationId { get; set; }
    public bool Livemode { get; set; }
    public long Version { get; set; }
}

public abstract partial class CommetDb
{
    public DbSet<CatalogVersion> CatalogVersions => Set<CatalogVersion>();

    private static void ConfigureCatalogVersions(ModelBuilder b) =>
        b.Entity<CatalogVersion>(e =>
        {
            e.ToTable("catalog_versions");
            e.HasKey(x => new { x.OrganizationId, x.Livemode });
            e.Property(x => x.OrganizationId).HasMaxLength(40);
        });

    /// <summary>The tenants whose catalog (or an existing customer) this save changes.</summary>
    private HashSet<(string, bool)>? CatalogTouched()
    {
        HashSet<(string, bool)>? touched = null;
        foreach (var entry in ChangeTracker.Entries())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified or EntityState.Deleted))
            {
                continue;
            }
            var relevant = entry.Entity switch
            {
                Plan or PlanPrice or PlanFeature or Feature or Addon or PlanGroup => true,
                // A new customer changes no cached resolution; a changed or deleted one may (its external ID).
                Customer => entry.State != EntityState.Added,
                _ => false,
            };
            if (!relevant)
            {
                continue;
            }
            (string, bool)? tenant = entry.Entity is ITenantOwned owned ? (owned.OrganizationId, owned.Livemode)
                : TenantOrganizationId is { } org ? (org, TenantLivemode) : null;
            if (tenant is { } t)
            {
                (touched ??= []).Add(t);
            }
        }
        return touched;
    }

    /// <summary>Moves the catalog version of each tenant, after the change is written (in its transaction when there is one).</summary>
    private async Task BumpCatalogAsync(HashSet<(string, bool)> touched, CancellationToken ct)
    {
        foreach (var (organizationId, livemode) in touched)
        {
            await Database.ExecuteSqlAsync($"""
                INSERT INTO catalog_versions ("OrganizationId", "Livemode", "Version") VALUES ({organizationId}, {livemode}, 1)
                ON CONFLICT ("OrganizationId", "Livemode") DO UPDATE SET "Version" = catalog_versions."Version" + 1
                """, ct);
        }
    }
}
