using System.Text.Json;
using Commet.Internal;
using Commet.Models;

namespace Commet.Resources;

/// <summary>Seats: <c>/seats</c>.</summary>
public class SeatsClient
{
    private static readonly CommetJsonContext J = CommetJsonContext.Default;
    private readonly Pipeline pipeline;

    /// <summary>For mocking.</summary>
    protected SeatsClient() => pipeline = null!;

    internal SeatsClient(Pipeline pipeline) => this.pipeline = pipeline;

    private Task<SeatEvent> ChangeAsync(HttpMethod method, string customerId, string featureCode, long count, CancellationToken ct) =>
        pipeline.SendAsync(method, "/seats", null, Body.Of(new SeatsBody { CustomerId = customerId, FeatureCode = featureCode, Count = count }, J.SeatsBody), J.SeatEvent, ct);

    /// <summary>Adds seats; the rest of the period is charged pro rata.</summary>
    /// <param name="customerId">The customer.</param>
    /// <param name="featureCode">The seat feature's code.</param>
    /// <param name="count">How many.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<SeatEvent> AddAsync(string customerId, string featureCode, long count = 1, CancellationToken cancellationToken = default) =>
        ChangeAsync(HttpMethod.Post, customerId, featureCode, count, cancellationToken);

    /// <summary>Sets seats to an exact count.</summary>
    /// <param name="customerId">The customer.</param>
    /// <param name="featureCode">The seat feature's code.</param>
    /// <param name="count">The count.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<SeatEvent> SetAsync(string customerId, string featureCode, long count, CancellationToken cancellationToken = default) =>
        ChangeAsync(HttpMethod.Put, customerId, featureCode, count, cancellationToken);

    /// <summary>Removes seats; billing drops at the period end.</summary>
    /// <param name="customerId">The customer.</param>
    /// <param name="featureCode">The seat feature's code.</param>
    /// <param name="count">How many.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<SeatEvent> RemoveAsync(string customerId, string featureCode, long count = 1, CancellationToken cancellationToken = default) =>
        ChangeAsync(HttpMethod.Delete, customerId, featureCode, count, cancellationToken);

    /// <summary>Sets every seat type at once.</summary>
    /// <param name="customerId">The customer.</param>
    /// <param name="seats">Counts by seat feature code.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual async Task<IReadOnlyList<SeatEvent>> SetAllAsync(string customerId, IDictionary<string, long> seats, CancellationToken cancellationToken = default) =>
        await pipeline.SendAsync(HttpMethod.Put, "/seats/bulk", null, Body.Of(new BulkSeatsBody { CustomerId = customerId, Seats = seats }, J.BulkSeatsBody),
            J.ListSeatEvent, cancellationToken).ConfigureAwait(false);

    /// <summary>Seats in use for one seat type.</summary>
    /// <param name="customerId">The customer.</param>
    /// <param name="featureCode">The seat feature's code.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<SeatBalance> GetBalanceAsync(string customerId, string featureCode, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Get, "/seats/balance", new Query().Add("customerId", customerId).Add("featureCode", featureCode), null, J.SeatBalance, cancellationToken);

    /// <summary>Seats in use for every seat type of the customer's plan, by feature code.</summary>
    /// <param name="customerId">The customer.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual async Task<IReadOnlyDictionary<string, SeatBalance>> GetAllBalancesAsync(string customerId, CancellationToken cancellationToken = default)
    {
        var data = await pipeline.SendAsync(HttpMethod.Get, "/seats/balances", new Query().Add("customerId", customerId), null, J.JsonElement, cancellationToken)
            .ConfigureAwait(false);
        var result = new Dictionary<string, SeatBalance>(StringComparer.Ordinal);
        if (data.ValueKind != JsonValueKind.Object)
        {
            return result;
        }
        var livemode = data.TryGetProperty("livemode", out var l) && l.ValueKind == JsonValueKind.True;
        foreach (var property in data.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.Object)
            {
                var balance = property.Value.Deserialize(J.SeatBalance)!;
                result[property.Name] = new SeatBalance { Current = balance.Current, Included = balance.Included, AsOf = balance.AsOf, Livemode = livemode };
            }
        }
        return result;
    }
}
