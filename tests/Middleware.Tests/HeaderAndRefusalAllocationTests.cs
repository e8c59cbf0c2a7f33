using ErrorCatalog.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace ErrorCatalog.Middleware.Tests;

/// <summary>
/// More zero-allocation guards, beside <see cref="HotPathAllocationTests"/>, for what used to allocate: counts above
/// 65,535 in headers, the IETF and UnitsLimit profiles, Retry-After of a monthly quota, the request id on Kestrel
/// (made on first read) and the refusal log line when it is enabled. Bytes on this thread over many warm
/// requests, not timings; Release only (Debug boxes async state machines).
/// </summary>
[Collection(AllocationGuardCollection.Name)]
public sealed class HeaderAndRefusalAllocationTests
{
    private const string Key = "header_guard_key_0001";
    private const int Warmup = 2_000;
    private const int Measured = 5_000;

    // Strings that change once per window or second (X-RateLimit-Reset, Retry-After) are made once per window or
    // second, not per request: a run that crosses a boundary amortizes a few dozen bytes over thousands of requests.
    private const double MaxAmortizedBytes = 1.0;

    private static string Config(string headers) => $$"""
        {
          "Headers": "{{headers}}",
          "Plans": {
            "big": {
              "Limits": {
                "minute": { "PermitLimit": 1000000, "Window": "minute" },
                "month": { "PermitLimit": 5000000000, "Window": "month" },
                "credits": { "Kind": "Credits", "PermitLimit": 2000000, "Window": "day" },
                "concurrency": { "Kind": "Concurrency", "PermitLimit": 10 }
              }
            },
            "tiny": {
              "Limits": {
                "minute": { "PermitLimit": 0, "Window": "minute" },
                "credits": { "Kind": "Credits", "PermitLimit": 2000000, "Window": "day" }
              }
            },
            "quota": { "Limits": { "month": { "PermitLimit": 0, "Window": "month" } } }
          },
          "ApiKeys": [
            { "Id": "big", "Hash": "{{ApiKeyHash.Compute(Key)}}", "Plan": "big" },
            { "Id": "tiny", "Hash": "{{ApiKeyHash.Compute(Key + "_tiny")}}", "Plan": "tiny" },
            { "Id": "quota", "Hash": "{{ApiKeyHash.Compute(Key + "_quota")}}", "Plan": "quota" }
          ]
        }
        """;

    [ReleaseOnlyFact]
    public void AcceptPath_CountsAbove65535_AllocatesNothing()
    {
        // Remaining 999,999 down (minute), 4,999,999,999 down (month), credits used 5.. and remaining 1,999,995 down:
        // all beyond the 0..65535 table, all within 65,536 of their limit.
        using var run = new Run(Config("XRateLimit, UnitsLimit"), Key);

        var bytes = run.Measure(expectedStatus: 200);

        Assert.True(bytes < MaxAmortizedBytes, $"The accept path allocated {bytes:F2} bytes per request.");
        Assert.Equal(1_000_000 - Warmup - Measured, long.Parse(run.Header("X-RateLimit-Remaining"), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(2_000_000 - (5L * (Warmup + Measured)), long.Parse(run.Header("X-UnitsLimit-Quota-Remaining"), System.Globalization.CultureInfo.InvariantCulture));
    }

    [ReleaseOnlyFact]
    public void AcceptPath_IetfProfile_AllocatesOneStringOfTheFieldsLength()
    {
        using var run = new Run(Config("XRateLimit, Ietf, UnitsLimit"), Key);

        var bytes = run.Measure(expectedStatus: 200);

        // RateLimit lists every limit's remaining count and seconds to reset: new on every admitted request, made as
        // one string of exactly its length (no builder). Everything else is cached.
        var field = run.Header("RateLimit");
        var oneString = 22 + (2 * field.Length) + 8;
        Assert.True(bytes <= oneString + MaxAmortizedBytes, $"The accept path allocated {bytes:F2} bytes per request; one string of '{field}' is about {oneString}.");
    }

    [ReleaseOnlyFact]
    public void MinuteRefusal_AllProfiles_AllocatesNothing()
    {
        using var run = new Run(Config("XRateLimit, Ietf, UnitsLimit"), Key + "_tiny", kestrelIds: false);

        var bytes = run.Measure(expectedStatus: 429);

        Assert.True(bytes < MaxAmortizedBytes, $"The refusal path allocated {bytes:F2} bytes per request.");
        Assert.Contains("\"minute\";r=0;t=", run.Header("RateLimit"), StringComparison.Ordinal);
    }

    [ReleaseOnlyFact]
    public void MonthlyRefusal_RetryAfterAbove65535_AllocatesNothing()
    {
        using var run = new Run(Config("XRateLimit"), Key + "_quota", kestrelIds: false);

        var bytes = run.Measure(expectedStatus: 429);

        Assert.True(bytes < MaxAmortizedBytes, $"The refusal path allocated {bytes:F2} bytes per request.");
        var retryAfter = long.Parse(run.Header("Retry-After"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(retryAfter is > 0 and <= 31 * 86_400, $"Retry-After {retryAfter}");
    }

    [ReleaseOnlyFact]
    public void Refusal_ReadsTheRequestIdOnce_WhenItsBodyWritesIt()
    {
        using var run = new Run(Config("XRateLimit"), "not_a_configured_key");

        var bytes = run.Measure(expectedStatus: 401);

        // On Kestrel the id is made on first read; the problem shape writes it, so it is read, once per refusal.
        Assert.Equal(1.0, (double)run.RequestIds.Reads / run.Requests);
        Assert.True(bytes <= run.RequestIds.BytesPerId + MaxAmortizedBytes, $"{bytes:F2} bytes per refusal; the id alone is {run.RequestIds.BytesPerId}.");
        Assert.Contains("\"requestId\":\"0HNGUARD", run.Body, StringComparison.Ordinal);
        Assert.Equal("ApiKey header=\"X-API-Key\"", run.Header("WWW-Authenticate"));
    }

    [ReleaseOnlyFact]
    public void Refusal_WithAShapeWithoutRequestId_AndLoggingOff_NeverMakesTheRequestId()
    {
        using var run = new Run(Config("XRateLimit"), "not_a_configured_key", new ErrorShapeAttribute("flat"));

        var bytes = run.Measure(expectedStatus: 401);

        Assert.Equal(0, run.RequestIds.Reads);
        Assert.True(bytes < MaxAmortizedBytes, $"The refusal path allocated {bytes:F2} bytes per request.");
        Assert.StartsWith("{\"error\":\"API_KEY_INVALID\"", run.Body, StringComparison.Ordinal);
        Assert.Equal("ApiKey header=\"X-API-Key\"", run.Header("WWW-Authenticate"));
    }

    [ReleaseOnlyFact]
    public void Refusal_WithTheLogLineEnabled_AllocatesOnlyTheRequestId()
    {
        // A provider that is enabled and receives the structured state without formatting it: the line's own
        // arguments (the reason is a cached name, not a boxed enum) cost nothing.
        using var run = new Run(Config("XRateLimit"), Key + "_tiny", logging: true, shape: new ErrorShapeAttribute("flat"));

        var bytes = run.Measure(expectedStatus: 429);

        Assert.True(run.Logged >= Measured, $"{run.Logged} lines logged");
        Assert.Equal(1.0, (double)run.RequestIds.Reads / run.Requests);
        Assert.True(bytes <= run.RequestIds.BytesPerId + MaxAmortizedBytes, $"{bytes:F2} bytes per refusal; the id alone is {run.RequestIds.BytesPerId}.");
    }

    /// <summary>The middleware as UseApiErrorCatalog builds it, and one reusable request.</summary>
    private sealed class Run : IDisposable
    {
        private readonly ServiceProvider _provider;
        private readonly ApiErrorCatalogMiddleware _middleware;
        private readonly FakeResponse _fake = new();
        private readonly CountingLoggerProvider _logs = new();
        private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 3, 14, 12, 0, 30, TimeSpan.Zero));

        public Run(string config, string key, ErrorShapeAttribute? shape = null, bool logging = false, bool kestrelIds = true)
        {
            RequestIds = new KestrelLikeRequestId(kestrelIds);
            // A fixed clock (mid-month, mid-minute): no window ends during the run, so counts are exact.
            var services = new ServiceCollection().AddSingleton<TimeProvider>(_time);
            services.AddLogging(builder =>
            {
                if (logging)
                {
                    builder.AddProvider(_logs);
                }
            });
            var configuration = new ConfigurationBuilder()
                .AddJsonStream(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(config)))
                .Build();
            services.AddApiErrorCatalog(configuration);
            _provider = services.BuildServiceProvider();
            _middleware = ActivatorUtilities.CreateInstance<ApiErrorCatalogMiddleware>(_provider, (RequestDelegate)(static context =>
            {
                context.Response.StatusCode = 200;
                return Task.CompletedTask;
            }));

            var context = _fake.Context;
            context.RequestServices = _provider;
            context.Request.Path = "/v1/quotes/latest";
            context.Request.Headers["X-API-Key"] = key;
            context.Features.Set<IHttpRequestIdentifierFeature>(RequestIds);
            var endpoint = new RouteEndpointBuilder(static _ => Task.CompletedTask, RoutePatternFactory.Parse("/v1/quotes/latest"), 0)
            {
                Metadata = { new CreditsAttribute(5) },
            };
            if (shape is not null)
            {
                endpoint.Metadata.Add(shape);
            }

            context.SetEndpoint(endpoint.Build());
        }

        public KestrelLikeRequestId RequestIds { get; }

        public int Requests { get; private set; }

        public long Logged => _logs.Logged;

        public string Body => System.Text.Encoding.UTF8.GetString(_fake.Pipe.Written);

        public string Header(string name) => _fake.FakeHeaders[name].ToString();

        /// <summary>
        /// Bytes per request over <see cref="Measured"/> warm requests (after <see cref="Warmup"/>), in steady state:
        /// the same traffic has run through one day's windows before (filling the tables of counts a long-running
        /// server has filled), then the clock moves to the next day and the measured requests see the same counts.
        /// </summary>
        public double Measure(int expectedStatus)
        {
            for (var i = 0; i < HeaderValues.CachedIntegers; i++)
            {
                _ = HeaderValues.Integer(i); // the table a long-running server has filled
            }

            var failures = 0;
            for (var i = 0; i < Warmup + Measured; i++)
            {
                failures += Send(expectedStatus);
            }

            _time.Advance(TimeSpan.FromDays(1)); // minute and day windows start again; the month goes on
            for (var i = 0; i < Warmup; i++)
            {
                failures += Send(expectedStatus);
            }

            RequestIds.Reads = 0;
            Requests = 0;
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < Measured; i++)
            {
                failures += Send(expectedStatus);
            }

            var bytes = (double)(GC.GetAllocatedBytesForCurrentThread() - before) / Measured;
            Assert.Equal(0, failures);
            return bytes;
        }

        public void Dispose() => _provider.Dispose();

        private int Send(int expectedStatus)
        {
            _fake.Reset();
            RequestIds.NextRequest();
            Requests++;
            var task = _middleware.InvokeAsync(_fake.Context);
            return task.IsCompletedSuccessfully && _fake.StatusCode == expectedStatus ? 0 : 1;
        }
    }

    /// <summary>
    /// As Kestrel's: the id is made (a new string) on its first read in each request, then kept. Or, with
    /// <c>perRequest: false</c>, one id for every request (as where the host has made it anyway), to count the rest.
    /// </summary>
    private sealed class KestrelLikeRequestId(bool perRequest) : IHttpRequestIdentifierFeature
    {
        private readonly string _connection = "0HNGUARD0001";
        private int _request;
        private string? _id;

        public int Reads { get; set; }

        /// <summary>What one id costs: a string of 21 characters.</summary>
        public int BytesPerId => 22 + (2 * 21) + 6;

        public string TraceIdentifier
        {
            get
            {
                Reads++;
                return _id ??= string.Create(21, (_connection, _request), static (span, state) =>
                {
                    state._connection.AsSpan().CopyTo(span);
                    span[12] = ':';
                    ((uint)state._request).TryFormat(span[13..], out _, "X8", System.Globalization.CultureInfo.InvariantCulture);
                });
            }

            set => _id = value;
        }

        public void NextRequest()
        {
            if (perRequest)
            {
                _request++;
                _id = null;
            }
        }
    }

    /// <summary>Enabled for everything; takes each entry's state as it is, without formatting it.</summary>
    private sealed class CountingLoggerProvider : ILoggerProvider, ILogger
    {
        public long Logged { get; private set; }

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Logged++;

        public void Dispose()
        {
        }
    }
}
