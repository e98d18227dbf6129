using System.Reflection;
using Commet.Domain;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;

namespace Commet.Server.Http;

/// <summary>
/// Typed answers of the API. Each one writes exactly what <see cref="Api"/> writes (same envelope, same JSON options)
/// and declares its own status and body type, so a route whose lambda returns
/// <c>Results&lt;ApiOk&lt;T&gt;, ApiProblem&gt;</c> is described in the OpenAPI document by what it really answers.
/// </summary>
public static class Answer
{
    public static ApiOk<T> Ok<T>(T data) => new(data);

    public static ApiCreated<T> Created<T>(T data) => new(data);

    public static ApiPage<T> Page<T>(Page<T> page) => new(page);

    public static ApiPage<T> List<T>(IReadOnlyList<T> items) => new(new Page<T>(items, false, null));

    public static ApiProblem Problem(Error error) => new(error);

    /// <summary>A 404 error; any other status is a programming error (the route would declare the wrong answer).</summary>
    public static ApiNotFound NotFound(Error error) => new(error);

    /// <summary>A 422 error; any other status is a programming error (the route would declare the wrong answer).</summary>
    public static ApiInvalid Invalid(Error error) => new(error);

    /// <summary>The value's answer, or the error in the envelope.</summary>
    public static Results<TOk, ApiProblem> From<T, TOk>(Result<T> result, Func<T, TOk> answer)
        where TOk : IResult =>
        result.IsSuccess ? answer(result.Value) : Problem(result.Error);

    /// <summary>The value's answer (one of two successes, e.g. 201 and 200), or the error in the envelope.</summary>
    public static Results<TOk1, TOk2, ApiProblem> From<T, TOk1, TOk2>(Result<T> result, Func<T, Results<TOk1, TOk2>> answer)
        where TOk1 : IResult
        where TOk2 : IResult
    {
        if (!result.IsSuccess)
        {
            return Problem(result.Error);
        }
        return answer(result.Value).Result switch
        {
            TOk1 first => first,
            TOk2 second => second,
            var other => throw new InvalidOperationException($"Unexpected answer {other.GetType().Name}."),
        };
    }

    internal static void Declare(EndpointBuilder builder, int status, Type body) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(status, body, ["application/json"]));
}

/// <summary>200 with <c>{"success":true,"data":…}</c>.</summary>
public sealed class ApiOk<T>(T data) : IResult, IEndpointMetadataProvider, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<T>
{
    public T Value => data;

    object? IValueHttpResult.Value => data;

    public int StatusCode => StatusCodes.Status200OK;

    int? IStatusCodeHttpResult.StatusCode => StatusCode;

    public Task ExecuteAsync(HttpContext httpContext) => Api.Ok(data).ExecuteAsync(httpContext);

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        Answer.Declare(builder, StatusCodes.Status200OK, typeof(ApiEnvelope<T>));
}

/// <summary>201 with <c>{"success":true,"data":…}</c>.</summary>
public sealed class ApiCreated<T>(T data) : IResult, IEndpointMetadataProvider, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<T>
{
    public T Value => data;

    object? IValueHttpResult.Value => data;

    public int StatusCode => StatusCodes.Status201Created;

    int? IStatusCodeHttpResult.StatusCode => StatusCode;

    public Task ExecuteAsync(HttpContext httpContext) => Api.Created(data).ExecuteAsync(httpContext);

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        Answer.Declare(builder, StatusCodes.Status201Created, typeof(ApiEnvelope<T>));
}

/// <summary>200 with a page: <c>{"success":true,"data":[…],"hasMore":…,"nextCursor":…}</c>.</summary>
public sealed class ApiPage<T>(Page<T> page) : IResult, IEndpointMetadataProvider, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<Page<T>>
{
    public Page<T> Value => page;

    object? IValueHttpResult.Value => page;

    public int StatusCode => StatusCodes.Status200OK;

    int? IStatusCodeHttpResult.StatusCode => StatusCode;

    public Task ExecuteAsync(HttpContext httpContext) => Api.Page(page).ExecuteAsync(httpContext);

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        Answer.Declare(builder, StatusCodes.Status200OK, typeof(ApiListEnvelope<T>));
}

/// <summary>
/// Any expected failure of a billing call, in the error envelope. It declares the statuses domain errors carry:
/// 400 (unreadable body), 402 (payment, credits or balance), 403, 404, 409 and 422. (401 is declared once for every
/// <c>/api/v1</c> route: the API key is checked before any route runs.)
/// </summary>
public sealed class ApiProblem(Error error) : IResult, IEndpointMetadataProvider, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<Error>
{
    private static readonly int[] Statuses = [400, 402, 403, 404, 409, 422];

    public Error Value => error;

    object? IValueHttpResult.Value => error;

    public int StatusCode => error.Status;

    int? IStatusCodeHttpResult.StatusCode => StatusCode;

    public Task ExecuteAsync(HttpContext httpContext) => Api.Error(error).ExecuteAsync(httpContext);

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        foreach (var status in Statuses)
        {
            Answer.Declare(builder, status, typeof(ApiErrorEnvelope));
        }
    }
}

/// <summary>404 in the error envelope: a lookup that found nothing.</summary>
public sealed class ApiNotFound : IResult, IEndpointMetadataProvider, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<Error>
{
    public ApiNotFound(Error error)
    {
        if (error.Status != StatusCodes.Status404NotFound)
        {
            throw new ArgumentException($"{error.Code} is a {error.Status}, not a 404.", nameof(error));
        }
        Value = error;
    }

    public Error Value { get; }

    object? IValueHttpResult.Value => Value;

    public int StatusCode => StatusCodes.Status404NotFound;

    int? IStatusCodeHttpResult.StatusCode => StatusCode;

    public Task ExecuteAsync(HttpContext httpContext) => Api.Error(Value).ExecuteAsync(httpContext);

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        Answer.Declare(builder, StatusCodes.Status404NotFound, typeof(ApiErrorEnvelope));
}

/// <summary>422 in the error envelope: a query parameter that failed its checks.</summary>
public sealed class ApiInvalid : IResult, IEndpointMetadataProvider, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<Error>
{
    public ApiInvalid(Error error)
    {
        if (error.Status != StatusCodes.Status422UnprocessableEntity)
        {
            throw new ArgumentException($"{error.Code} is a {error.Status}, not a 422.", nameof(error));
        }
        Value = error;
    }

    public Error Value { get; }

    object? IValueHttpResult.Value => Value;

    public int StatusCode => StatusCodes.Status422UnprocessableEntity;

    int? IStatusCodeHttpResult.StatusCode => StatusCode;

    public Task ExecuteAsync(HttpContext httpContext) => Api.Error(Value).ExecuteAsync(httpContext);

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        Answer.Declare(builder, StatusCodes.Status422UnprocessableEntity, typeof(ApiErrorEnvelope));
}
