using System.Diagnostics.CodeAnalysis;
using Commet.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Commet.AspNetCore;

/// <summary>Handles one kind of webhook event; registered with <see cref="CommetWebhookServiceCollectionExtensions.AddCommetEventHandler{TData, THandler}"/>.</summary>
/// <typeparam name="TData">The event's data type, such as <see cref="SubscriptionCanceledData"/>.</typeparam>
public interface ICommetEventHandler<TData>
    where TData : class
{
    /// <summary>Handles the event. Throwing makes the receiver answer 500, and Commet delivers the event again.</summary>
    /// <param name="webhookEvent">The event.</param>
    /// <param name="cancellationToken">The request's abort token.</param>
    Task HandleAsync(WebhookEvent<TData> webhookEvent, CancellationToken cancellationToken);
}

/// <summary>Runs the DI-registered handlers of one data type (closed generics: no reflection, AOT-safe).</summary>
internal interface ICommetEventDispatcher
{
    Task DispatchAsync(WebhookEvent webhookEvent, IServiceProvider services, CancellationToken cancellationToken);
}

internal sealed class CommetEventDispatcher<TData> : ICommetEventDispatcher
    where TData : class
{
    public async Task DispatchAsync(WebhookEvent webhookEvent, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (webhookEvent is not WebhookEvent<TData> typed)
        {
            return;
        }
        foreach (var handler in services.GetServices<ICommetEventHandler<TData>>())
        {
            await handler.HandleAsync(typed, cancellationToken).ConfigureAwait(false);
        }
    }
}

/// <summary>Registers webhook event handlers and the event store.</summary>
public static class CommetWebhookServiceCollectionExtensions
{
    /// <summary>Registers <typeparamref name="THandler"/> (scoped) for the events carrying <typeparamref name="TData"/>.</summary>
    /// <typeparam name="TData">The event's data type.</typeparam>
    /// <typeparam name="THandler">The handler.</typeparam>
    /// <param name="services">The services.</param>
    public static IServiceCollection AddCommetEventHandler<TData, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] THandler>(this IServiceCollection services)
        where TData : class
        where THandler : class, ICommetEventHandler<TData>
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddScoped<ICommetEventHandler<TData>, THandler>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ICommetEventDispatcher, CommetEventDispatcher<TData>>());
        return services;
    }
}
