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

public sealed class PurchaseCreditsRequest
{
    public string? CreditPackId { get; set; }
}

/// <summary>Buys a credit pack.</summary>
public sealed class PurchaseCredits(PurchaseCharges charges)
{
    /// <summary>A credit pack: charged now on a <c>credit_purchase</c> invoice; the credits never expire.</summary>
    public async Task<Result<Purchase>> HandleAsync(BillingScope scope, string subscriptionId, string? creditPackId, CancellationToken ct)
    {
        // Required() also refuses control characters (PostgreSQL cannot compare text holding a NUL).
        if (new Check().Required("creditPackId", creditPackId, 255) is { Failed: true } check)
        {
            return check.ToError();
        }
        return await scope.Db.InTransactionAsync<Purchase>(async () =>
        {
            var (s, plan, error) = await PurchaseCharges.PurchasableAsync(scope, subscriptionId, ct);
            if (error is not null)
            {
                return error;
            }
            if (plan!.ConsumptionModel != ConsumptionModels.Credits)
            {
                return Error.Invalid("credits_not_available", "Credit packs are for plans that use credits.");
            }
            var pack = await scope.Db.CreditPacks.FirstOrDefaultAsync(p => (p.Id == creditPackId) && p.DeletedAt == null && p.IsActive, ct);
            if (pack is null)
            {
                return Error.NotFound("credit_pack", $"No active credit pack with ID '{creditPackId}'.");
            }
            var account = await Consumption.AccountAsync(scope, s!, plan, AccountKinds.Credits, ct);
            if (InputLimits.CheckAccountRoom("creditPackId", account, pack.Credits) is { } full)
            {
                return full;
            }
            // Packs are priced in USD: charged in the subscription's currency at its plan's rate for it.
            if (RegionalPricing.Convert(pack.Price, plan, s!.PlanPriceId, s.Currency) is not { } price)
            {
                return Subscriptions.SubscriptionErrors.MissingRegionalPrice(
                    $"Credit packs are priced in USD and the plan has no {s.Currency} exchange rate to convert them; set one with PUT /plans/{{id}}/regional.");
            }
            var charged = await charges.ChargeAsync(scope, s!, plan, InvoiceTypes.CreditPurchase, price, $"{pack.Name} ({pack.Credits:N0} credits)", $"credits:{s!.Id}:{pack.Id}", ct);
            if (!charged.IsSuccess)
            {
                return charged.Error;
            }
            var (invoice, repeat) = charged.Value;
            if (!repeat)
            {
                Consumption.Entry(scope, s, account, Buckets.Purchased, pack.Credits, "purchase", invoice.Id);
                EventRecorder.Record(scope.Db, scope.Tenant, new CreditsPurchasedData(s.Id, s.CustomerId, invoice.Id, invoice.Number, pack.Name, pack.Credits),
                    scope.Now, s.Id, s.CustomerId);
            }
            return new Purchase(invoice, pack.Credits, account);
        }, ct, PurchaseCharges.RepeatedKey);
    }
}
