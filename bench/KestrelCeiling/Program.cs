// A bare Kestrel app answering GET /healthz with "ok" (the reference ceiling of bench/run-http.sh).
// --StallMs=100 [--StallEveryMs=1000]: hold every response that arrives during the first StallMs of each StallEveryMs
// window until the window's stall ends (a known, periodic server stall: bench/OpenLoop's validation in
// docs/benchmarks.md, "Open loop at the target rate"). Off by default.
using System.Diagnostics;

var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();
var stallMs = app.Configuration.GetValue("StallMs", 0);
var everyMs = app.Configuration.GetValue("StallEveryMs", 1000);
if (stallMs > 0)
{
    var origin = Stopwatch.GetTimestamp();
    app.Use(async (context, next) =>
    {
        var phase = Stopwatch.GetElapsedTime(origin).TotalMilliseconds % everyMs;
        if (phase < stallMs) await Task.Delay(TimeSpan.FromMilliseconds(stallMs - phase));
        await next(context);
    });
}
app.MapGet("/healthz", () => Results.Text("ok"));
app.Run();
