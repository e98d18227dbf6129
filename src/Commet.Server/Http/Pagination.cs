using System.Buffers.Text;
using System.Text;
using Commet.Domain;

namespace Commet.Server.Http;

/// <summary>One page of a list and the cursor for the next.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, bool HasMore, string? NextCursor)
{
    public Page<TOut> Map<TOut>(Func<T, TOut> map) => new(Items.Select(map).ToList(), HasMore, NextCursor);
}

/// <summary>
/// Cursor pagination over time-ordered IDs, newest first. The cursor is opaque to clients
/// (<c>cur_</c> + base64url of the last ID seen).
/// </summary>
public sealed record PageRequest(int Limit, string? AfterId)
{
    public const int DefaultLimit = 25;
    public const int MaxLimit = 100;

    public static Result<PageRequest> From(string? limit, string? cursor)
    {
        var size = DefaultLimit;
        if (!string.IsNullOrEmpty(limit) && (!int.TryParse(limit, out size) || size < 1 || size > MaxLimit))
        {
            return Error.Validation("limit", $"limit must be a whole number from 1 to {MaxLimit}.");
        }
        if (string.IsNullOrEmpty(cursor))
        {
            return new PageRequest(size, null);
        }
        var afterId = Decode(cursor);
        if (afterId is null)
        {
            return Error.Validation("cursor", "cursor is not a cursor this API returned.");
        }
        return new PageRequest(size, afterId);
    }

    public static string Encode(string id) => "cur_" + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(id));

    private static string? Decode(string cursor)
    {
        if (!cursor.StartsWith("cur_", StringComparison.Ordinal) || cursor.Length > 200)
        {
            return null;
        }
        try
        {
            var id = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor.AsSpan(4)));
            // No control characters: PostgreSQL cannot compare a text holding NUL, and no ID has one.
            return id.Contains('_', StringComparison.Ordinal) && !id.Any(char.IsControl) ? id : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}

public static class PaginationExtensions
{
    /// <summary>Reads one page, newest first, from a query over rows with time-ordered IDs.</summary>
    public static async Task<Page<T>> ToPageAsync<T>(this IQueryable<T> query, PageRequest page, CancellationToken ct)
        where T : class, ITenantOwned
    {
        if (page.AfterId is not null)
        {
            var after = page.AfterId;
            query = query.Where(x => string.Compare(x.Id, after) < 0);
        }
        var rows = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(
            query.OrderByDescending(x => x.Id).Take(page.Limit + 1), ct);
        var hasMore = rows.Count > page.Limit;
        if (hasMore)
        {
            rows.RemoveAt(rows.Count - 1);
        }
        return new Page<T>(rows, hasMore, hasMore ? PageRequest.Encode(rows[^1].Id) : null);
    }
}
