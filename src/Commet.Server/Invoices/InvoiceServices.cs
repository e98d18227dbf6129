namespace Commet.Server.Invoices;

public static class InvoicesServices
{
    /// <summary>The invoice use cases and signed PDF links.</summary>
    public static IServiceCollection AddInvoices(this IServiceCollection services)
    {
        services.AddSingleton<CreateAdjustment>();
        services.AddSingleton<SendInvoice>();
        services.AddSingleton<UpdateInvoiceStatus>();
        services.AddSingleton<InvoiceLinks>();
        return services;
    }
}
