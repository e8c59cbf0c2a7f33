using System.Net;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace ErrorCatalog.Middleware.Redis.Tests;

/// <summary>
/// A script call the client refuses, or a reply the store cannot read (another library version sharing the prefix,
/// a proxy in between), gets the outage policy like any outage: never a 500, and no request left waiting.
/// </summary>
public sealed class RedisUnreadableReplyTests
{
    [Theory]
    [InlineData("reply-not-a-string", "FailClosed", HttpStatusCode.ServiceUnavailable)]
    [InlineData("reply-not-a-string", "FailOpen", HttpStatusCode.OK)]
    [InlineData("reply-too-short", "FailClosed", HttpStatusCode.ServiceUnavailable)]
    [InlineData("send-throws", "FailClosed", HttpStatusCode.ServiceUnavailable)]
    [InlineData("send-throws", "FailOpen", HttpStatusCode.OK)]
    public async Task AClientOrReplyFault_GetsTheOutagePolicy_NotA500(string fault, string policy, HttpStatusCode expected)
    {
        // Arrange: a real Redis behind a client whose script calls misbehave in one way.
        await using var redis = await RedisServer.StartAsync();
        using var real = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var database = real.GetDatabase();
        var faulty = ForwardingProxy<IDatabase>.Create(database, (method, args) =>
            method.Name == nameof(IDatabase.ExecuteRespAsync) && args[0] is "EVALSHA" or "EVAL"
                ? fault switch
                {
                    "reply-not-a-string" => database.ExecuteRespAsync("TIME", ReadOnlyMemory<RedisKeyOrValue>.Empty),
                    "reply-too-short" => database.ExecuteRespAsync("ECHO", new RedisKeyOrValue[] { (RedisValue)"x" }),
                    _ => throw new InvalidOperationException("The client refused the call."),
                }
                : null);
        var multiplexer = ForwardingProxy<IConnectionMultiplexer>.Create(real, (method, _) =>
            method.Name == nameof(IConnectionMultiplexer.GetDatabase) ? faulty : null);
        var section = RedisCounterStoreTests.Section("fault-key", """ "minute": { "PermitLimit": 1000, "Window": "minute" } """);
        await using var api = await RedisTestApi.StartAsync(
            redis, RedisCounterStoreTests.Prefix(), new FakeTimeProvider(RedisTestApi.Start), section, policy, connection: _ => multiplexer);

        // Act: several requests at once, so a call carries more than one.
        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => api.GetAsync("/data", "fault-key")));

        // Assert
        Assert.All(responses, response => Assert.Equal(expected, response.StatusCode));
        if (expected == HttpStatusCode.ServiceUnavailable)
        {
            Assert.All(responses, response => Assert.NotNull(response.Headers.RetryAfter));
        }

        foreach (var response in responses)
        {
            response.Dispose();
        }
    }
}
