using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Commet.Server.Persistence;

/// <summary>
/// Counts the database round trips of this server's HTTP requests: every command EF sends, every commit and rollback,
/// and the statements <see cref="Persistence"/> sends itself. One per server (a singleton), so the tests and the
/// benchmark pass can tell what one request costs; counting is one interlocked increment. Background work (the billing
/// engine, the webhook dispatcher, the email sender) polls on its own schedule and is not counted, or a measurement
/// would depend on when a poll happened to run.
/// </summary>
public sealed class RoundTripMeter
{
    private long count;

    public long Count => Interlocked.Read(ref count);

    private static readonly AsyncLocal<bool> InRequest = new();

    /// <summary>Marks the current flow (an HTTP request, from its first middleware on) as one whose round trips count.</summary>
    public static void CountThisRequest() => InRequest.Value = true;

    internal void Add()
    {
        if (InRequest.Value)
        {
            Interlocked.Increment(ref count);
        }
    }

    /// <summary>The meter of the server a context belongs to (null for a context built outside one, e.g. by dotnet ef).</summary>
    internal static RoundTripMeter? Of(DbContext db) =>
        db.GetService<IDbContextOptions>()
            .FindExtension<CoreOptionsExtension>()?.Interceptors?
            .OfType<RoundTripCounter>().FirstOrDefault()?.Meter;
}

/// <summary>Feeds <see cref="RoundTripMeter"/>: commands, commits and rollbacks, and savepoints made, released or rolled back to.</summary>
internal sealed class RoundTripCounter(RoundTripMeter meter) : DbCommandInterceptor, IDbTransactionInterceptor
{
    public RoundTripMeter Meter => meter;

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result) => Count(result);

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default) => ValueTask.FromResult(Count(result));

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result) => Count(result);

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<int> result, CancellationToken cancellationToken = default) => ValueTask.FromResult(Count(result));

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result) => Count(result);

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<object> result, CancellationToken cancellationToken = default) => ValueTask.FromResult(Count(result));

    public InterceptionResult TransactionCommitting(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result) => Count(result);

    public ValueTask<InterceptionResult> TransactionCommittingAsync(DbTransaction transaction, TransactionEventData eventData,
        InterceptionResult result, CancellationToken cancellationToken = default) => ValueTask.FromResult(Count(result));

    public InterceptionResult TransactionRollingBack(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result) => Count(result);

    public ValueTask<InterceptionResult> TransactionRollingBackAsync(DbTransaction transaction, TransactionEventData eventData,
        InterceptionResult result, CancellationToken cancellationToken = default) => ValueTask.FromResult(Count(result));

    public InterceptionResult CreatingSavepoint(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result) => Count(result);

    public ValueTask<InterceptionResult> CreatingSavepointAsync(DbTransaction transaction, TransactionEventData eventData,
        InterceptionResult result, CancellationToken cancellationToken = default) => ValueTask.FromResult(Count(result));

    public InterceptionResult ReleasingSavepoint(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result) => Count(result);

    public ValueTask<InterceptionResult> ReleasingSavepointAsync(DbTransaction transaction, TransactionEventData eventData,
        InterceptionResult result, CancellationToken cancellationToken = default) => ValueTask.FromResult(Count(result));

    public InterceptionResult RollingBackToSavepoint(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result) => Count(result);

    public ValueTask<InterceptionResult> RollingBackToSavepointAsync(DbTransaction transaction, TransactionEventData eventData,
        InterceptionResult result, CancellationToken cancellationToken = default) => ValueTask.FromResult(Count(result));

    /// <summary>Counts one round trip and lets the operation go ahead unchanged.</summary>
    private T Count<T>(T result)
    {
        meter.Add();
        return result;
    }
}
