namespace Commet.Server.Transactions;

public static class TransactionsServices
{
    /// <summary>The transaction use cases.</summary>
    public static IServiceCollection AddTransactions(this IServiceCollection services)
    {
        services.AddSingleton<RefundTransaction>();
        services.AddSingleton<RetryTransaction>();
        return services;
    }
}
