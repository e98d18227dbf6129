using Commet.Domain;
using Commet.Server.Payments;
using Commet.Server.Subscriptions;

namespace Commet.Server.Transactions;

/// <summary>
/// Transaction verbs, one per file (Refund.cs, Retry.cs). Like every subscription operation, each locks the
/// subscription involved first and runs in one database transaction with its events.
/// </summary>
public sealed partial class TransactionOps(IPaymentProvider provider, SubscriptionOps subscriptions)
{
    public static Error NotFound(string id) =>
        Error.NotFound("transaction", $"No transaction with ID '{(id.Length <= 100 ? id : id[..100] + "…")}'.");
}
