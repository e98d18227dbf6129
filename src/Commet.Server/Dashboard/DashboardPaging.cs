using Commet.Domain;
using Commet.Server.Http;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Dashboard;

/// <summary>A page of a dashboard list, newest first, with the cursors of the older page and of the newer one (null at either end).</summary>
public sealed record DashboardPage<T>(IReadOnlyList<T> Items, string? OlderCursor, string? NewerCursor);

/// <summary>
/// Pages a dashboard list both ways with the API's opaque cursors over time-ordered IDs: <c>cursor</c> reads the page
/// older than the row it names (the API's pagination), <c>before</c> the page newer than it, so "Newer" goes back
/// exactly one page. Rows are never skipped or shown twice while the list does not change, and new rows only appear
/// at the newest end.
/// </summary>
public static class DashboardPaging
{
    /// <summary>Whether both cursors (each optional) are cursors the API made.</summary>
    public static bool Valid(string? cursor, string? before) =>
        (string.IsNullOrEmpty(cursor) || PageRequest.From(null, cursor).IsSuccess) && (string.IsNullOrEmpty(before) || PageRequest.From(null, before).IsSuccess);

    public static async Task<DashboardPage<T>> ReadAsync<T>(IQueryable<T> query, int size, string? cursor, string? before, CancellationToken ct)
        where T : class, ITenantOwned
    {
        if (!string.IsNullOrEmpty(before) && PageRequest.From(null, before) is { IsSuccess: true } newer)
        {
            // The rows just newer than the cursor's, read oldest first and turned round.
            var id = newer.Value.AfterId!;
            var rows = await query.Where(x => string.Compare(x.Id, id) > 0).OrderBy(x => x.Id).Take(size + 1).ToListAsync(ct);
            var more = rows.Count > size;
            var items = rows.Take(size).Reverse().ToList();
            // The cursor's own row is older than all of these, so there is always an older page.
            return new DashboardPage<T>(items, items.Count > 0 ? PageRequest.Encode(items[^1].Id) : before, more ? PageRequest.Encode(items[0].Id) : null);
        }
        var request = PageRequest.From(size.ToString(System.Globalization.CultureInfo.InvariantCulture), cursor);
        var page = await query.ToPageAsync(request.IsSuccess ? request.Value : new PageRequest(size, null), ct);
        var newerCursor = request.IsSuccess && request.Value.AfterId is not null && page.Items.Count > 0 ? PageRequest.Encode(page.Items[0].Id) : null;
        return new DashboardPage<T>(page.Items, page.NextCursor, newerCursor);
    }
}
