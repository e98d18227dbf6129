using System.Diagnostics;
using System.Security.Cryptography;
using Commet.Domain;
using Commet.Server.Organizations;
using Commet.Server.Persistence;

namespace Commet.Server.Http;

/// <summary>
/// Gives every response an <c>x-request-id</c>, turns anything thrown into the error envelope (never a stack
/// trace), and writes one access-log line without headers or bodies (so no keys or personal data).
/// </summary>
public sealed class RequestEnvelopeMiddleware(RequestDelegate next, ILogger<RequestEnvelopeMiddleware> logger)
{
    /// <summary>Path segments long enough to be tokens (portal links, hosted pages, PDF links) never reach the log.</summary>
    public static string RedactedPath(string? path) =>
        path is null ? "" : string.Join('/', path.Split('/').Select(segment => segment.Length > 40 ? "[redacted]" : segment));

    public async Task InvokeAsync(HttpContext context)
    {
        RoundTripMeter.CountThisRequest();
        var requestId = "req_" + RandomNumberGenerator.GetHexString(24, lowercase: true);
        context.TraceIdentifier = requestId;
        context.Response.Headers["x-request-id"] = requestId;
        // Some answers are written after the headers were reset (the dashboard's sign-in challenge, for one): put the
        // request ID back on whatever goes out, so every answer of the application can be traced in the log.
        context.Response.OnStarting(static state =>
        {
            var (response, id) = ((HttpResponse, string))state;
            response.Headers.TryAdd("x-request-id", id);
            return Task.CompletedTask;
        }, (context.Response, requestId));
        var started = Stopwatch.GetTimestamp();
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["RequestId"] = requestId });
        try
        {
            if (await OversizedBody.RefusedAsync(context))
            {
                return;
            }
            await next(context);
        }
        catch (ApiException ex) when (!context.Response.HasStarted)
        {
            await Api.WriteErrorAsync(context, ex.Error);
        }
        catch (BadHttpRequestException ex) when (!context.Response.HasStarted)
        {
            var error = ex.StatusCode switch
            {
                StatusCodes.Status413PayloadTooLarge => ApiErrors.PayloadTooLarge,
                StatusCodes.Status408RequestTimeout => Limits.ClientTooSlow,
                _ => ApiErrors.InvalidJson,
            };
            await Api.WriteErrorAsync(context, error);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nobody is listening for an answer.
        }
        catch (OperationCanceledException) when (context.Response.HasStarted)
        {
            // The request timeout (or the server shutting down) stopped an answer that had begun: its status is sent, so
            // the one signal left to the client is a cut connection. Expected under load, so a warning without a stack.
            logger.LogWarning("{Method} {Path} was stopped after its answer had started (request timeout or shutdown)",
                context.Request.Method, RedactedPath(context.Request.Path.Value));
            context.Abort();
        }
        catch (Microsoft.EntityFrameworkCore.DbUpdateConcurrencyException) when (!context.Response.HasStarted)
        {
            // The row the request read was deleted by another request before this one wrote (two deletes of one
            // plan group at once, say): for this request the object no longer exists.
            await Api.WriteErrorAsync(context, ApiErrors.DeletedMeanwhile);
        }
        catch (Exception ex) when (!context.Response.HasStarted && DbErrors.IsConcurrencyAbort(ex))
        {
            // The database chose this request as a deadlock's victim (or could not serialize it): it was rolled back whole.
            logger.LogWarning("{Method} {Path} was rolled back by the database for a concurrent request: {Error}", context.Request.Method,
                RedactedPath(context.Request.Path.Value), ex.GetBaseException().Message);
            context.Response.Clear();
            context.Response.Headers.RetryAfter = ApiErrors.ConcurrentRetryAfterSeconds;
            await Api.WriteErrorAsync(context, ApiErrors.ConcurrentUpdate);
        }
        catch (Exception ex) when (!context.Response.HasStarted && DbErrors.IsUnavailable(ex))
        {
            // The database is down or restarting: nothing was committed, the client should come back shortly.
            logger.LogWarning("Database unavailable on {Method} {Path}: {Error}", context.Request.Method, RedactedPath(context.Request.Path.Value), ex.GetBaseException().Message);
            context.Response.Clear();
            context.Response.Headers.RetryAfter = ApiErrors.DatabaseRetryAfterSeconds;
            await Api.WriteErrorAsync(context, ApiErrors.DatabaseUnavailable);
        }
        catch (Exception ex) when (!context.Response.HasStarted)
        {
            logger.LogError(ex, "Unhandled error on {Method} {Path}", context.Request.Method, RedactedPath(context.Request.Path.Value));
            await Api.WriteErrorAsync(context, ApiErrors.Internal);
        }
        finally
        {
            var status = context.Response.StatusCode;
            var level = status >= 500 ? LogLevel.Warning : LogLevel.Debug;
            // Checked first: the path's redaction and the boxed arguments cost every request otherwise, logged or not.
            if (logger.IsEnabled(level))
            {
                var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                logger.Log(level, "{Method} {Path} answered {Status} in {ElapsedMs:F1} ms", context.Request.Method, RedactedPath(context.Request.Path.Value), status, elapsed);
            }
        }
    }
}

/// <summary>Resolves <c>x-api-key</c> for <c>/api</c> routes and scopes the request's database context to the key's organization and mode.</summary>
public sealed class ApiKeyMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context, ApiKeyService keys, ApiCaller caller)
    {
        if (!context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase))
        {
            await next(context);
            return;
        }
        var header = context.Request.Headers["x-api-key"].ToString();
        if (header.Length == 0 && context.Request.Headers.Authorization.ToString() is { } auth
            && auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            header = auth[7..].Trim();
        }
        var resolved = header.Length == 0 ? null : await keys.ResolveAsync(header, context.RequestAborted);
        if (resolved is null)
        {
            await Api.WriteErrorAsync(context, ApiErrors.Unauthorized);
            return;
        }
        caller.Set(resolved.Id, resolved.OrganizationId, resolved.Livemode);
        // No query value may hold a NUL character: no ID or code has one, and PostgreSQL cannot compare such text.
        foreach (var (name, values) in context.Request.Query)
        {
            if (name.Contains('\0', StringComparison.Ordinal) || values.Any(v => v?.Contains('\0', StringComparison.Ordinal) == true))
            {
                var field = name.Contains('\0', StringComparison.Ordinal) ? "query" : name;
                await Api.WriteErrorAsync(context, Error.Validation(field, $"{field} must not contain a NUL character."));
                return;
            }
        }
        // The request's context is taken from the pool here, for /api requests only (not for pages, probes or assets).
        context.RequestServices.GetRequiredService<CommetDb>().ScopeTo(resolved.OrganizationId, resolved.Livemode);
        await next(context);
    }
}

/// <summary>
/// <c>Idempotency-Key</c> on writes: the first request with a key runs and its answer is kept for 24 hours; a
/// repeat with the same body gets that answer again without the work being redone; a repeat with another body
/// is 409 <c>idempotency_key_mismatch</c>; a repeat while the first still runs is 409 <c>idempotency_in_progress</c>.
/// Server errors are not kept, so a retry after one runs again.
/// </summary>
public sealed class IdempotencyMiddleware(RequestDelegate next, TimeProvider clock)
{
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    public async Task InvokeAsync(HttpContext context, ApiCaller caller, Microsoft.EntityFrameworkCore.IDbContextFactory<CommetDb> dbFactory)
    {
        var method = context.Request.Method;
        var key = context.Request.Headers["Idempotency-Key"].ToString();
        if (!caller.IsAuthenticated || key.Length == 0 || HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method)
            || context.GetEndpoint()?.Metadata.GetMetadata<Portal.NoIdempotencyStorage>() is not null)
        {
            await next(context);
            return;
        }
        if (key.Length > 255)
        {
            await Api.WriteErrorAsync(context, Error.Validation("Idempotency-Key", "Idempotency-Key must be at most 255 characters."));
            return;
        }

        var body = await ReadBodyAsync(context);
        context.Request.Body = new MemoryStream(body, writable: false);
        if (context.GetEndpoint()?.Metadata.GetMetadata<BodyIdempotencyKey>() is not null && BodyIdempotencyKey.In(body))
        {
            // The body's own idempotencyKey already makes a repeat count once (answered as a duplicate), in the same
            // transaction as the work: the header's record would cost two more writes and add nothing.
            await next(context);
            return;
        }
        var hash = RequestHash(method, context.Request.Path + context.Request.QueryString.Value, body);

        var store = new IdempotencyStore(dbFactory, clock);
        var claim = await store.ClaimAsync(caller.OrganizationId, caller.Livemode, key, hash, context.RequestAborted);
        switch (claim.Outcome)
        {
            case ClaimOutcome.Mismatch:
                await Api.WriteErrorAsync(context, Error.Conflict("idempotency_key_mismatch",
                    "This Idempotency-Key was already used with a different request. Use a new key for a new request."));
                return;
            case ClaimOutcome.InProgress:
                await Api.WriteErrorAsync(context, Error.Conflict("idempotency_in_progress",
                    "A request with this Idempotency-Key is still being processed. Retry after it finishes."));
                return;
            case ClaimOutcome.Replay:
                context.Response.StatusCode = claim.Record!.StatusCode;
                context.Response.ContentType = "application/json; charset=utf-8";
                context.Response.Headers["Idempotent-Replayed"] = "true";
                await context.Response.Body.WriteAsync(claim.Record.ResponseBody ?? [], context.RequestAborted);
                return;
        }

        var original = context.Response.Body;
        using var captured = new MemoryStream();
        context.Response.Body = captured;
        var completed = false;
        try
        {
            await next(context);
            completed = true;
        }
        finally
        {
            context.Response.Body = original;
            var status = context.Response.StatusCode;
            if (completed && status < 500)
            {
                await store.CompleteAsync(caller.OrganizationId, caller.Livemode, key, status, captured.ToArray(), CancellationToken.None);
            }
            else
            {
                await store.ReleaseAsync(caller.OrganizationId, caller.Livemode, key, CancellationToken.None);
            }
            if (completed)
            {
                captured.Position = 0;
                await captured.CopyToAsync(original, context.RequestAborted);
            }
        }
    }

    private static async Task<byte[]> ReadBodyAsync(HttpContext context)
    {
        try
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
            return buffer.ToArray();
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw new ApiException(ApiErrors.PayloadTooLarge);
        }
    }

    private static string RequestHash(string method, string pathAndQuery, byte[] body)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(System.Text.Encoding.UTF8.GetBytes(method + " " + pathAndQuery + "\n"));
        sha.AppendData(body);
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}

/// <summary>
/// Marks a route whose body may carry its own <c>idempotencyKey</c> that the work itself deduplicates (a usage event):
/// when it does, the <c>Idempotency-Key</c> header is not stored as well (see <see cref="IdempotencyMiddleware"/>).
/// </summary>
public sealed class BodyIdempotencyKey
{
    /// <summary>True when the body is a JSON object with a non-empty top-level string <c>idempotencyKey</c>.</summary>
    public static bool In(byte[] body)
    {
        try
        {
            var reader = new System.Text.Json.Utf8JsonReader(body);
            if (!reader.Read() || reader.TokenType != System.Text.Json.JsonTokenType.StartObject)
            {
                return false;
            }
            while (reader.Read() && reader.TokenType == System.Text.Json.JsonTokenType.PropertyName)
            {
                var isKey = reader.ValueTextEquals("idempotencyKey"u8);
                reader.Read();
                if (isKey)
                {
                    return reader.TokenType == System.Text.Json.JsonTokenType.String && reader.ValueSpan.Length > 0;
                }
                reader.Skip();
            }
            return false;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }
}
