namespace Commet.Server.Events;

// The `details` of coded errors that carry more than a message. Api.Json writes them in camelCase, as the anonymous
// objects they replace were written, so the wire is unchanged; readers (the portal) match on the type instead of
// looking properties up by name.

/// <summary><c>payment_failed</c>: the provider's reason and, when there is one, where the customer can fix it.</summary>
public sealed record PaymentFailedDetails(string? FailureCode, string? RecoveryUrl);

/// <summary><c>insufficient_credits</c>: what the use needs and what is left, in whole credits.</summary>
public sealed record InsufficientCreditsDetails(long Required, long PlanCredits, long PurchasedCredits, long TotalCredits);

/// <summary><c>insufficient_balance</c>: what the use needs and what is left, in rate scale (10000 = 1.00).</summary>
public sealed record InsufficientBalanceDetails(long Required, long CurrentBalance, string Currency);

/// <summary><c>included_limit_reached</c>: the plan's included amount and the usage so far.</summary>
public sealed record IncludedLimitReachedDetails(long Included, decimal Current);
