using Commet.Domain;

namespace Commet.Server.Http;

/// <summary>
/// Carries an <see cref="Domain.Error"/> out of places that cannot return one (parameter binding,
/// middleware). Handlers return errors as values instead.
/// </summary>
public sealed class ApiException(Error error) : Exception(error.Message)
{
    public Error Error { get; } = error;
}
