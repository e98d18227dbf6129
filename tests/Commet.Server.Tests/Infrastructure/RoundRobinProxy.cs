using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Commet.Server.Tests.Infrastructure;

/// <summary>
/// A round-robin reverse proxy on loopback in front of several server processes, as a load balancer would be: each
/// request goes to the next node in turn; method, path, query, headers (cookies included) and body are passed on and
/// the answer comes back as it is. A node that cannot be reached is answered 502 (counted in <see cref="Unreachable"/>).
/// </summary>
public sealed class RoundRobinProxy : IAsyncDisposable
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Transfer-Encoding", "Upgrade", "Host",
    };

    private readonly WebApplication app;
    private readonly HttpMessageInvoker forwarder = new(new SocketsHttpHandler
    {
        UseCookies = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseProxy = false,
    });
    private Uri[] nodes;
    private long next;
    private long unreachable;

    private RoundRobinProxy(WebApplication app, Uri[] nodes)
    {
        this.app = app;
        this.nodes = nodes;
    }

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Requests that found their node unreachable (answered 502 by the proxy).</summary>
    public long Unreachable => Interlocked.Read(ref unreachable);

    /// <summary>The nodes requests go to from now on (a restarted node has a new port).</summary>
    public void SetNodes(params Uri[] to) => Volatile.Write(ref nodes, to);

    public static async Task<RoundRobinProxy> StartAsync(params Uri[] nodes)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var proxy = new RoundRobinProxy(app, nodes);
        app.Run(proxy.ForwardAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        proxy.BaseAddress = new Uri(address);
        return proxy;
    }

    public HttpClient Client(string apiKey)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Add("x-api-key", apiKey);
        return client;
    }

    private async Task ForwardAsync(HttpContext context)
    {
        var targets = Volatile.Read(ref nodes);
        var node = targets[(int)(Interlocked.Increment(ref next) % targets.Length)];
        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), new Uri(node, context.Request.Path + context.Request.QueryString));
        if (context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            request.Content = new StreamContent(context.Request.Body);
        }
        foreach (var (name, values) in context.Request.Headers)
        {
            if (HopByHop.Contains(name))
            {
                continue;
            }
            if (!request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                request.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }
        HttpResponseMessage response;
        try
        {
            response = await forwarder.SendAsync(request, context.RequestAborted);
        }
        catch (HttpRequestException)
        {
            Interlocked.Increment(ref unreachable);
            context.Response.StatusCode = StatusCodes.Status502BadGateway;
            return;
        }
        using (response)
        {
            context.Response.StatusCode = (int)response.StatusCode;
            foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
            {
                if (!HopByHop.Contains(name))
                {
                    context.Response.Headers[name] = values.ToArray();
                }
            }
            await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        forwarder.Dispose();
    }
}
