using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Net;
using Commet.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Commet.Server.Tests;

/// <summary>One log entry as written, with the scopes open at the time.</summary>
public sealed record LogEntry(LogLevel Level, string Category, string Message, Exception? Exception, ImmutableList<object> Scopes)
{
    public override string ToString() => $"{Level} {Category}: {Message} {Exception}";
}

/// <summary>Keeps every log entry with its scopes.</summary>
public sealed class RecordingLoggerProvider : ILoggerProvider
{
    private readonly AsyncLocal<ImmutableList<object>> scopes = new();

    public ConcurrentQueue<LogEntry> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(RecordingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
        {
            var before = owner.scopes.Value ?? [];
            owner.scopes.Value = before.Add(state);
            return new Pop(() => owner.scopes.Value = before);
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Entries.Enqueue(new LogEntry(logLevel, category, formatter(state, exception), exception, owner.scopes.Value ?? []));
    }

    private sealed class Pop(Action action) : IDisposable
    {
        public void Dispose() => action();
    }
}

public sealed class RecordedLogsSqliteServer : SqliteServer
{
    public RecordingLoggerProvider Logs { get; } = new();

    protected override void AdjustSettings(IDictionary<string, string?> settings) => settings["Logging:LogLevel:Default"] = "Debug";

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<ILoggerProvider>(Logs);
}

public sealed class RecordedLogsPostgresServer : PostgresServer
{
    public RecordingLoggerProvider Logs { get; } = new();

    protected override void AdjustSettings(IDictionary<string, string?> settings) => settings["Logging:LogLevel:Default"] = "Debug";

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<ILoggerProvider>(Logs);
}

public sealed class LogSqliteTests(RecordedLogsSqliteServer server) : LogTests(server, server.Logs), IClassFixture<RecordedLogsSqliteServer>;

public sealed class LogPostgresTests(RecordedLogsPostgresServer server) : LogTests(server, server.Logs), IClassFixture<RecordedLogsPostgresServer>;

public abstract class LogTests(ServerFixture server, RecordingLoggerProvider logs)
{
    [Fact]
    public async Task IdempotencyKeyRaces_SettledByTheUniqueIndex_AreNotErrorLogsWithStackTraces()
    {
        var t = await server.NewTenantAsync();
        var seen = logs.Entries.Count;

        // A repeat with the same key can only be answered (replayed, or "in progress") after the database refused
        // its insert on the unique index: each of these is a handled conflict.
        var conflicts = 0;
        for (var i = 0; i < 10; i++)
        {
            var key = "race-" + i + "-" + Guid.NewGuid().ToString("N");
            var body = new { id = $"race_{i}", email = $"race{i}@example.com" };
            var both = await Task.WhenAll(t.Api.PostJson("/api/v1/customers", body, key), t.Api.PostJson("/api/v1/customers", body, key));
            var repeat = await t.Api.PostJson("/api/v1/customers", body, key);
            Assert.Equal(HttpStatusCode.Created, repeat.Status);
            Assert.Equal("true", repeat.Headers.GetValues("Idempotent-Replayed").Single());
            conflicts += 1 + both.Count(a => a.Headers.Contains("Idempotent-Replayed") || a.ErrorCode == "idempotency_in_progress");
        }
        Assert.True(conflicts >= 10);

        var bad = logs.Entries.Skip(seen).Where(e => e.Level >= LogLevel.Warning || (e.Exception is not null && e.Level >= LogLevel.Information)).ToList();
        Assert.True(bad.Count == 0, string.Join("\n", bad));
    }

    [Fact]
    public async Task LogEntriesWrittenDuringARequest_CarryItsRequestId()
    {
        var t = await server.NewTenantAsync();
        var answer = await t.Api.GetJson("/api/v1/customers?limit=1");
        var requestId = answer.Headers.GetValues("x-request-id").Single();

        var entries = logs.Entries.Where(e => e.Scopes.OfType<IEnumerable<KeyValuePair<string, object>>>()
            .Any(s => s.Any(kv => kv.Key == "RequestId" && (string)kv.Value == requestId))).ToList();
        Assert.Contains(entries, e => e.Category.EndsWith("RequestEnvelopeMiddleware", StringComparison.Ordinal) && e.Message.Contains("answered 200", StringComparison.Ordinal));
    }
}
