using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Persistence;

/// <summary>
/// Something built once per database provider. A compiled query keeps the first translation EF makes, and one process
/// (the tests) may serve SQLite and PostgreSQL side by side, so each provider gets its own.
/// </summary>
public sealed class PerProvider<T>(Func<T> make)
{
    private readonly T sqlite = make();
    private readonly T postgres = make();

    public T For(CommetDb db) => db.IsPostgres ? postgres : sqlite;
}

/// <summary>A compiled single-result query, once per database provider (see <see cref="PerProvider{T}"/>).</summary>
public sealed class Compiled<TArg, TResult>(Expression<Func<CommetDb, TArg, CancellationToken, TResult>> query)
{
    private readonly PerProvider<Func<CommetDb, TArg, CancellationToken, Task<TResult>>> compiled = new(() => EF.CompileAsyncQuery(query));

    public Task<TResult> Invoke(CommetDb db, TArg arg, CancellationToken ct) => compiled.For(db)(db, arg, ct);
}
