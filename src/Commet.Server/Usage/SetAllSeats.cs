using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Domain.Usage;
using Commet.Server.Billing;
using Commet.Server.Http;
using Commet.Server.Payments;
using Commet.Server.Persistence;
using Commet.Server.Subscriptions;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Usage;

/// <summary>Sets the counts of several seats features at once, in one transaction.</summary>
public sealed class SetAllSeats(ChangeSeats seats)
{
    public async Task<Result<IReadOnlyList<SeatChange>>> HandleAsync(BillingScope scope, BulkSeatsRequest r, CancellationToken ct)
    {
        var check = new Check().Required("customerId", r.CustomerId);
        if (r.Seats is null || r.Seats.Count == 0 || r.Seats.Count > 100)
        {
            check.Add("seats", "seats must map 1 to 100 feature codes to counts.");
        }
        else if (r.Seats.Values.Any(v => v < 0 || v > ChangeSeats.MaxSeats))
        {
            check.Add("seats", "Seat counts must be between 0 and 1000000.");
        }
        if (check.Failed)
        {
            return check.ToError();
        }
        return await scope.Db.InTransactionAsync<IReadOnlyList<SeatChange>>(async () =>
        {
            var found = await Consumption.LiveAsync(scope.Db, r.CustomerId!, ct);
            if (!found.IsSuccess)
            {
                return found.Error;
            }
            var s = await scope.Db.LockSubscriptionAsync(found.Value.Subscription.Id, ct);
            var changes = new List<SeatChange>();
            foreach (var (code, count) in r.Seats!.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                var one = await seats.ApplyAsync(scope, s!, found.Value.Plan, code, ChangeSeats.SeatVerb.Set, count, ct);
                if (!one.IsSuccess)
                {
                    return one.Error;
                }
                changes.Add(one.Value);
            }
            return changes;
        }, ct);
    }
}
