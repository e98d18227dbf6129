using Commet.Internal;
using Commet.Models;

namespace Commet.Resources;

/// <summary>Your own prices per AI model, for features with <c>ai_model</c> pricing: <c>/ai-model-rates</c> (a server addition).</summary>
public class AiModelRatesClient
{
    private static readonly CommetJsonContext J = CommetJsonContext.Default;
    private readonly Pipeline pipeline;

    /// <summary>For mocking.</summary>
    protected AiModelRatesClient() => pipeline = null!;

    internal AiModelRatesClient(Pipeline pipeline) => this.pipeline = pipeline;

    /// <summary>Every AI model price in effect: your own, then the server's built-in table (with the date it was taken).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<AiModelRateList> ListAsync(CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Get, "/ai-model-rates", null, null, J.AiModelRateList, cancellationToken);

    /// <summary>Sets your own price of a model in one currency (it replaces the built-in price).</summary>
    /// <param name="request">The model and its rates.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<AiModelRate> SetAsync(SetAiModelRateRequest request, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Put, "/ai-model-rates", null, Body.Of(request, J.SetAiModelRateRequest), J.AiModelRate, cancellationToken);

    /// <summary>Removes your own price of a model: the built-in price applies again. Answers the price removed.</summary>
    /// <param name="model">The model, as set.</param>
    /// <param name="currency">The currency (default USD).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<AiModelRate> DeleteAsync(string model, string? currency = null, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Delete, "/ai-model-rates", new Query().Add("model", model).Add("currency", currency), null, J.AiModelRate, cancellationToken);
}
