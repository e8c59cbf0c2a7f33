using ErrorCatalog.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ErrorCatalog.Middleware.Tests;

/// <summary>
/// Guards the zero-allocation promise: the whole middleware decision, warm, on the current thread, with a
/// response whose own machinery allocates nothing. Bytes are counted, not timed. Release builds only: a Debug
/// build compiles async state machines as classes, so every async method call allocates there.
/// </summary>
[Collection(AllocationGuardCollection.Name)]
public sealed class HotPathAllocationTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const string Key = "alloc_guard_key_0001";
    private const int Warmup = 2_000;
    private const int Measured = 5_000;

    // Strings that change once per window (X-RateLimit-Reset) are built once per window, not per request. The clock
    // is fixed, so no window ends during a run: any object made per request (24 bytes at least) fails the guard.
    private const double MaxAmortizedBytes = 1.0;

    private static readonly string Config = $$"""
        {
          "Headers": "XRateLimit",
          "IpLimit": { "PermitLimit": 50000, "Window": "minute" },
          "Plans": {
            "pro": {
              "Limits": {
                "minute": { "PermitLimit": 50000, "Window": "minute" },
                "month": { "PermitLimit": 50000, "Window": "month" },
                "credits": { "Kind": "Credits", "PermitLimit": 60000, "Window": "day" },
                "concurrency": { "Kind": "Concurrency", "PermitLimit": 10 }
              }
            },
            "tiny": { "Limits": { "minute": { "PermitLimit": 0, "Window": "minute" } } }
          },
          "ApiKeys": [
            { "Id": "pro", "Hash": "{{ApiKeyHash.Compute(Key)}}", "Plan": "pro" },
            { "Id": "tiny", "Hash": "{{ApiKeyHash.Compute(Key + "_tiny")}}", "Plan": "tiny" }
          ]
        }
        """;

    [ReleaseOnlyFact]
    public void AcceptPath_AllLimitsAndHeaders_AllocatesNothing()
    {
        var bytes = Measure(Key, expectedStatus: 200);

        Assert.True(bytes < MaxAmortizedBytes, $"The accept path allocated {bytes:F2} bytes per request.");
    }

    [ReleaseOnlyFact]
    public void MinuteRefusal_WithCatalogBodyAndHeaders_AllocatesNothing()
    {
        var bytes = Measure(Key + "_tiny", expectedStatus: 429);

        Assert.True(bytes < MaxAmortizedBytes, $"The refusal path allocated {bytes:F2} bytes per request.");
    }

    /// <summary>With a usage meter, an admitted request adds its record to the queue by value: nothing made per request.</summary>
    [ReleaseOnlyFact]
    public void AcceptPath_WithAUsageMeter_AllocatesNothing()
    {
        var bytes = Measure(Key, expectedStatus: 200, metered: true);

        Assert.True(bytes < MaxAmortizedBytes, $"The accept path with a usage meter allocated {bytes:F2} bytes per request.");
    }

    [ReleaseOnlyFact]
    public void InvalidKeyRefusal_AllocatesNothing()
    {
        var bytes = Measure("not_a_configured_key", expectedStatus: 401);

        Assert.True(bytes < MaxAmortizedBytes, $"The invalid-key path allocated {bytes:F2} bytes per request.");
    }

    private double Measure(string key, int expectedStatus, bool metered = false)
    {
        // Arrange: the middleware as UseApiErrorCatalog builds it, an endpoint with a credit cost.
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 3, 14, 12, 0, 30, TimeSpan.Zero));
        var services = new ServiceCollection().AddLogging().AddSingleton<TimeProvider>(time);
        var configuration = new ConfigurationBuilder()
            .AddJsonStream(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(Config)))
            .Build();
        services.AddApiErrorCatalog(configuration);
        if (metered)
        {
            services.AddApiUsageMeter(static _ => new RecordingMeter());
        }

        using var provider = services.BuildServiceProvider();
        // No host runs the delivery loop here: the test reads the queue itself, on this thread, after each request.
        var queue = provider.GetService<UsageMeterQueue>();
        var middleware = ActivatorUtilities.CreateInstance<ApiErrorCatalogMiddleware>(provider, (RequestDelegate)(static context =>
        {
            context.Response.StatusCode = 200;
            return Task.CompletedTask;
        }));

        var fake = new FakeResponse();
        var context = fake.Context;
        context.RequestServices = provider;
        context.Request.Path = "/v1/quotes/latest";
        context.Request.Headers["X-API-Key"] = key;
        context.TraceIdentifier = "req-1";
        var endpoint = new RouteEndpointBuilder(static _ => Task.CompletedTask, RoutePatternFactory.Parse("/v1/quotes/latest"), 0)
        {
            Metadata = { new CreditsAttribute(5) },
        }.Build();
        context.SetEndpoint(endpoint);

        // Act: warm up, then count once. The warm-up makes what a server makes on its first requests (the pooled
        // request state, the per-thread hash context, each window's reset text, the endpoint's policy); the JIT's
        // tier does not matter, as unoptimized code allocates nothing more here. Remaining counts come from
        // HeaderValues' table, which a long-running server fills once; fill the range this test crosses.
        for (var i = 0; i <= 60_000; i++)
        {
            _ = HeaderValues.Integer(i);
        }

        var failures = 0;
        for (var i = 0; i < Warmup; i++)
        {
            failures += Run(middleware, fake, expectedStatus, queue);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Measured; i++)
        {
            failures += Run(middleware, fake, expectedStatus, queue);
        }

        var bytes = (double)(GC.GetAllocatedBytesForCurrentThread() - before) / Measured;
        output.WriteLine($"{bytes:F2} bytes per request");

        // Assert (outside the measured loop: assertions allocate).
        Assert.Equal(0, failures);
        if (queue is not null)
        {
            Assert.Equal(0, queue.TakeDropped());
        }

        return bytes;
    }

    private static int Run(ApiErrorCatalogMiddleware middleware, FakeResponse fake, int expectedStatus, UsageMeterQueue? queue)
    {
        fake.Reset();
        var task = middleware.InvokeAsync(fake.Context);
        var failed = task.IsCompletedSuccessfully && fake.StatusCode == expectedStatus ? 0 : 1;
        if (queue is not null)
        {
            failed += queue.Reader.TryRead(out var record) && record.Count > 0 ? 0 : 1;
        }

        return failed;
    }
}
