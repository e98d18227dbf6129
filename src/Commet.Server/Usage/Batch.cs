using Commet.Domain;
using Commet.Server.Billing;
using Commet.Server.Persistence;
using Commet.Server.Subscriptions;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Usage;

public sealed class TrackBatchRequest
{
    public List<TrackRequest>? Events { get; set; }
}

public sealed record BatchItemResult(int Index, bool Success, Tracked? Tracked, Error? Error);

public sealed partial class ConsumptionOps
{
    /// <summary>
    /// Up to 100 events in one transaction: each is checked and applied on its own (a refused event changes
    /// nothing and does not stop the others), and every subscription involved is locked once.
    /// </summary>
    public async Task<Result<IReadOnlyList<BatchItemResult>>> TrackBatchAsync(BillingScope scope, TrackBatchRequest r, CancellationToken ct)
    {
        if (r.Events is null || r.Events.Count == 0)
        {
            return Error.Validation("events", "events must be a non-empty array.");
        }
        if (r.Events.Count > MaxBatch)
        {
            return Error.Validation("events", $"events may hold at most {MaxBatch} items.");
        }
        var results = new BatchItemResult[r.Events.Count];
        var keys = r.Events.Select(e => e?.IdempotencyKey).OfType<string>().Distinct().ToList();
        var seen = keys.Count == 0 ? [] : await scope.Db.UsageEvents.AsNoTracking().Where(e => keys.Contains(e.IdempotencyKey!)).ToDictionaryAsync(e => e.IdempotencyKey!, ct);

        var applied = await scope.Db.InTransactionAsync<bool>(async () =>
        {
            var session = new TrackSession(scope);
            await PrepareAsync(session, r.Events
                .Where(e => e is not null && !Validate(e, "", scope.Now).Failed && (e.IdempotencyKey is null || !seen.ContainsKey(e.IdempotencyKey)))
                .ToList(), ct);
            for (var i = 0; i < r.Events.Count; i++)
            {
                var item = r.Events[i] ?? new TrackRequest();
                var check = Validate(item, "", scope.Now);
                if (check.Failed)
                {
                    results[i] = new BatchItemResult(i, false, null, check.ToError());
                    continue;
                }
                if (item.IdempotencyKey is not null && seen.TryGetValue(item.IdempotencyKey, out var earlier))
                {
                    results[i] = new BatchItemResult(i, true, new Tracked(earlier, true), null);
                    continue;
                }
                var one = await ApplyAsync(session, item, ct);
                results[i] = one.IsSuccess ? new BatchItemResult(i, true, one.Value, null) : new BatchItemResult(i, false, null, one.Error);
            }
            return true;
        }, ct, onConflict: Error.Conflict("duplicate_event", "A concurrent request recorded one of these idempotency keys."));

        if (!applied.IsSuccess)
        {
            // A key taken by a concurrent request: apply the events one by one, each deduplicated on its own.
            for (var i = 0; i < r.Events.Count; i++)
            {
                if (results[i] is { Success: false, Error: not null } failed && failed.Error.Code == "validation_error")
                {
                    continue;
                }
                var one = await TrackAsync(scope, r.Events[i], ct);
                results[i] = one.IsSuccess ? new BatchItemResult(i, true, one.Value, null) : new BatchItemResult(i, false, null, one.Error);
            }
        }
        return results;
    }
}
