using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace ErrorCatalog.Middleware.Redis.Tests;

/// <summary>One instance of an API whose counters live in the given Redis; several share one Redis and one clock.</summary>
internal sealed class RedisTestApi : IAsyncDisposable
{
    public const string KeyHeader = "X-API-Key";

    /// <summary>A fixed instant far from any window edge, so a test never crosses one by accident.</summary>
    public static readonly DateTimeOffset Start = new(2024, 3, 15, 12, 0, 10, TimeSpan.Zero);

    private RedisTestApi(WebApplication app) => App = app;

    public WebApplication App { get; }

    public HttpClient Client { get; private set; } = null!;

    public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static string Hash(string key) => ApiKeyHash.Compute(key).ToString();

    /// <summary>
    /// Starts an instance; <paramref name="section"/> is the ApiErrorCatalog JSON without the Redis part. With
    /// <paramref name="builtInLimiter"/>, the limits run in the framework's UseRateLimiter (UseApiErrorCatalogLimits)
    /// instead of the middleware. <paramref name="map"/> adds a test's own middleware and endpoints.
    /// </summary>
    /// <param name="connection">The app's own multiplexer (<c>AddApiErrorCatalogRedis(connection)</c>) instead of <c>Redis:Configuration</c>.</param>
    /// <param name="configure">A test's own services (health checks, log capture).</param>
    public static Task<RedisTestApi> StartAsync(
        RedisServer redis,
        string prefix,
        TimeProvider time,
        string section,
        string policy = "FailOpen",
        string timeout = "00:00:00.250",
        bool builtInLimiter = false,
        Action<WebApplication>? map = null,
        Func<IServiceProvider, IConnectionMultiplexer>? connection = null,
        Action<WebApplicationBuilder>? configure = null)
        => StartAsync(redis.Configuration, prefix, time, section, policy, timeout, builtInLimiter, map, connection, configure);

    /// <summary>Starts an instance on any Redis the client's <paramref name="redisConfiguration"/> names (a cluster's nodes, say).</summary>
    public static async Task<RedisTestApi> StartAsync(
        string redisConfiguration,
        string prefix,
        TimeProvider time,
        string section,
        string policy = "FailOpen",
        string timeout = "00:00:00.250",
        bool builtInLimiter = false,
        Action<WebApplication>? map = null,
        Func<IServiceProvider, IConnectionMultiplexer>? connection = null,
        Action<WebApplicationBuilder>? configure = null)
    {
        var server = connection is null ? $$""" "Configuration": "{{redisConfiguration}}", """ : "";
        var json = section.TrimEnd().TrimEnd('}') + $$"""
            , "Redis": { {{server}} "Prefix": "{{prefix}}", "FailurePolicy": "{{policy}}", "Timeout": "{{timeout}}", "LeaseTimeout": "00:00:05" } }
            """;
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(time);
        builder.Services.AddApiErrorCatalog(configuration);
        if (connection is null)
        {
            builder.Services.AddApiErrorCatalogRedis();
        }
        else
        {
            builder.Services.AddApiErrorCatalogRedis(connection);
        }

        configure?.Invoke(builder);
        if (builtInLimiter)
        {
            builder.Services.AddRateLimiter(options => options.UseApiErrorCatalogLimits());
        }

        var app = builder.Build();
        var api = new RedisTestApi(app);
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch (Exception) when (!context.Response.HasStarted)
            {
                context.Response.StatusCode = 500;
            }
        });
        if (builtInLimiter)
        {
            app.UseRateLimiter();
        }
        else
        {
            app.UseApiErrorCatalog();
        }

        app.MapGet("/data", () => "ok");
        app.MapGet("/credits", () => "ok").WithCredits(100);
        app.MapGet("/slow", async () =>
        {
            api.Entered.TrySetResult();
            await api.Gate.Task;
            return "done";
        });
        map?.Invoke(app);
        await app.StartAsync();
        api.Client = app.GetTestClient();
        return api;
    }

    public Task<HttpResponseMessage> GetAsync(string path, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add(KeyHeader, key);
        return Client.SendAsync(request);
    }

    /// <summary>Whether this instance's Redis connection is up.</summary>
    public bool CountersConnected => Store.IsConnected;

    /// <summary>The store's estimate of Redis's clock.</summary>
    public RedisClock Clock => Store.Clock;

    private RedisCounterStore Store => (RedisCounterStore)App.Services.GetRequiredService<ICounterStore>();

    /// <summary>Cuts this instance off from Redis, as if it died: nothing it holds is released.</summary>
    public void KillCounters()
    {
        ((IDisposable)App.Services.GetRequiredService<ICounterStore>()).Dispose();
        App.Services.GetRequiredService<RedisConnection>().Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        Gate.TrySetResult();
        Client.Dispose();
        await App.DisposeAsync();
    }
}
