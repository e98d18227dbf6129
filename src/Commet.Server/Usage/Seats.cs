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

public sealed class SeatsRequest
{
    public string? CustomerId { get; set; }
    public string? FeatureCode { get; set; }
    public long? Count { get; set; }
}

public sealed class BulkSeatsRequest
{
    public string? CustomerId { get; set; }
    public Dictionary<string, long>? Seats { get; set; }
}

public sealed record SeatChange(SeatEvent Event, Invoice? Invoice);

/// <summary>Adds, removes or sets a seats feature's count (an addition is charged pro rata for the rest of the period).</summary>
public sealed class ChangeSeats(PaymentService payments)
{
    public const long MaxSeats = 1_000_000;

    public enum SeatVerb
    {
        Add,
        Remove,
        Set,
    }

    public async Task<Result<SeatChange>> HandleAsync(BillingScope scope, SeatsRequest r, SeatVerb verb, CancellationToken ct)
    {
        var check = new Check().Required("customerId", r.CustomerId).Required("featureCode", r.FeatureCode, 100);
        if (r.Count is null || r.Count < (verb == SeatVerb.Set ? 0 : 1) || r.Count > MaxSeats)
        {
            check.Add("count", verb == SeatVerb.Set ? "count must be between 0 and 1000000." : "count must be between 1 and 1000000.");
        }
        if (check.Failed)
        {
            return check.ToError();
        }
        return await scope.Db.InTransactionAsync<SeatChange>(async () =>
        {
            var found = await Consumption.LiveAsync(scope.Db, r.CustomerId!, ct);
            if (!found.IsSuccess)
            {
                return found.Error;
            }
            var s = await scope.Db.LockSubscriptionAsync(found.Value.Subscription.Id, ct);
            return await ApplyAsync(scope, s!, found.Value.Plan, r.FeatureCode!, verb, r.Count!.Value, ct);
        }, ct);
    }

    /// <summary>
    /// Adding seats charges the new ones beyond what the period already paid for, pro rata for the rest of the
    /// period; removing takes effect for billing at the period end, with no refund.
    /// </summary>
    internal async Task<Result<SeatChange>> ApplyAsync(BillingScope scope, Subscription s, Plan plan, string featureCode, SeatVerb verb, long count, CancellationToken ct)
    {
        var pf = plan.Features.FirstOrDefault(f => f.Feature?.Code == featureCode);
        if (pf?.Feature is null)
        {
            return Error.Forbidden("feature_not_in_plan", $"The customer's plan does not include '{featureCode}'.");
        }
        if (pf.Feature.Type != FeatureTypes.Seats)
        {
            return Error.Invalid("invalid_feature_type", $"'{featureCode}' is not a seats feature.", "featureCode");
        }
        var balance = await scope.Db.SeatBalances.FirstOrDefaultAsync(b => b.SubscriptionId == s.Id && b.FeatureId == pf.FeatureId, ct);
        if (balance is null)
        {
            balance = new SeatBalance { SubscriptionId = s.Id, FeatureId = pf.FeatureId, PaidThrough = 0 };
            scope.Db.SeatBalances.Add(balance);
        }
        var previous = balance.Current;
        var next = verb switch
        {
            SeatVerb.Add => previous + count,
            SeatVerb.Remove => previous - count,
            _ => count,
        };
        if (next < 0)
        {
            return new Error("insufficient_seats", $"Cannot remove {count} seats: only {previous} are in use.", 422, "invalid_request_error", "count");
        }
        if (next > MaxSeats)
        {
            return Error.Validation("count", "At most 1000000 seats.");
        }
        // The plan's included seats plus those of the add-ons active in this allowance window.
        var included = (await AddonAllowances.ForWindowAsync(scope, s, scope.Now, ct)).IncludedAt(pf, s, scope.Now);
        if (!pf.Unlimited && !pf.OverageEnabled && next > included)
        {
            return new Error("seat_limit_exceeded", $"The plan includes {included} seats and allows no more.", 422, "invalid_request_error", "count");
        }

        Invoice? invoice = null;
        var covered = Math.Max(balance.PaidThrough, included);
        var chargeable = Math.Max(0, next - covered);
        if (chargeable > 0 && s.Status == SubscriptionStatus.Active && !s.IsFree && !pf.Unlimited && pf.OverageUnitPrice > 0)
        {
            var currency = Currency.Of(s.Currency);
            var full = Money.FromRate(pf.BilledOverage(s.Currency), chargeable, currency);
            var (amount, remaining, total) = Proration.RestOfPeriod(full, s.CurrentPeriodStart, s.CurrentPeriodEnd, scope.Now);
            if (amount.MinorUnits > 0)
            {
                var method = await PaymentService.DefaultMethodAsync(scope.Db, s.CustomerId, ct);
                if (method is null)
                {
                    return Error.Invalid("no_payment_method", "The customer has no payment method on file.");
                }
                invoice = await InvoiceBuilder.NewAsync(scope, s.CustomerId, s.Id, InvoiceTypes.Adjustment, s.Currency, scope.Now, s.CurrentPeriodEnd,
                    $"seats:{s.Id}:{pf.FeatureId}:{EventRecorder.Iso(scope.Now)}:{next}", plan.Name, ct);
                invoice.AddLine(new InvoiceLine
                {
                    LineType = LineTypes.FeatureSeats,
                    FeatureName = pf.Feature.Name,
                    Description = $"{chargeable} × {pf.Feature.Name} ({remaining} of {total} days)",
                    Quantity = chargeable,
                    UnitAmount = pf.BilledOverage(s.Currency),
                    UnitAmountIsRate = true,
                    Amount = amount.MinorUnits,
                    ChargeType = "advance",
                });
                InvoiceBuilder.RecordCreated(scope, invoice);
                var outcome = await payments.ChargeInvoiceAsync(scope.Db, scope.Tenant, invoice, $"{invoice.Id}:charge", scope.Now, ct, method);
                if (!outcome.Succeeded)
                {
                    return SubscriptionErrors.PaymentFailed(outcome, null);
                }
            }
        }
        balance.Current = next;
        balance.PaidThrough = Math.Max(balance.PaidThrough, next);
        balance.UpdatedAt = scope.Now;
        var evt = new SeatEvent
        {
            Id = Ids.New("seat"),
            OrganizationId = scope.Tenant.OrganizationId,
            Livemode = scope.Tenant.Livemode,
            CustomerId = s.CustomerId,
            SubscriptionId = s.Id,
            FeatureCode = featureCode,
            PreviousBalance = previous,
            NewBalance = next,
            Ts = scope.Now,
            CreatedAt = scope.Now,
        };
        scope.Db.SeatEvents.Add(evt);
        EventRecorder.Record(scope.Db, scope.Tenant, new SeatsUpdatedData(s.CustomerId, s.Id, featureCode, previous, next), scope.Now, s.Id, s.CustomerId);
        if (!pf.Unlimited && previous < included && next >= included)
        {
            // Once per crossing: only a move from below the included seats to at or above them.
            EventRecorder.Record(scope.Db, scope.Tenant, new SeatsLimitReachedData(s.CustomerId, s.Id, featureCode, next, included), scope.Now, s.Id, s.CustomerId);
        }
        return new SeatChange(evt, invoice);
    }

    public static async Task<Dictionary<string, long>> CountsAsync(Persistence.CommetDb db, string subscriptionId, CancellationToken ct) =>
        await db.SeatBalances.AsNoTracking().Where(b => b.SubscriptionId == subscriptionId).ToDictionaryAsync(b => b.FeatureId, b => b.Current, ct);
}
