namespace Commet.Server.Subscriptions;

public static class SubscriptionsServices
{
    /// <summary>The subscription use cases and the steps they share.</summary>
    public static IServiceCollection AddSubscriptions(this IServiceCollection services)
    {
        services.AddSingleton<SubscriptionLifecycle>();
        services.AddSingleton<CreateSubscription>();
        services.AddSingleton<CancelSubscription>();
        services.AddSingleton<UncancelSubscription>();
        services.AddSingleton<ReactivateSubscription>();
        services.AddSingleton<CreateRecoveryLink>();
        services.AddSingleton<CreatePaymentMethodLink>();
        services.AddSingleton<PlanChanges>();
        services.AddSingleton<ChangePlan>();
        services.AddSingleton<PreviewPlanChange>();
        services.AddSingleton<RevokeScheduledChange>();
        services.AddSingleton<ActivateAddon>();
        services.AddSingleton<DeactivateAddon>();
        services.AddSingleton<OpenHostedPage>();
        services.AddSingleton<CompleteHostedPage>();
        services.AddSingleton<RenewalInvoices>();
        services.AddSingleton<GetUpcomingInvoice>();
        services.AddSingleton<RunDueStep>();
        services.AddSingleton<SubscriptionViews>();
        return services;
    }
}
