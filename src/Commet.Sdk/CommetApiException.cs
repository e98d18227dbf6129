using System.Net;

namespace Commet;

/// <summary>
/// The server answered with an error (a status of 400 or more). Carries the error envelope's fields:
/// <see cref="Code"/> (what to switch on, such as <c>customer_not_found</c>), <see cref="ErrorType"/>
/// (its group, such as <c>validation_error</c>), <see cref="Param"/>, every field error and the request ID
/// to quote to the operator.
/// </summary>
public class CommetApiException : Exception
{
    /// <summary>Makes an empty exception.</summary>
    public CommetApiException()
        : this("The Commet API answered with an error.")
    {
    }

    /// <summary>Makes an exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public CommetApiException(string message)
        : base(message)
    {
        Code = "unknown";
        ErrorType = "api_error";
        FieldErrors = [];
    }

    /// <summary>Makes an exception with a message and the exception that caused it.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public CommetApiException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = "unknown";
        ErrorType = "api_error";
        FieldErrors = [];
    }

    /// <summary>Makes an exception from an error answer.</summary>
    /// <param name="status">The HTTP status.</param>
    /// <param name="code">The error code.</param>
    /// <param name="errorType">The error type.</param>
    /// <param name="message">The server's message.</param>
    /// <param name="param">The request field the error is about, if any.</param>
    /// <param name="requestId">The <c>x-request-id</c> of the answer.</param>
    /// <param name="fieldErrors">Every field error of a <c>validation_error</c>.</param>
    /// <param name="docUrl">Where the error code is documented.</param>
    /// <param name="details">The envelope's <c>details</c>, as sent.</param>
    public CommetApiException(HttpStatusCode status, string code, string errorType, string message, string? param, string? requestId,
        IReadOnlyList<CommetFieldError> fieldErrors, string? docUrl = null, System.Text.Json.JsonElement? details = null)
        : base(message)
    {
        Status = status;
        Code = code;
        ErrorType = errorType;
        Param = param;
        RequestId = requestId;
        FieldErrors = fieldErrors;
        DocUrl = docUrl;
        Details = details;
    }

    /// <summary>The HTTP status of the answer.</summary>
    public HttpStatusCode Status { get; }

    /// <summary>The machine-readable code: <c>validation_error</c>, <c>customer_not_found</c>, <c>insufficient_credits</c>, …</summary>
    public string Code { get; }

    /// <summary>The group of the code: <c>validation_error</c>, <c>authentication_error</c>, <c>invalid_request_error</c>, …</summary>
    public string ErrorType { get; }

    /// <summary>The request field the error is about, when it is about one.</summary>
    public string? Param { get; }

    /// <summary>The <c>x-request-id</c> the server gave the request; its log lines carry the same ID.</summary>
    public string? RequestId { get; }

    /// <summary>Every failing field of a <c>validation_error</c> (empty for other errors).</summary>
    public IReadOnlyList<CommetFieldError> FieldErrors { get; }

    /// <summary>Where the error code is documented, when the server says.</summary>
    public string? DocUrl { get; }

    /// <summary>How long a 429 answer asked to wait (<c>Retry-After</c>), when it said.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>The envelope's <c>details</c> as sent (field errors, or the figures behind a refusal such as <c>insufficient_credits</c>).</summary>
    public System.Text.Json.JsonElement? Details { get; }
}

/// <summary>One failing field of a <c>validation_error</c>.</summary>
/// <param name="Field">The field's name as sent, such as <c>email</c> or <c>customers[2].email</c>.</param>
/// <param name="Message">What is wrong with it.</param>
public sealed record CommetFieldError(string Field, string Message);
