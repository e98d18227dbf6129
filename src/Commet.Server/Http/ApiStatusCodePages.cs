using Microsoft.AspNetCore.Diagnostics;

namespace Commet.Server.Http;

/// <summary>Empty 404/405 answers from routing become the error envelope on <c>/api</c> paths.</summary>
public static class ApiStatusCodePages
{
    public static Task WriteAsync(StatusCodeContext context)
    {
        var http = context.HttpContext;
        if (!http.Request.Path.StartsWithSegments("/api"))
        {
            return Task.CompletedTask;
        }
        var error = http.Response.StatusCode switch
        {
            404 => ApiErrors.RouteNotFound,
            405 => ApiErrors.MethodNotAllowed,
            _ => null,
        };
        return error is null ? Task.CompletedTask : Api.WriteErrorAsync(http, error);
    }
}
