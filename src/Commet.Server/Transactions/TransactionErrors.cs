using Commet.Domain;
using Commet.Server.Payments;
using Commet.Server.Subscriptions;

namespace Commet.Server.Transactions;

/// <summary>
/// What the transaction use cases (RefundTransaction, RetryTransaction) share. Like every subscription use case, each
/// locks the subscription involved first and runs in one database transaction with its events.
/// </summary>
public static class TransactionErrors
{
    public static Error NotFound(string id) =>
        Error.NotFound("transaction", $"No transaction with ID '{(id.Length <= 100 ? id : id[..100] + "…")}'.");
}
