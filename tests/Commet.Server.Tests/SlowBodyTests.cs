using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Commet.Server.Tests.Infrastructure;

namespace Commet.Server.Tests;

public sealed class SlowBodySqliteTests(SqliteServer server) : SlowBodyTests(server), IClassFixture<SqliteServer>;

public sealed class SlowBodyPostgresTests(PostgresServer server) : SlowBodyTests(server), IClassFixture<PostgresServer>;

/// <summary>
/// The body half of slowloris, with the default limits: a client that sends its headers at once and then drips the
/// body a byte at a time is cut off by the minimum body data rate (240 bytes/s after a 5 s grace,
/// <c>Commet:Limits:MinRequestBodyBytesPerSecond</c>), well before the 30 s request timeout would stop it.
/// </summary>
public abstract class SlowBodyTests(ServerFixture server)
{
    [Fact]
    public async Task AClientDrippingItsBody_IsCutOffByTheMinimumDataRate()
    {
        var t = await server.NewTenantAsync();
        using var slow = new TcpClient();
        await slow.ConnectAsync(server.BaseAddress.Host, server.BaseAddress.Port);
        var stream = slow.GetStream();
        var started = Stopwatch.StartNew();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"POST /api/v1/customers HTTP/1.1\r\nHost: localhost\r\nx-api-key: {t.SandboxKey}\r\n"
            + "Content-Type: application/json\r\nContent-Length: 10000\r\n\r\n{\"id\":\"drip\",\"email\":\"drip@example.com\",\"metadata\":{\"a\":\""));

        // One byte every 200 ms (5 bytes/s), for up to 40 s: the body would take half an hour to arrive.
        var reading = LimitsTests.ReadAnswerAsync(stream, TimeSpan.FromSeconds(40));
        var cutOff = false;
        for (var i = 0; i < 200 && !reading.IsCompleted; i++)
        {
            try
            {
                await stream.WriteAsync("a"u8.ToArray());
            }
            catch (IOException)
            {
                cutOff = true;
                break;
            }
            await Task.WhenAny(reading, Task.Delay(200));
        }
        var raw = await reading;
        var elapsed = started.Elapsed;
        Assert.True(cutOff || reading.IsCompleted, "the connection stayed open");
        // The rate is checked once the 5 s grace is over (on Kestrel's once-a-second heartbeat); the request timeout
        // (30 s, a 504) must not be what stopped it.
        Assert.True(elapsed < TimeSpan.FromSeconds(20), $"cut off only after {elapsed}");
        Assert.True(raw.Length == 0 || raw.StartsWith("HTTP/1.1 408", StringComparison.Ordinal), raw);
        if (raw.Length > 0)
        {
            Assert.Contains("\"request_timeout\"", raw); // in the envelope
        }
    }
}
