using System.Diagnostics.CodeAnalysis;

namespace Commet.Domain;

/// <summary>A field that failed validation.</summary>
public sealed record FieldError(string Field, string Message);

/// <summary>
/// An expected failure: a coded value that the API maps to its error envelope in one place.
/// <see cref="Status"/> is the HTTP status the wire contract gives the code.
/// </summary>
public sealed record Error(string Code, string Message, int Status, string Type, string? Param = null, object? Details = null)
{
    public static Error Validation(IReadOnlyList<FieldError> fields) =>
        new("validation_error", fields.Count == 1 ? fields[0].Message : "The request has invalid fields.", 422,
            "validation_error", fields.Count > 0 ? fields[0].Field : null, fields);

    public static Error Validation(string field, string message) => Validation([new FieldError(field, message)]);

    public static Error NotFound(string thing, string message) => new($"{thing}_not_found", message, 404, "invalid_request_error");

    public static Error Conflict(string code, string message, string? param = null) => new(code, message, 409, "conflict_error", param);

    public static Error Invalid(string code, string message, string? param = null) => new(code, message, 422, "invalid_request_error", param);

    public static Error Forbidden(string code, string message) => new(code, message, 403, "permission_error");
}

/// <summary>Either a value or an <see cref="Error"/>.</summary>
public readonly struct Result<T>
{
    private readonly T? value;

    private Result(T? value, Error? error)
    {
        this.value = value;
        Error = error;
    }

    public Error? Error { get; }

    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsSuccess => Error is null;

    public T Value => Error is null ? value! : throw new InvalidOperationException($"Result is an error: {Error.Code}");

    public static implicit operator Result<T>(T value) => new(value, null);

    public static implicit operator Result<T>(Error error) => new(default, error);
}
