using Commet.Server.Http;
using Commet.Server.Persistence;

namespace Commet.Server.Infrastructure;

/// <summary>
/// <c>/readyz</c>: 200 "ready" when the database answers, otherwise 503 "database unreachable" with <c>Retry-After</c>,
/// within a few seconds either way (a load balancer's probe must not hang on a database that does not answer).
/// </summary>
public static class ReadyProbe
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public static async Task<IResult> AnswerAsync(HttpContext http, CommetDb db, CancellationToken ct)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(Timeout);
        bool ready;
        try
        {
            ready = await db.Database.CanConnectAsync(limit.Token);
        }
        catch (Exception ex) when (DbErrors.IsUnavailable(ex) || (ex is OperationCanceledException && !ct.IsCancellationRequested))
        {
            ready = false;
        }
        if (ready)
        {
            return Results.Text("ready");
        }
        http.Response.Headers.RetryAfter = ApiErrors.DatabaseRetryAfterSeconds;
        return Results.Text("database unreachable", statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}
