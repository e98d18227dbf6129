namespace Commet;

/// <summary>Settings of a <see cref="CommetClient"/>. Read once, when the client is made.</summary>
public sealed class CommetClientOptions
{
    /// <summary>The API version this client speaks, sent as the <c>commet-version</c> header.</summary>
    public const string DefaultApiVersion = "2026-07-11";

    /// <summary>Commet's hosted service, the default <see cref="BaseUrl"/>.</summary>
    public static readonly Uri HostedBaseUrl = new("https://commet.co");

    /// <summary>
    /// Where the server is: the origin, optionally with a path prefix, without <c>/api/v1</c>
    /// (for example <c>http://localhost:5080</c> for a self-hosted server). Defaults to <see cref="HostedBaseUrl"/>.
    /// </summary>
    public Uri BaseUrl { get; set; } = HostedBaseUrl;

    /// <summary>How long one attempt may take before it is abandoned (and retried). Default 30 seconds.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How many times a failed request is tried again (408, 429 with <c>Retry-After</c>, 5xx other than 501,
    /// time-outs and connection failures). Default 3; 0 turns retries off, and with them the automatic
    /// <c>Idempotency-Key</c>.
    /// </summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>The wait before the first retry; each later retry waits twice as long. Default 1 second.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between two attempts of the exponential back-off. Default 8 seconds.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(8);

    /// <summary>The longest <c>Retry-After</c> a 429 answer may ask for and still be retried. Default 30 seconds.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The API version sent as <c>commet-version</c>. Default <see cref="DefaultApiVersion"/>.</summary>
    public string ApiVersion { get; set; } = DefaultApiVersion;

    /// <summary>Text added to the <c>User-Agent</c> header, such as your application's name and version.</summary>
    public string? ApplicationId { get; set; }

    internal CommetClientOptions Copy() => (CommetClientOptions)MemberwiseClone();
}
