using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Domain.Usage;
using Commet.Server.Billing;
using Commet.Server.Catalog;
using Commet.Server.Http;
using Commet.Server.Payments;
using Commet.Server.Persistence;
using Commet.Server.Subscriptions;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Usage;

public sealed class TopupRequest
{
    public long? Amount { get; set; }
}

/// <summary>Tops up a balance.</summary>
public sealed class TopupBalance(PurchaseCharges charges)
{
    /// <summary>A balance top-up of <paramref name="amount"/> minor units: charged now on a <c>balance_topup</c> invoice.</summary>
    public async Task<Result<Purchase>> HandleAsync(BillingScope scope, string subscriptionId, long? amount, CancellationToken ct, long minimum = PurchaseCharges.DefaultTopupMinimum, long maximum = PurchaseCharges.DefaultTopupMaximum)
    {
        if (amount is null || amount < minimum || amount > maximum)
        {
            return Error.Validation("amount", $"amount must be between {minimum} and {maximum} (minor units of the currency).");
        }
        return await scope.Db.InTransactionAsync<Purchase>(async () =>
        {
            var (s, plan, error) = await PurchaseCharges.PurchasableAsync(scope, subscriptionId, ct);
            if (error is not null)
            {
                return error;
            }
            if (plan!.ConsumptionModel != ConsumptionModels.Balance)
            {
                return Error.Invalid("balance_not_available", "Top-ups are for plans that use a balance.");
            }
            var currency = Currency.Of(s!.Currency);
            var account = await Consumption.AccountAsync(scope, s, plan, AccountKinds.Balance, ct);
            if (InputLimits.CheckAccountRoom("amount", account, Consumption.RateOfMinor(amount.Value, currency)) is { } full)
            {
                return full;
            }
            var charged = await charges.ChargeAsync(scope, s, plan, InvoiceTypes.BalanceTopup, amount.Value, $"Balance top-up {new Money(amount.Value, currency).Format()}",
                $"topup:{s.Id}:{amount.Value}", ct);
            if (!charged.IsSuccess)
            {
                return charged.Error;
            }
            var (invoice, repeat) = charged.Value;
            if (!repeat)
            {
                Consumption.Entry(scope, s, account, Buckets.Purchased, Consumption.RateOfMinor(amount.Value, currency), "topup", invoice.Id);
                LowBalanceAlerts.Refilled(account);
                EventRecorder.Record(scope.Db, scope.Tenant, new BalanceToppedUpData(s.Id, s.CustomerId, invoice.Id, invoice.Number, Consumption.RateOfMinor(amount.Value, currency), s.Currency),
                    scope.Now, s.Id, s.CustomerId);
            }
            return new Purchase(invoice, amount.Value, account);
        }, ct, PurchaseCharges.RepeatedKey);
    }
}
