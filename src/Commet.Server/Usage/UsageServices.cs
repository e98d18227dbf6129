using Commet.Server.Billing;
using Commet.Server.Payments;
using Commet.Server.Subscriptions;

namespace Commet.Server.Usage;

public static class UsageServices
{
    /// <summary>The consumption use cases, and the hooks through which usage reaches renewals, period starts and read-outs.</summary>
    public static IServiceCollection AddUsage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<UsageOptions>().Bind(configuration.GetSection(UsageOptions.Section));
        services.AddSingleton<TrackCache>();
        services.AddSingleton<TrackUsage>();
        services.AddSingleton<TrackUsageBatch>();
        services.AddSingleton<TrackGroupCommit>();
        services.AddSingleton<CheckUsage>();
        services.AddSingleton<SetUsage>();
        services.AddSingleton<ChangeSeats>();
        services.AddSingleton<SetAllSeats>();
        services.AddSingleton<ChangeQuota>();
        services.AddSingleton<ReadQuotas>();
        services.AddSingleton<ListFeatureAccess>();
        services.AddSingleton<GetFeatureAccess>();
        services.AddSingleton<PurchaseCharges>();
        services.AddSingleton<PurchaseCredits>();
        services.AddSingleton<TopupBalance>();
        services.AddSingleton<AdjustBalance>();
        services.AddSingleton<ConsumptionHooks>();
        services.AddSingleton<IRenewalLineSource>(sp => sp.GetRequiredService<ConsumptionHooks>());
        services.AddSingleton<ISubscriptionLifecycleHook>(sp => sp.GetRequiredService<ConsumptionHooks>());
        services.AddSingleton<ISubscriptionReadOut>(sp => sp.GetRequiredService<ConsumptionHooks>());
        services.AddSingleton<IHostedPurchaseCompleter, HostedPurchases>();
        return services;
    }
}
