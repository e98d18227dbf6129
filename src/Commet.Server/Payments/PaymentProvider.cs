using Commet.Domain;
using Commet.Domain.Billing;

namespace Commet.Server.Payments;

/// <summary>Card details as typed on a hosted page. They go to the provider and are never stored.</summary>
public sealed record CardInput(string Number, int ExpMonth, int ExpYear, string? Cvc);

/// <summary>What may be kept of a card: brand, last 4, expiry, a fingerprint, and the provider's handle.</summary>
public sealed record AttachedCard(string Reference, string Brand, string Last4, int ExpMonth, int ExpYear, string Fingerprint);

public sealed record ChargeOutcome(bool Succeeded, string? FailureCode, string? FailureMessage, string? ProviderChargeId)
{
    public static ChargeOutcome Success(string chargeId) => new(true, null, null, chargeId);

    public static ChargeOutcome Failure(string code, string message) => new(false, code, message, null);
}

/// <summary>
/// A payment provider. Calls carry an idempotency key (the transaction's attempt key), so a retried call after
/// a crash cannot charge twice on the provider's side either.
/// </summary>
public interface IPaymentProvider
{
    string Name { get; }

    Result<AttachedCard> Attach(CardInput card, bool livemode, DateTime now);

    Task<ChargeOutcome> ChargeAsync(PaymentMethod method, Money amount, string idempotencyKey, bool livemode, DateTime now, CancellationToken ct);

    Task<bool> RefundAsync(PaymentTransaction transaction, CancellationToken ct);
}
