using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using static ErrorCatalog.Middleware.Redis.Tests.RedisCounterStoreTests;

namespace ErrorCatalog.Middleware.Redis.Tests;

/// <summary>
/// Once a window has refused, later requests it would refuse are answered without Redis until the window ends, with
/// the same answer; what other instances used is learnt from the replies.
/// </summary>
public sealed class RedisLocalRefusalTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const string Key = "local-key";

    [Fact]
    public async Task AfterAWindowsFirstRefusal_LaterRefusalsSendNothingToRedis_SameAnswer_UntilTheWindowEnds()
    {
        // Arrange: 3 per minute, used up, and the first refusal from Redis.
        await using var redis = await RedisServer.StartAsync();
        var time = new FakeTimeProvider(RedisTestApi.Start);
        await using var api = await RedisTestApi.StartAsync(redis, Prefix(), time, Section(Key, """ "minute": { "PermitLimit": 3, "Window": "minute" } """));
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(api, Key));
        }

        using var first = await api.GetAsync("/data", Key);
        var firstBody = WithoutRequestId(await first.Content.ReadAsStringAsync());
        await redis.CliAsync("CONFIG RESETSTAT");

        // Act: ten more within the window, then the window ends.
        var later = new List<(HttpStatusCode Status, string Body, string? RetryAfter, string Remaining)>();
        for (var i = 0; i < 10; i++)
        {
            using var response = await api.GetAsync("/data", Key);
            later.Add((response.StatusCode, WithoutRequestId(await response.Content.ReadAsStringAsync()), response.Headers.RetryAfter?.ToString(), response.Headers.GetValues("X-RateLimit-Remaining").Single()));
        }

        var calls = CommandStats(await redis.CliAsync("INFO commandstats")).GetValueOrDefault("evalsha");
        time.Advance(TimeSpan.FromMinutes(1));
        using var next = await api.GetAsync("/data", Key);

        // Assert: the same refusal as Redis's first (body, Retry-After, Remaining), no script call, and the next
        // window admits again.
        output.WriteLine($"10 refusals after the first: {calls} EVALSHA");
        Assert.Equal(HttpStatusCode.TooManyRequests, first.StatusCode);
        Assert.All(later, r => Assert.Equal((HttpStatusCode.TooManyRequests, firstBody, first.Headers.RetryAfter?.ToString(), "0"), r));
        Assert.Equal(0, calls);
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.Equal("2", next.Headers.GetValues("X-RateLimit-Remaining").Single());
    }

    /// <summary>The body without its request id, which differs per request.</summary>
    private static string WithoutRequestId(string body) => System.Text.RegularExpressions.Regex.Replace(body, "\"requestId\":\"[^\"]*\"", "\"requestId\":\"\"");

    [Fact]
    public async Task AnotherInstanceUsedTheWindowUp_ThisOneLearnsItFromItsFirstReply()
    {
        // Arrange: instance A uses the window up; B has not asked yet.
        await using var redis = await RedisServer.StartAsync();
        var time = new FakeTimeProvider(RedisTestApi.Start);
        var prefix = Prefix();
        var section = Section(Key, """ "minute": { "PermitLimit": 3, "Window": "minute" } """);
        await using var a = await RedisTestApi.StartAsync(redis, prefix, time, section);
        await using var b = await RedisTestApi.StartAsync(redis, prefix, time, section);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(a, Key));
        }

        // Act: B's first request asks Redis; its next five do not.
        await redis.CliAsync("CONFIG RESETSTAT");
        var firstOfB = await StatusAsync(b, Key);
        var afterFirst = CommandStats(await redis.CliAsync("INFO commandstats")).GetValueOrDefault("evalsha");
        var rest = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            rest.Add(await StatusAsync(b, Key));
        }

        var afterRest = CommandStats(await redis.CliAsync("INFO commandstats")).GetValueOrDefault("evalsha");

        // Assert
        Assert.Equal(HttpStatusCode.TooManyRequests, firstOfB);
        Assert.Equal(1, afterFirst);
        Assert.All(rest, s => Assert.Equal(HttpStatusCode.TooManyRequests, s));
        Assert.Equal(1, afterRest);
    }

    [Fact]
    public async Task WhatARefusalLearnt_AsksRedisAgainAfterASecond_AndSeesUseGivenBack()
    {
        // Arrange: 3 per minute used up and refused once from Redis; then the counter drops in Redis (as when another
        // instance gives a charge back).
        await using var redis = await RedisServer.StartAsync();
        var time = new FakeTimeProvider(RedisTestApi.Start);
        var prefix = Prefix();
        await using var api = await RedisTestApi.StartAsync(redis, prefix, time, Section(Key, """ "minute": { "PermitLimit": 3, "Window": "minute" } """));
        for (var i = 0; i < 4; i++)
        {
            await StatusAsync(api, Key);
        }

        var counter = (await redis.CliAsync($"--scan --pattern {prefix}*minute*")).Trim();
        await redis.CliAsync($"DECRBY {counter} 1");

        // Act: at once (refused here), then after the figures' second has passed (asks Redis, which admits).
        var atOnce = await StatusAsync(api, Key);
        await Task.Delay(TimeSpan.FromMilliseconds(RedisNames.FreshMilliseconds + 100));
        await redis.CliAsync("CONFIG RESETSTAT");
        var later = await StatusAsync(api, Key);
        var calls = CommandStats(await redis.CliAsync("INFO commandstats")).GetValueOrDefault("evalsha");

        // Assert
        Assert.Equal(HttpStatusCode.TooManyRequests, atOnce);
        Assert.Equal(HttpStatusCode.OK, later);
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task CreditsRefusedForALargeCost_ASmallerCostStillPasses()
    {
        // Arrange: 250 credits a day; /credits costs 100, /cheap 10.
        await using var redis = await RedisServer.StartAsync();
        var time = new FakeTimeProvider(RedisTestApi.Start);
        var section = Section(Key, """ "credits": { "Kind": "Credits", "PermitLimit": 250, "Window": "day" } """);
        await using var api = await RedisTestApi.StartAsync(redis, Prefix(), time, section, map: app => app.MapGet("/cheap", () => "ok").WithCredits(10));

        // Act: 100 + 100, then 100 more is refused (by Redis), then 10 fits, then 100 is refused again (here).
        var statuses = new List<HttpStatusCode>();
        foreach (var path in new[] { "/credits", "/credits", "/credits", "/cheap", "/credits" })
        {
            using var response = await api.GetAsync(path, Key);
            statuses.Add(response.StatusCode);
        }

        // Assert
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal("210", (await redis.CliAsync($"--scan --pattern *credits*")).Split('\n', StringSplitOptions.RemoveEmptyEntries) is [var counter]
            ? (await redis.CliAsync($"GET {counter}")).Trim()
            : "one credits counter expected");
    }
}
