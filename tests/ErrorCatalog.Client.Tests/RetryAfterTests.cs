using System.Net;
using System.Net.Http.Headers;
using FxRatesClient;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace ErrorCatalog.Client.Tests;

/// <summary>
/// The waits the handler takes from headers, on a <see cref="FakeTimeProvider"/> (the API answers from a hand-written
/// handler): Retry-After as an HTTP date, the IETF RateLimit field's reset, and the maximum wait against a date.
/// </summary>
public sealed class RetryAfterTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);

    private const string Refusal = """
        {"error":"rate_limit_exceeded","detail":"You have used 10/10 requests this minute","retry_after_seconds":30,"tier":"free","tier_limit":"10 req/min","upgrade_url":"https://moxiemetrx.com/pricing"}
        """;

    [Fact]
    public async Task RetryAfterAsAnHttpDate_TheRetryIsSentAtThatDate()
    {
        var time = new FakeTimeProvider(Start);
        var api = new ScriptedApi(time,
            _ => Refused(r => r.Headers.RetryAfter = new RetryConditionHeaderValue(Start.AddSeconds(40))),
            _ => new HttpResponseMessage(HttpStatusCode.OK));

        using var response = await SendAsync(time, api);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([Start, Start.AddSeconds(40)], api.SentAt);
    }

    [Fact]
    public async Task RetryAndGiveUp_AreResilienceEvents_InTheLogs()
    {
        var time = new FakeTimeProvider(Start);
        var api = new ScriptedApi(time,
            _ => Refused(r => r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(5))),
            _ => Refused(r => r.Headers.RetryAfter = new RetryConditionHeaderValue(Start.AddDays(27))));
        using var services = Build(time, api, logging: true);

        await Assert.ThrowsAsync<ApiErrorException>(() => RunAsync(time, services.Client().GetAsync("/")));

        var events = services.GetFakeLogCollector().GetSnapshot().Select(r => r.Message).ToList();
        Assert.Contains(events, m => m.Contains("OnCatalogRetry", StringComparison.Ordinal));
        Assert.Contains(events, m => m.Contains("OnCatalogGiveUp", StringComparison.Ordinal));
    }

    [Fact]
    public async Task IetfRateLimitRemainingZero_TheNextRequestWaitsForItsReset()
    {
        var time = new FakeTimeProvider(Start);
        var api = new ScriptedApi(time,
            _ => Admitted("\"minute\";r=0;t=25"),
            _ => Admitted("\"minute\";r=9;t=60"));
        using var services = Build(time, api);
        var client = services.Client();

        using var first = await client.GetAsync("/");
        using var second = await RunAsync(time, client.GetAsync("/"));

        Assert.Equal([Start, Start.AddSeconds(25)], api.SentAt);
    }

    [Fact]
    public async Task RetryAfterDateBeyondTheMaximumWait_TypedExceptionAtOnce_WithTheBodysPlaceholders()
    {
        var time = new FakeTimeProvider(Start);
        var api = new ScriptedApi(time, _ => Refused(r => r.Headers.RetryAfter = new RetryConditionHeaderValue(Start.AddDays(27))));

        var refused = await Assert.ThrowsAsync<ApiErrorException>(() => SendAsync(time, api));

        Assert.Equal(ApiErrors.Codes.RateLimitExceeded, refused.Code);
        Assert.Equal(Start.AddDays(27), refused.ResetAt);
        Assert.True(ApiErrors.TryGetRateLimitExceeded(refused.Error, out var limited));
        Assert.Equal((10L, 10L, "10 req/min"), (limited.Used, limited.Limit, limited.TierLimit));
        Assert.Single(api.SentAt);
        Assert.Equal(Start, time.GetUtcNow());
    }

    private static HttpResponseMessage Refused(Action<HttpResponseMessage> headers)
    {
        var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests) { Content = new StringContent(Refusal) };
        headers(response);
        return response;
    }

    private static HttpResponseMessage Admitted(string rateLimit)
    {
        var response = new HttpResponseMessage(HttpStatusCode.OK);
        response.Headers.TryAddWithoutValidation("RateLimit", rateLimit);
        return response;
    }

    private static async Task<HttpResponseMessage> SendAsync(FakeTimeProvider time, ScriptedApi api)
    {
        using var services = Build(time, api);
        return await RunAsync(time, services.Client().GetAsync("/"));
    }

    private static ServiceProvider Build(FakeTimeProvider time, ScriptedApi api, bool logging = false)
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        if (logging)
        {
            services.AddFakeLogging();
        }

        services.AddHttpClient("api", c => c.BaseAddress = new Uri("http://api.test"))
            .ConfigurePrimaryHttpMessageHandler(() => api)
            .AddCatalogResilienceHandler(ApiErrors.Catalog);
        return services.BuildServiceProvider();
    }

    /// <summary>Moves the fake clock a second at a time while <paramref name="task"/> waits on it (bounded).</summary>
    private static async Task<T> RunAsync<T>(FakeTimeProvider time, Task<T> task)
    {
        for (var i = 0; i < 600 && !task.IsCompleted; i++)
        {
            await Task.Delay(1);
            if (!task.IsCompleted)
            {
                time.Advance(TimeSpan.FromSeconds(1));
            }
        }

        return await task;
    }

    /// <summary>An API that answers from a script, recording the fake time of each request.</summary>
    private sealed class ScriptedApi(TimeProvider time, params Func<HttpRequestMessage, HttpResponseMessage>[] script) : HttpMessageHandler
    {
        public List<DateTimeOffset> SentAt { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            SentAt.Add(time.GetUtcNow());
            return Task.FromResult(script[SentAt.Count - 1](request));
        }
    }
}
