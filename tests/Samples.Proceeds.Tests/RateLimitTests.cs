using System.Net;
using static Samples.Proceeds.Tests.Envelope;
using static Samples.Proceeds.Tests.ProceedsFactory;

namespace Samples.Proceeds.Tests;

/// <summary>"Each API key may make up to 1000 requests per 60-second window": 429 RATE_LIMITED with Retry-After.</summary>
public sealed class RateLimitTests
{
    /// <summary>37 s into a minute: the page's example answer, Retry-After: 23.</summary>
    private static readonly DateTimeOffset ThirtySevenSecondsIn = new(2026, 1, 1, 0, 0, 37, TimeSpan.Zero);

    private static async Task SpendAsync(ProceedsFactory api, string key, int requests)
    {
        using var client = api.CreateClient();
        client.DefaultRequestHeaders.Add("X-API-Key", key);
        for (var i = 0; i < requests; i++)
        {
            using var response = await client.GetAsync("/v1/paywalls");
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"request {i + 1}: {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task Request1001InAWindow_Returns429RateLimited_WithRetryAfter()
    {
        await using var api = new ProceedsFactory(ThirtySevenSecondsIn);

        await SpendAsync(api, OwnerKey, 1000);
        using var refused = await api.GetAsync("/v1/paywalls", OwnerKey);

        // HTTP/1.1 429 Too Many Requests / Retry-After: 23 / {"error": "Rate limit exceeded", "code": "RATE_LIMITED", ...}
        await AssertPlainErrorAsync(refused, HttpStatusCode.TooManyRequests, "RATE_LIMITED", "Rate limit exceeded", ThirtySevenSecondsIn);
        Assert.Equal("23", Header(refused, "Retry-After"));
    }

    [Fact]
    public async Task AfterRetryAfter_TheNextWindowAdmitsAgain()
    {
        await using var api = new ProceedsFactory(ThirtySevenSecondsIn);
        await SpendAsync(api, OwnerKey, 1000);

        api.Time.Advance(TimeSpan.FromSeconds(22));
        using var stillRefused = await api.GetAsync("/v1/paywalls", OwnerKey);
        api.Time.Advance(TimeSpan.FromSeconds(1));
        using var admitted = await api.GetAsync("/v1/paywalls", OwnerKey);

        Assert.Equal(HttpStatusCode.TooManyRequests, stillRefused.StatusCode);
        Assert.Equal("1", Header(stillRefused, "Retry-After"));
        await AssertDataAsync(admitted);
    }

    [Fact]
    public async Task TheLimitIsPerKey_AnotherKeyOfTheSameAccountGoesOn()
    {
        await using var api = new ProceedsFactory(ThirtySevenSecondsIn);
        await SpendAsync(api, OwnerKey, 1000);

        using var refused = await api.GetAsync("/v1/paywalls", OwnerKey);
        using var sibling = await api.GetAsync("/v1/paywalls", ReadOnlyKey);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        await AssertDataAsync(sibling);
    }

    [Fact]
    public async Task RefusedRequests_AreNotCounted()
    {
        await using var api = new ProceedsFactory(ThirtySevenSecondsIn);
        await SpendAsync(api, OwnerKey, 1000);
        for (var i = 0; i < 5; i++)
        {
            using var refused = await api.GetAsync("/v1/paywalls", OwnerKey);
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        }

        api.Time.Advance(TimeSpan.FromSeconds(23));

        // A fresh window of 1000, none of it taken by the refusals.
        await SpendAsync(api, OwnerKey, 1000);
    }

    [Fact]
    public async Task Responses_CarryNoRateLimitHeaders_ThePageDocumentsOnlyRetryAfter()
    {
        await using var api = new ProceedsFactory();

        using var response = await api.GetAsync("/v1/paywalls", OwnerKey);

        await AssertDataAsync(response);
        Assert.Null(Header(response, "X-RateLimit-Limit"));
        Assert.Null(Header(response, "RateLimit"));
        Assert.Null(Header(response, "Retry-After"));
    }
}
