// Open-loop HTTP/1.1 load generator (docs/benchmarks.md, "Open loop at the target rate").
//
// Requests are scheduled at a fixed rate: request i is due at t_i = start + i / rate, whatever happened to the
// requests before it. Its latency is measured from t_i, not from when it was actually written to a socket, so a
// server stall counts against every request that should have been sent during it (the coordinated-omission
// correction that wrk2 makes). Closed-loop tools such as wrk wait for an answer before sending the next request
// on a connection, so during a stall they stop sending and record only one slow request per connection.
//
// Design, for a low CPU cost per request on a 2-core machine shared with the server:
//   - raw sockets, HTTP/1.1 keep-alive, a pool of connections, at most one request in flight per connection;
//   - one scheduler thread that sleeps with nanosleep until the next due time (timer slack set to 1 ns) and writes
//     the request on an idle connection; if every connection is busy the request waits in a queue and is written
//     by the first connection that frees up (its latency still counts from t_i);
//   - one receive loop per connection (async, completions inline on the socket engine's thread), a small
//     incremental response parser (Content-Length and chunked bodies), per-connection HdrHistograms merged at the end.
// Exit codes: 0 ok; 3 the achieved rate fell more than --tolerance short of the asked rate, or requests were still
// unanswered --timeout after the window (the percentiles are then NOT those of the target rate); 4 errors (a broken
// connection, an unreadable answer) or non-2xx answers; 2 bad arguments.
using System.Buffers.Text;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using HdrHistogram;

namespace Commet.Bench.OpenLoop;

internal static class Program
{
    private const string Usage = """
        usage: OpenLoop --url http://host:port/path --rate N [options]
          --rate N            requests per second (fixed schedule)
          --duration 15s      measured window        --warmup 3s   unrecorded lead-in on the same schedule
          --connections 64    connections (= most requests in flight; more wait in a queue, their wait counted)
          --method GET        --header "Name: value" (repeatable)   --body TEMPLATE
          --timeout 10s       how long to wait for answers after the window before counting them as timeouts
          --tolerance 0.02    fail (exit 3) when the achieved rate is more than this fraction short
          --label TEXT        echoed in the JSON
        Templates (path, header values, body): {seq} = the request's number (unique within the run, warm-up
        included), {seq%N} = that number modulo N. Prints a summary to stderr and one JSON object to stdout.
        """;

    public static int Main(string[] args)
    {
        Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
        Options o;
        try { o = Options.Parse(args); }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            Console.Error.WriteLine(Usage);
            return 2;
        }
        return new Run(o).Execute();
    }
}

internal sealed class Options
{
    public Uri Url = null!;
    public double Rate;
    public double Duration = 15, Warmup = 3, Timeout = 10, Tolerance = 0.02;
    public int Connections = 64;
    public string Method = "GET";
    public List<string> Headers = [];
    public string? Body;
    public string? Label;

    public static Options Parse(string[] args)
    {
        var o = new Options();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--url": o.Url = new Uri(Next()); break;
                case "--rate": o.Rate = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--duration": o.Duration = Seconds(Next()); break;
                case "--warmup": o.Warmup = Seconds(Next()); break;
                case "--timeout": o.Timeout = Seconds(Next()); break;
                case "--tolerance": o.Tolerance = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--connections": o.Connections = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--method": o.Method = Next().ToUpperInvariant(); break;
                case "--header": o.Headers.Add(Next()); break;
                case "--body": o.Body = Next(); break;
                case "--label": o.Label = Next(); break;
                default: throw new ArgumentException($"unknown argument {args[i]}");
            }
        }
        if (o.Url is null || o.Url.Scheme != "http") throw new ArgumentException("--url http://host:port/path is required (plain HTTP only)");
        if (!(o.Rate > 0)) throw new ArgumentException("--rate must be > 0");
        if (o.Connections < 1 || !(o.Duration > 0)) throw new ArgumentException("--connections and --duration must be > 0");
        return o;
    }

    private static double Seconds(string s)
    {
        double Num(string v) => double.Parse(v, CultureInfo.InvariantCulture);
        if (s.EndsWith("ms", StringComparison.Ordinal)) return Num(s[..^2]) / 1000;
        if (s.EndsWith('s')) return Num(s[..^1]);
        if (s.EndsWith('m')) return Num(s[..^1]) * 60;
        return Num(s);
    }
}

/// <summary>A request template compiled into literal byte runs and {seq} / {seq%N} tokens.</summary>
internal sealed class Template
{
    private readonly List<(byte[]? Literal, long Mod)> _parts = [];
    public bool IsConstant => _parts.TrueForAll(p => p.Literal is not null);

    public Template(string text)
    {
        var i = 0;
        var lit = new StringBuilder();
        while (i < text.Length)
        {
            if (text[i] == '{' && text.IndexOf('}', i) is var close and > 0 && text.AsSpan(i + 1).StartsWith("seq"))
            {
                var inner = text[(i + 1)..close];
                long mod = 0;
                if (inner == "seq") mod = 0;
                else if (inner.StartsWith("seq%", StringComparison.Ordinal) && long.TryParse(inner[4..], CultureInfo.InvariantCulture, out var m) && m > 0) mod = m;
                else { lit.Append(text[i]); i++; continue; }
                if (lit.Length > 0) { _parts.Add((Encoding.UTF8.GetBytes(lit.ToString()), 0)); lit.Clear(); }
                _parts.Add((null, mod));
                i = close + 1;
                continue;
            }
            lit.Append(text[i]);
            i++;
        }
        if (lit.Length > 0) _parts.Add((Encoding.UTF8.GetBytes(lit.ToString()), 0));
    }

    /// <summary>Writes the template for request <paramref name="seq"/>; returns the bytes written.</summary>
    public int Render(long seq, Span<byte> dest)
    {
        var n = 0;
        foreach (var (literal, mod) in _parts)
        {
            if (literal is not null) { literal.CopyTo(dest[n..]); n += literal.Length; continue; }
            var v = mod > 0 ? seq % mod : seq;
            if (!Utf8Formatter.TryFormat(v, dest[n..], out var w)) throw new InvalidOperationException("request buffer too small");
            n += w;
        }
        return n;
    }
}

/// <summary>Builds request bytes: the head (request line, Host, headers) and the body are templates.</summary>
internal sealed class RequestBuilder
{
    private readonly Template _head;
    private readonly Template? _body;
    private readonly byte[]? _constant;
    private readonly bool _needsLength;
    private static readonly byte[] ContentLength = "Content-Length: "u8.ToArray();

    public RequestBuilder(Options o)
    {
        _needsLength = o.Method is "POST" or "PUT" or "PATCH";
        var head = new StringBuilder();
        head.Append(o.Method).Append(' ').Append(o.Url.PathAndQuery).Append(" HTTP/1.1\r\n");
        head.Append("Host: ").Append(o.Url.Authority).Append("\r\n");
        foreach (var h in o.Headers) head.Append(h.Trim()).Append("\r\n");
        _head = new Template(head.ToString());
        _body = o.Body is null ? null : new Template(o.Body);
        if (_head.IsConstant && (_body is null || _body.IsConstant))
        {
            var buf = new byte[64 * 1024];
            _constant = buf.AsSpan(0, RenderSlow(0, buf)).ToArray();
        }
    }

    public int Render(long seq, byte[] buf) => _constant is not null ? Copy(buf) : RenderSlow(seq, buf);

    private int Copy(byte[] buf)
    {
        _constant!.CopyTo(buf, 0);
        return _constant.Length;
    }

    private int RenderSlow(long seq, byte[] buf)
    {
        var span = buf.AsSpan();
        var n = _head.Render(seq, span);
        if (_body is null)
        {
            if (_needsLength) { "Content-Length: 0\r\n"u8.CopyTo(span[n..]); n += 19; }
            "\r\n"u8.CopyTo(span[n..]);
            return n + 2;
        }
        // body first, at the end of the buffer, then the head with its length
        var scratch = span[(span.Length / 2)..];
        var bodyLength = _body.Render(seq, scratch);
        ContentLength.CopyTo(span[n..]); n += ContentLength.Length;
        Utf8Formatter.TryFormat(bodyLength, span[n..], out var w); n += w;
        "\r\n\r\n"u8.CopyTo(span[n..]); n += 4;
        scratch[..bodyLength].CopyTo(span[n..]);
        return n + bodyLength;
    }

}

/// <summary>Incremental HTTP/1.1 response parser: status, Content-Length or chunked body, no pipelining.</summary>
internal sealed class ResponseParser
{
    private enum State { Head, Body, ChunkSize, ChunkData, Trailer }
    private State _state = State.Head;
    private long _remaining;
    public int Status;
    public bool Close;

    public void Reset() { _state = State.Head; _remaining = 0; Status = 0; Close = false; }

    /// <summary>Consumes bytes from buf[pos..end]; returns true when a whole response has been read.</summary>
    /// <exception cref="InvalidDataException">the bytes are not an HTTP/1.1 response this parser understands</exception>
    public bool Advance(byte[] buf, ref int pos, int end)
    {
        while (true)
        {
            switch (_state)
            {
                case State.Head:
                {
                    var span = buf.AsSpan(pos, end - pos);
                    var at = span.IndexOf("\r\n\r\n"u8);
                    if (at < 0) return false;
                    ParseHead(span[..(at + 2)]);
                    pos += at + 4;
                    if (Status is (>= 100 and < 200) or 204 or 304) return Complete();
                    if (_state == State.Body && _remaining == 0) return Complete();
                    break;
                }
                case State.Body:
                {
                    var take = (int)Math.Min(_remaining, end - pos);
                    pos += take; _remaining -= take;
                    if (_remaining > 0) return false;
                    return Complete();
                }
                case State.ChunkSize:
                {
                    var span = buf.AsSpan(pos, end - pos);
                    var at = span.IndexOf("\r\n"u8);
                    if (at < 0) return false;
                    var line = span[..at];
                    var semi = line.IndexOf((byte)';');
                    if (semi >= 0) line = line[..semi];
                    if (!Utf8Parser.TryParse(line, out long size, out _, 'x')) throw new InvalidDataException("bad chunk size");
                    pos += at + 2;
                    if (size == 0) { _state = State.Trailer; break; }
                    _remaining = size + 2; // the data and its CRLF
                    _state = State.ChunkData;
                    break;
                }
                case State.ChunkData:
                {
                    var take = (int)Math.Min(_remaining, end - pos);
                    pos += take; _remaining -= take;
                    if (_remaining > 0) return false;
                    _state = State.ChunkSize;
                    break;
                }
                case State.Trailer:
                {
                    var span = buf.AsSpan(pos, end - pos);
                    var at = span.IndexOf("\r\n"u8);
                    if (at < 0) return false;
                    pos += at + 2;
                    if (at == 0) return Complete();
                    break;
                }
            }
        }
    }

    private bool Complete() { _state = State.Head; return true; }

    private void ParseHead(ReadOnlySpan<byte> head)
    {
        // "HTTP/1.1 200 OK\r\n"
        if (head.Length < 12 || !head.StartsWith("HTTP/1."u8) || !Utf8Parser.TryParse(head.Slice(9, 3), out int status, out _))
            throw new InvalidDataException("not an HTTP/1.x response");
        Status = status;
        long length = -1;
        var chunked = false;
        var lineEnd = head.IndexOf("\r\n"u8);
        var rest = head[(lineEnd + 2)..];
        while (rest.Length > 0)
        {
            var e = rest.IndexOf("\r\n"u8);
            var line = rest[..e];
            rest = rest[(e + 2)..];
            var colon = line.IndexOf((byte)':');
            if (colon < 0) continue;
            var name = line[..colon];
            var value = line[(colon + 1)..].Trim((byte)' ');
            if (name.Length == 14 && Ascii.EqualsIgnoreCase(name, "content-length"u8))
            {
                if (!Utf8Parser.TryParse(value, out length, out _)) throw new InvalidDataException("bad Content-Length");
            }
            else if (name.Length == 17 && Ascii.EqualsIgnoreCase(name, "transfer-encoding"u8))
                chunked = value.IndexOf("chunked"u8) >= 0;
            else if (name.Length == 10 && Ascii.EqualsIgnoreCase(name, "connection"u8))
                Close = Ascii.EqualsIgnoreCase(value, "close"u8);
        }
        if (chunked) { _state = State.ChunkSize; return; }
        if (length < 0 && !(Status is (>= 100 and < 200) or 204 or 304))
            throw new InvalidDataException("response without Content-Length or chunked encoding");
        _state = State.Body;
        _remaining = Math.Max(length, 0);
    }
}

internal sealed class Connection(Run run, int id)
{
    private Socket? _socket;
    private readonly byte[] _recv = new byte[64 * 1024];
    private readonly byte[] _send = new byte[128 * 1024];
    private readonly ResponseParser _parser = new();
    private long _intended;     // Stopwatch timestamp the request in flight was due at
    private long _seq;
    private bool _inFlight;
    public readonly LongHistogram Latency = Run.NewHistogram();
    public readonly LongHistogram SendLag = Run.NewHistogram();
    /// <summary>The slowest answer (µs) to a request due in each second of the measured window: shows when a stall happened.</summary>
    public readonly long[] MaxBySecond = new long[3600];
    public long Completed, NonSuccess, Errors, LastCompletion;
    public int Id => id;

    public void Connect()
    {
        _socket?.Dispose();
        var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        s.Connect(run.Endpoint);
        _socket = s;
        _parser.Reset();
    }

    /// <summary>Writes request <paramref name="seq"/>, due at <paramref name="intended"/>, on this (idle) connection.</summary>
    public void Send(long intended, long seq)
    {
        _intended = intended;
        _seq = seq;
        Volatile.Write(ref _inFlight, true);
        try
        {
            var n = run.Requests.Render(seq, _send);
            var now = Stopwatch.GetTimestamp();
            if (intended >= run.MeasureStart) SendLag.RecordValue(Run.Micros(now - intended));
            var sent = 0;
            while (sent < n) sent += _socket!.Send(_send.AsSpan(sent, n - sent), SocketFlags.None);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // the receive loop sees the broken socket and fails the request
            try { _socket?.Shutdown(SocketShutdown.Both); } catch (SocketException) { } catch (ObjectDisposedException) { }
        }
    }

    public async Task ReceiveLoop()
    {
        int start = 0, end = 0;
        while (!run.Stopping)
        {
            int n;
            try
            {
                if (end == _recv.Length)
                {
                    if (start == 0) throw new InvalidDataException("response head larger than the buffer");
                    Buffer.BlockCopy(_recv, start, _recv, 0, end - start);
                    end -= start; start = 0;
                }
                n = await _socket!.ReceiveAsync(_recv.AsMemory(end), SocketFlags.None).ConfigureAwait(false);
                if (n == 0) throw new IOException("connection closed by the server");
                end += n;
                while (_inFlight && _parser.Advance(_recv, ref start, end))
                {
                    var close = _parser.Close;
                    Finish(ok: true);
                    if (close) throw new IOException("server asked to close the connection");
                    TakeNext();
                }
                if (start == end) start = end = 0;
                else if (!Volatile.Read(ref _inFlight)) throw new InvalidDataException("bytes received with no request in flight");
            }
            catch (Exception e) when (e is SocketException or IOException or InvalidDataException or ObjectDisposedException)
            {
                if (run.Stopping) return;
                if (Volatile.Read(ref _inFlight)) Finish(ok: false);
                run.NoteError(e.Message);
                start = end = 0;
                try { Connect(); }
                catch (SocketException)
                {
                    await Task.Delay(100).ConfigureAwait(false);
                    try { Connect(); } catch (SocketException) { return; } // give up this connection
                }
                TakeNext();
            }
        }
    }

    private void Finish(bool ok)
    {
        var now = Stopwatch.GetTimestamp();
        Volatile.Write(ref _inFlight, false);
        if (_intended >= run.MeasureStart && !run.Stopping)
        {
            if (ok)
            {
                var us = Run.Micros(now - _intended);
                Latency.RecordValue(us);
                var second = (_intended - run.MeasureStart) / Stopwatch.Frequency;
                if (second < MaxBySecond.Length) MaxBySecond[second] = Math.Max(MaxBySecond[second], us);
                Completed++;
                if (_parser.Status is < 200 or > 299) NonSuccess++;
                LastCompletion = now;
            }
            else Errors++;
        }
        _parser.Reset();
        run.Done();
    }

    private void TakeNext()
    {
        if (run.TakePendingOrIdle(this, out var intended, out var seq)) Send(intended, seq);
    }

    /// <summary>At the end: the request still in flight, if any, as (due time, number).</summary>
    public (long Intended, long Seq)? Outstanding() => Volatile.Read(ref _inFlight) ? (_intended, _seq) : null;

    public void Close()
    {
        try { _socket?.Dispose(); } catch (SocketException) { }
    }
}

internal sealed class Run(Options o)
{
    public readonly Options O = o;
    public readonly IPEndPoint Endpoint = Resolve(o.Url);
    public readonly RequestBuilder Requests = new(o);
    public long MeasureStart = long.MaxValue;
    public volatile bool Stopping;
    private readonly object _gate = new();
    private readonly Stack<Connection> _idle = new();
    private readonly Queue<(long Intended, long Seq)> _pending = new();
    private long _scheduled, _done, _queuedMax;
    private readonly Dictionary<string, int> _errors = [];

    public static LongHistogram NewHistogram() => new(1, 3_600_000_000L, 3); // 1 µs .. 1 h, 3 significant digits
    public static long Micros(long ticks) => Math.Max(1, ticks * 1_000_000 / Stopwatch.Frequency);

    private static IPEndPoint Resolve(Uri u)
    {
        var ip = IPAddress.TryParse(u.Host, out var a) ? a : Dns.GetHostAddresses(u.Host).First(x => x.AddressFamily == AddressFamily.InterNetwork);
        return new IPEndPoint(ip, u.Port);
    }

    public void NoteError(string what)
    {
        lock (_errors) _errors[what] = _errors.GetValueOrDefault(what) + 1;
    }

    public void Done() => Interlocked.Increment(ref _done);

    /// <summary>The connection just finished a request: hand it the oldest waiting request, or park it as idle.</summary>
    public bool TakePendingOrIdle(Connection c, out long intended, out long seq)
    {
        lock (_gate)
        {
            if (_pending.TryDequeue(out var p)) { (intended, seq) = p; return true; }
            _idle.Push(c);
        }
        intended = seq = 0;
        return false;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int nanosleep(ref Timespec req, IntPtr rem);
    [DllImport("libc", SetLastError = true)]
    private static extern int prctl(int option, ulong arg2, ulong arg3, ulong arg4, ulong arg5);
    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec { public long Sec; public long Nsec; }

    private static void SleepTicks(long ticks)
    {
        var ns = ticks * 1_000_000_000 / Stopwatch.Frequency;
        if (OperatingSystem.IsLinux())
        {
            var ts = new Timespec { Sec = ns / 1_000_000_000, Nsec = ns % 1_000_000_000 };
            _ = nanosleep(ref ts, IntPtr.Zero); // EINTR: the caller loops until the due time
        }
        else if (ns > 1_000_000) Thread.Sleep(1);
        else Thread.Yield();
    }

    public int Execute()
    {
        var conns = new Connection[O.Connections];
        try
        {
            for (var i = 0; i < conns.Length; i++) { conns[i] = new Connection(this, i); conns[i].Connect(); }
        }
        catch (SocketException e)
        {
            Console.Error.WriteLine($"cannot connect to {Endpoint}: {e.Message}");
            return 4;
        }
        foreach (var c in conns) _idle.Push(c);
        var loops = conns.Select(c => Task.Run(c.ReceiveLoop)).ToArray();

        var freq = (double)Stopwatch.Frequency;
        var start = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 10;
        MeasureStart = start + (long)(O.Warmup * freq);
        var measureEnd = MeasureStart + (long)(O.Duration * freq);
        var total = (long)Math.Round((O.Warmup + O.Duration) * O.Rate);
        var measuredFirst = (long)Math.Ceiling(O.Warmup * O.Rate);
        var perRequest = freq / O.Rate;

        TimeSpan cpuAtStart = default;
        var late0 = NewHistogram(); // the scheduler's own lateness: due time -> the moment it hands the request on
        var scheduler = new Thread(() =>
        {
            if (OperatingSystem.IsLinux()) _ = prctl(29 /* PR_SET_TIMERSLACK */, 1, 0, 0, 0);
            for (long i = 0; i < total; i++)
            {
                var due = start + (long)(i * perRequest);
                if (i == measuredFirst) cpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;
                while (true)
                {
                    var left = due - Stopwatch.GetTimestamp();
                    if (left <= 0) break;
                    SleepTicks(left);
                }
                if (i >= measuredFirst) late0.RecordValue(Micros(Stopwatch.GetTimestamp() - due));
                Connection? c = null;
                lock (_gate)
                {
                    if (!_idle.TryPop(out c))
                    {
                        _pending.Enqueue((due, i));
                        if (_pending.Count > _queuedMax) _queuedMax = _pending.Count;
                    }
                }
                Interlocked.Increment(ref _scheduled);
                c?.Send(due, i);
            }
        }) { IsBackground = true, Priority = ThreadPriority.AboveNormal, Name = "scheduler" };
        scheduler.Start();
        scheduler.Join();
        var cpuAtEnd = Process.GetCurrentProcess().TotalProcessorTime;
        var schedulerDone = Stopwatch.GetTimestamp();

        // drain: wait for every scheduled request to be answered (or fail), up to --timeout
        var drainDeadline = schedulerDone + (long)(O.Timeout * freq);
        while (Interlocked.Read(ref _done) < total && Stopwatch.GetTimestamp() < drainDeadline) Thread.Sleep(5);
        Stopping = true;

        // what was never answered: in flight or still queued. Their latency so far is a lower bound; it is recorded
        // (dropping them would hide the worst requests) and they count as timeouts.
        var now = Stopwatch.GetTimestamp();
        var late = NewHistogram();
        long timeouts = 0;
        lock (_gate)
        {
            foreach (var c in conns)
                if (c.Outstanding() is { } r && r.Intended >= MeasureStart) { late.RecordValue(Micros(now - r.Intended)); timeouts++; }
            foreach (var p in _pending)
                if (p.Intended >= MeasureStart) { late.RecordValue(Micros(now - p.Intended)); timeouts++; }
        }
        foreach (var c in conns) c.Close();
        Task.WaitAll(loops, TimeSpan.FromSeconds(2));

        var latency = NewHistogram();
        var lag = NewHistogram();
        long completed = 0, non2xx = 0, errors = 0, last = MeasureStart;
        var maxBySecond = new long[(int)Math.Min(Math.Ceiling(O.Duration), 3600)];
        foreach (var c in conns)
        {
            latency.Add(c.Latency); lag.Add(c.SendLag);
            for (var i = 0; i < maxBySecond.Length; i++) maxBySecond[i] = Math.Max(maxBySecond[i], c.MaxBySecond[i]);
            completed += c.Completed; non2xx += c.NonSuccess; errors += c.Errors;
            last = Math.Max(last, c.LastCompletion);
        }
        latency.Add(late);

        // achieved rate: the measured requests answered, over the time from the window's start to the last answer
        // (at least the window). A server that keeps up finishes within a few ms of the window's end.
        var elapsed = Math.Max(last, measureEnd) - MeasureStart;
        var achieved = completed / (elapsed / freq);
        var measured = total - measuredFirst;
        var cpu = (cpuAtEnd - cpuAtStart).TotalSeconds;
        var keptUp = achieved >= O.Rate * (1 - O.Tolerance) && timeouts == 0;
        double Ms(long us) => us / 1000.0;
        string errs;
        lock (_errors) errs = string.Join("; ", _errors.Select(kv => $"{kv.Key} x{kv.Value}"));

        var result = new Dictionary<string, object?>
        {
            ["label"] = O.Label,
            ["url"] = O.Url.ToString(),
            ["method"] = O.Method,
            ["rate_asked"] = O.Rate,
            ["rate_achieved"] = Math.Round(achieved, 1),
            ["kept_up"] = keptUp,
            ["duration_s"] = O.Duration,
            ["warmup_s"] = O.Warmup,
            ["connections"] = O.Connections,
            ["requests"] = measured,
            ["completed"] = completed,
            ["non2xx"] = non2xx,
            ["errors"] = errors,
            ["timeouts"] = timeouts,
            ["error_kinds"] = errs,
            ["p50_ms"] = Ms(latency.GetValueAtPercentile(50)),
            ["p90_ms"] = Ms(latency.GetValueAtPercentile(90)),
            ["p99_ms"] = Ms(latency.GetValueAtPercentile(99)),
            ["p999_ms"] = Ms(latency.GetValueAtPercentile(99.9)),
            ["max_ms"] = Ms(latency.GetMaxValue()),
            ["mean_ms"] = Math.Round(latency.GetMean() / 1000.0, 3),
            ["send_lag_p50_ms"] = Ms(lag.GetValueAtPercentile(50)),
            ["send_lag_p99_ms"] = Ms(lag.GetValueAtPercentile(99)),
            ["send_lag_max_ms"] = Ms(lag.GetMaxValue()),
            ["scheduler_lag_p99_ms"] = Ms(late0.GetValueAtPercentile(99)),
            ["scheduler_lag_max_ms"] = Ms(late0.GetMaxValue()),
            ["queued_max"] = _queuedMax,
            ["generator_cpu_s"] = Math.Round(cpu, 3),
            ["generator_cpu_us_per_request"] = Math.Round(cpu * 1e6 / Math.Max(measured, 1), 2),
            ["max_ms_by_second"] = maxBySecond.Select(us => Ms(us)).ToArray(),
        };
        Console.Error.WriteLine(
            $"{O.Method} {O.Url} at {O.Rate:0}/s for {O.Duration:0.#} s ({O.Warmup:0.#} s warm-up), {O.Connections} connections\n" +
            $"  achieved {achieved:0}/s ({completed} answered of {measured}); non-2xx {non2xx}, errors {errors}, timeouts {timeouts}{(errs.Length > 0 ? " (" + errs + ")" : "")}\n" +
            $"  latency from the intended send time: p50 {Ms(latency.GetValueAtPercentile(50)):0.###} ms, p90 {Ms(latency.GetValueAtPercentile(90)):0.###}, " +
            $"p99 {Ms(latency.GetValueAtPercentile(99)):0.###}, p99.9 {Ms(latency.GetValueAtPercentile(99.9)):0.###}, max {Ms(latency.GetMaxValue()):0.###}\n" +
            $"  send lag (intended -> written, includes waiting for a free connection): p50 {Ms(lag.GetValueAtPercentile(50)):0.###} ms, p99 {Ms(lag.GetValueAtPercentile(99)):0.###}, max {Ms(lag.GetMaxValue()):0.###}; most queued {_queuedMax}\n" +
            $"  scheduler lateness (the generator's own delay): p99 {Ms(late0.GetValueAtPercentile(99)):0.###} ms, max {Ms(late0.GetMaxValue()):0.###}\n" +
            $"  generator CPU {cpu:0.00} s = {cpu * 1e6 / Math.Max(measured, 1):0.0} us/request" +
            (keptUp ? "" : $"\n  NOT AT THE TARGET RATE: achieved {achieved:0}/s of {O.Rate:0}/s asked (tolerance {O.Tolerance:P0}); the percentiles are not those of the target rate"));
        Console.WriteLine(JsonSerializer.Serialize(result));
        // unanswered requests at the end are a server that did not keep up (exit 3), not broken answers
        if (errors > 0 || non2xx > 0) return 4;
        return keptUp ? 0 : 3;
    }
}
