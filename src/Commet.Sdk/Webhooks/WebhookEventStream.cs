using System.Runtime.CompilerServices;
using System.Text;

namespace Commet.Webhooks;

/// <summary>
/// An open stream of the sandbox's events as they happen (<c>GET /webhooks/listen</c>, a Commet for .NET addition), each
/// as the envelope a webhook endpoint would receive. Opened by <see cref="Resources.WebhooksClient.ListenAsync"/>: once it
/// is open, every event recorded from then on comes through. Dispose it to close the connection.
/// <code>
/// await using var stream = await commet.Webhooks.ListenAsync();
/// await foreach (var e in stream.ReadAllAsync(cancellationToken)) Console.WriteLine($"{e.Event} {e.Id}");
/// </code>
/// </summary>
public sealed class WebhookEventStream : IAsyncDisposable, IDisposable
{
    private readonly HttpResponseMessage? response;
    private readonly Stream body;
    private int reading;

    /// <summary>A stream over a server-sent-events body (for tests: a <see cref="MemoryStream"/> of <c>data:</c> lines).</summary>
    /// <param name="body">The body, read as UTF-8; disposed with this stream.</param>
    public WebhookEventStream(Stream body)
    {
        ArgumentNullException.ThrowIfNull(body);
        this.body = body;
    }

    internal WebhookEventStream(HttpResponseMessage response, Stream body)
        : this(body) => this.response = response;

    /// <summary>
    /// The events, in the order the server sends them, until the server ends the stream or <paramref name="cancellationToken"/>
    /// is canceled (which throws <see cref="OperationCanceledException"/>). Read it once.
    /// </summary>
    /// <param name="cancellationToken">Stops reading.</param>
    /// <exception cref="InvalidOperationException">The stream is already being read.</exception>
    public async IAsyncEnumerable<WebhookEvent> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref reading, 1) != 0)
        {
            throw new InvalidOperationException("A webhook event stream can be read once.");
        }
        using var reader = new StreamReader(body, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
        var data = new StringBuilder();
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (line.Length == 0)
            {
                // A blank line ends an event; comments (": heartbeat") alone make none.
                if (data.Length > 0)
                {
                    var payload = data.ToString();
                    data.Clear();
                    yield return CommetWebhooks.Parse(payload);
                }
                continue;
            }
            if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                // One space after the colon belongs to the syntax, not to the data.
                var value = line.Length > 5 && line[5] == ' ' ? line[6..] : line[5..];
                if (data.Length > 0)
                {
                    data.Append('\n');
                }
                data.Append(value);
            }
            // Other fields (id:, event:, retry:) and comments repeat what the envelope says.
        }
    }

    /// <summary>Closes the connection.</summary>
    public void Dispose()
    {
        body.Dispose();
        response?.Dispose();
    }

    /// <summary>Closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        await body.DisposeAsync().ConfigureAwait(false);
        response?.Dispose();
    }
}
