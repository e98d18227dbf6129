using Microsoft.Extensions.DependencyInjection;

namespace Commet;

/// <summary>Registers <see cref="CommetClient"/> with dependency injection.</summary>
public static class CommetServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="CommetClient"/> as a typed client of <c>IHttpClientFactory</c> (pooled handlers, your
    /// handlers and logging apply). Returns the <see cref="IHttpClientBuilder"/> to add handlers to.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="apiKey">The API key.</param>
    /// <param name="configure">Sets the options (BaseUrl, Timeout, MaxRetries, …).</param>
    public static IHttpClientBuilder AddCommetClient(this IServiceCollection services, string apiKey, Action<CommetClientOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(apiKey);
        return services.AddCommetClient((_, settings) =>
        {
            settings.ApiKey = apiKey;
            configure?.Invoke(settings.Options);
        });
    }

    /// <summary>
    /// Registers <see cref="CommetClient"/> as a typed client of <c>IHttpClientFactory</c>, with settings read from
    /// other services (configuration, secrets) when the client is first made.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the key and the options.</param>
    public static IHttpClientBuilder AddCommetClient(this IServiceCollection services, Action<IServiceProvider, CommetClientSettings> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddSingleton(sp =>
        {
            var settings = new CommetClientSettings();
            configure(sp, settings);
            if (string.IsNullOrWhiteSpace(settings.ApiKey))
            {
                throw new InvalidOperationException("AddCommetClient: no API key was set.");
            }
            return settings;
        });
        return services.AddHttpClient<CommetClient>(http => http.Timeout = System.Threading.Timeout.InfiniteTimeSpan)
            .AddTypedClient((http, sp) =>
            {
                var settings = sp.GetRequiredService<CommetClientSettings>();
                return new CommetClient(settings.ApiKey, settings.Options, http);
            });
    }
}

/// <summary>What <see cref="CommetServiceCollectionExtensions.AddCommetClient(IServiceCollection, Action{IServiceProvider, CommetClientSettings})"/> configures.</summary>
public sealed class CommetClientSettings
{
    /// <summary>The API key.</summary>
    public string ApiKey { get; set; } = "";

    /// <summary>The client's options.</summary>
    public CommetClientOptions Options { get; } = new();
}
