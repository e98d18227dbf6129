using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using MimeKit;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;
using Commet.Server.Tests.Infrastructure;

namespace Commet.Server.Tests.Emails;

/// <summary>
/// A real SMTP server on loopback (the SmtpServer package), started once for the test run and shared by the email
/// fixtures; each test tells its messages apart by the recipient's address, which is unique per test.
/// </summary>
public sealed class SmtpSink
{
    private static readonly Lazy<SmtpSink> Instance = new(() => new SmtpSink());

    private readonly ConcurrentQueue<MimeMessage> received = new();
    private TaskCompletionSource arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static SmtpSink Shared => Instance.Value;

    public int Port { get; }

    private SmtpSink()
    {
        // A free port: bind to 0, note the port, let it go, and have the SMTP server take it.
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var options = new SmtpServerOptionsBuilder().ServerName("localhost")
            .Endpoint(e => e.Endpoint(new IPEndPoint(IPAddress.Loopback, Port)).IsSecure(false))
            .Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new Store(this));
        var server = new SmtpServer.SmtpServer(options, services);
        _ = server.StartAsync(CancellationToken.None);
        // Ready when it accepts a connection.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, Port);
                break;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                Thread.Yield();
            }
        }
    }

    /// <summary>The server settings that send through this sink, and a sender that looks often.</summary>
    public static void Configure(IDictionary<string, string?> settings)
    {
        settings["Commet:Smtp:Host"] = "127.0.0.1";
        settings["Commet:Smtp:Port"] = Shared.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Commet:Smtp:From"] = "billing@commet.test";
        settings["Commet:Smtp:UseTls"] = "false";
        settings["Commet:Email:PollMilliseconds"] = "100";
        settings["Commet:Email:LinkRequestsPerIpPerHour"] = "100000";
    }

    public IReadOnlyList<MimeMessage> To(string address) =>
        received.Where(m => m.To.Mailboxes.Any(b => string.Equals(b.Address, address, StringComparison.OrdinalIgnoreCase))).ToList();

    /// <summary>Waits until a message to <paramref name="address"/> matches, or fails the test after <paramref name="seconds"/>.</summary>
    public async Task<MimeMessage> WaitForAsync(string address, Func<MimeMessage, bool>? match = null, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var signal = Volatile.Read(ref arrived).Task;
            var found = To(address).FirstOrDefault(m => match?.Invoke(m) ?? true);
            if (found is not null)
            {
                return found;
            }
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new Xunit.Sdk.XunitException($"No email to {address} arrived within {seconds} s (received: {received.Count}).");
            }
            try
            {
                await signal.WaitAsync(left);
            }
            catch (TimeoutException)
            {
                // Looked once more above, then fails.
            }
        }
    }

    private sealed class Store(SmtpSink sink) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer,
            CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            sink.received.Enqueue(await MimeMessage.LoadAsync(stream, cancellationToken));
            // Wake every waiter: each looks for its own address.
            Interlocked.Exchange(ref sink.arrived, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
            return SmtpResponse.Ok;
        }
    }
}

/// <summary>SQLite, sending through <see cref="SmtpSink"/>.</summary>
public sealed class SmtpSqliteServer : SqliteServer
{
    protected override void AdjustSettings(IDictionary<string, string?> settings) => SmtpSink.Configure(settings);
}

/// <summary>PostgreSQL, sending through <see cref="SmtpSink"/>.</summary>
public sealed class SmtpPostgresServer : PostgresServer
{
    protected override void AdjustSettings(IDictionary<string, string?> settings) => SmtpSink.Configure(settings);
}
