using Commet.Domain.Usage;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Persistence;

/// <summary>AI-token usage: the organization's own model rates, and the per-model usage of each window.</summary>
public abstract partial class CommetDb
{
    public DbSet<AiModelRate> AiModelRates => Set<AiModelRate>();
    public DbSet<AiModelUsage> AiModelUsage => Set<AiModelUsage>();

    private void ConfigureAiUsage(ModelBuilder b)
    {
        b.Entity<AiModelRate>(e =>
        {
            e.ToTable("ai_model_rates");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(40);
            e.Property(x => x.Model).HasMaxLength(200);
            e.Property(x => x.Currency).HasMaxLength(3);
            e.Ignore(x => x.Rates);
            // One price per model and currency in each organization and mode.
            e.HasIndex(x => new { x.OrganizationId, x.Livemode, x.Model, x.Currency }).IsUnique();
            Tenant(e);
        });

        b.Entity<AiModelUsage>(e =>
        {
            e.ToTable("ai_model_usage");
            e.HasKey(x => new { x.SubscriptionId, x.FeatureId, x.WindowStart, x.Model });
            e.Property(x => x.Model).HasMaxLength(200);
            e.Property(x => x.Kind).HasMaxLength(20);
            e.Ignore(x => x.TotalTokens);
        });
    }
}
