using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Commet.AspNetCore;

/// <summary>Small JSON answers in the API's error envelope, written without reflection.</summary>
internal static class JsonAnswers
{
    public static async Task ErrorAsync(HttpContext context, int status, string code, string message, string? requestId = null)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await using var json = new Utf8JsonWriter(context.Response.Body);
        json.WriteStartObject();
        json.WriteBoolean("success", false);
        json.WriteStartObject("error");
        json.WriteString("code", code);
        json.WriteString("message", message);
        if (requestId is not null)
        {
            json.WriteString("requestId", requestId);
        }
        json.WriteEndObject();
        json.WriteEndObject();
        await json.FlushAsync(context.RequestAborted);
    }

    public static async Task ReceivedAsync(HttpContext context, string eventId, bool duplicate)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json; charset=utf-8";
        await using var json = new Utf8JsonWriter(context.Response.Body);
        json.WriteStartObject();
        json.WriteBoolean("received", true);
        json.WriteString("id", eventId);
        json.WriteBoolean("duplicate", duplicate);
        json.WriteEndObject();
        await json.FlushAsync(context.RequestAborted);
    }
}
