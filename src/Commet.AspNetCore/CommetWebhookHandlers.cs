using Commet.Webhooks;
using Microsoft.AspNetCore.Http;

namespace Commet.AspNetCore;

public sealed partial class CommetWebhookHandlers
{
    private readonly List<Func<WebhookEvent, HttpContext, Task>> handlers = [];

    /// <summary>The endpoint's signing secret (<c>whsec_…</c>). Required.</summary>
    public string Secret { get; set; } = "";

    /// <summary>How far a Standard Webhooks timestamp may be from now (default five minutes).</summary>
    public TimeSpan Tolerance { get; set; } = CommetWebhooks.DefaultTolerance;

    internal IReadOnlyList<Func<WebhookEvent, HttpContext, Task>> All => handlers;

    /// <summary>Runs <paramref name="handler"/> for every event whose data is <typeparamref name="TData"/>.</summary>
    /// <typeparam name="TData">The data type.</typeparam>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers On<TData>(Func<WebhookEvent<TData>, HttpContext, Task> handler)
        where TData : class
    {
        ArgumentNullException.ThrowIfNull(handler);
        handlers.Add((e, context) => e is WebhookEvent<TData> typed ? handler(typed, context) : Task.CompletedTask);
        return this;
    }

    /// <summary>Runs <paramref name="handler"/> for every event whose data is <typeparamref name="TData"/>.</summary>
    /// <typeparam name="TData">The data type.</typeparam>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers On<TData>(Func<WebhookEvent<TData>, Task> handler)
        where TData : class
    {
        ArgumentNullException.ThrowIfNull(handler);
        return On<TData>((e, _) => handler(e));
    }

    /// <summary>Runs <paramref name="handler"/> for every event (also those without a typed data class).</summary>
    /// <param name="handler">The handler.</param>
    public CommetWebhookHandlers OnAny(Func<WebhookEvent, HttpContext, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        handlers.Add(handler);
        return this;
    }
}
