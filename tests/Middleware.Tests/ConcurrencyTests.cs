using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using static ErrorCatalog.Middleware.Tests.TestApi;

namespace ErrorCatalog.Middleware.Tests;

/// <summary>The in-flight limit: refused while full, released when a request ends however it ends.</summary>
public sealed class ConcurrencyTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private static string Config(string key, int permit = 1) => $$"""
        {
          "ApiErrorCatalog": {
            "Plans": { "p": { "Limits": {
              "inflight": { "Kind": "Concurrency", "PermitLimit": {{permit}} },
              "minute": { "PermitLimit": 1000, "Window": "minute" }
            } } },
            "ApiKeys": [ { "Id": "key", "Hash": "{{Hash(key)}}", "Plan": "p" } ]
          }
        }
        """;

    /// <summary>Endpoints that block until released, or until the client goes away, or throw.</summary>
    private sealed class Gate
    {
        private int _entered;

        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource SecondEntered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Map(WebApplication app)
        {
            app.MapGet("/block", async () =>
            {
                (Interlocked.Increment(ref _entered) == 1 ? Entered : SecondEntered).TrySetResult();
                await Release.Task;
                return "done";
            });
            app.MapGet("/until-aborted", async (HttpContext context) =>
            {
                Entered.TrySetResult();
                var aborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                using var registration = context.RequestAborted.Register(() => aborted.TrySetCanceled(context.RequestAborted));
                await aborted.Task;
                return "unreachable";
            });
            app.MapGet("/throw", string () => throw new InvalidOperationException("endpoint failed"));
            app.MapGet("/throw-async", async Task<string> () =>
            {
                await Task.Yield();
                throw new InvalidOperationException("endpoint failed later");
            });
        }
    }

    private static HttpRequestMessage Get(string path, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add(KeyHeader, key);
        return request;
    }

    /// <summary>Polls (bounded) until a request is admitted: the release after an abort may finish a moment later.</summary>
    private static async Task<HttpStatusCode> EventuallyAdmittedAsync(TestApi api, string key)
    {
        var status = HttpStatusCode.TooManyRequests;
        for (var attempt = 0; attempt < 200 && status == HttpStatusCode.TooManyRequests; attempt++)
        {
            if (attempt > 0)
            {
                await Task.Delay(25); // waits for the server's continuation, not for the fake clock
            }

            using var response = await api.GetAsync("/ok", key);
            status = response.StatusCode;
        }

        return status;
    }

    [Fact]
    public async Task SecondConcurrentRequest_Returns429ConcurrencyLimitReached_UntilTheFirstCompletes()
    {
        var key = NewKey();
        var gate = new Gate();
        await using var api = await StartAsync(Config(key), gate.Map);

        var first = api.Client.SendAsync(Get("/block", key));
        await gate.Entered.Task.WaitAsync(Patience);
        using var second = await api.GetAsync("/ok", key);

        var body = await AssertProblemAsync(second, HttpStatusCode.TooManyRequests, "CONCURRENCY_LIMIT_REACHED");
        Assert.Equal("1", Header(second, "Retry-After"));
        Assert.Equal(1, body.GetProperty("limit").GetInt64());
        Assert.Equal("This API key already has 1 requests in flight.", body.GetProperty("detail").GetString());
        Assert.False(first.IsCompleted);

        gate.Release.SetResult();
        using var firstResponse = await first.WaitAsync(Patience);
        Assert.Equal(HttpStatusCode.OK, firstResponse.StatusCode);
        Assert.Equal("done", await firstResponse.Content.ReadAsStringAsync());

        using var third = await api.GetAsync("/ok", key);
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
    }

    [Fact]
    public async Task LimitOfTwo_AdmitsTwoInFlight_RefusesTheThird()
    {
        var key = NewKey();
        var gate = new Gate();
        await using var api = await StartAsync(Config(key, permit: 2), gate.Map);

        var first = api.Client.SendAsync(Get("/block", key));
        await gate.Entered.Task.WaitAsync(Patience);
        using var whileOne = await api.GetAsync("/ok", key);
        var second = api.Client.SendAsync(Get("/block", key));
        await gate.SecondEntered.Task.WaitAsync(Patience);
        using var whileTwo = await api.GetAsync("/ok", key);

        Assert.Equal(HttpStatusCode.OK, whileOne.StatusCode);
        var body = await AssertProblemAsync(whileTwo, HttpStatusCode.TooManyRequests, "CONCURRENCY_LIMIT_REACHED");
        Assert.Equal(2, body.GetProperty("limit").GetInt64());

        gate.Release.SetResult();
        using var firstResponse = await first.WaitAsync(Patience);
        using var secondResponse = await second.WaitAsync(Patience);
        Assert.Equal(HttpStatusCode.OK, firstResponse.StatusCode);
        Assert.Equal(HttpStatusCode.OK, secondResponse.StatusCode);
        using var after = await api.GetAsync("/ok", key);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Theory]
    [InlineData("/throw")]
    [InlineData("/throw-async")]
    public async Task EndpointThrows_LeaseIsReleased(string path)
    {
        var key = NewKey();
        await using var api = await StartAsync(Config(key), new Gate().Map);

        for (var i = 0; i < 3; i++)
        {
            using var failed = await api.GetAsync(path, key);
            Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        }

        using var next = await api.GetAsync("/ok", key);
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    [Fact]
    public async Task ClientAborts_LeaseIsReleased()
    {
        var key = NewKey();
        var gate = new Gate();
        await using var api = await StartAsync(Config(key), gate.Map);
        using var cancel = new CancellationTokenSource();

        var pending = api.Client.SendAsync(Get("/until-aborted", key), cancel.Token);
        await gate.Entered.Task.WaitAsync(Patience);
        using (var whileInFlight = await api.GetAsync("/ok", key))
        {
            await AssertProblemAsync(whileInFlight, HttpStatusCode.TooManyRequests, "CONCURRENCY_LIMIT_REACHED");
        }

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending.WaitAsync(Patience));

        Assert.Equal(HttpStatusCode.OK, await EventuallyAdmittedAsync(api, key));
    }
}
