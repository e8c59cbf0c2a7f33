using System.Net;
using static ErrorCatalog.Middleware.Tests.TestApi;

namespace ErrorCatalog.Middleware.Tests;

/// <summary>One decision per request: all limits are charged or none, exactly, under contention too; the IP limit.</summary>
public sealed class AdmissionTests
{
    [Fact]
    public async Task RequestRefusedByOneLimit_ChargesNothingOnTheOthers()
    {
        var key = NewKey();
        await using var api = await StartAsync($$"""
            {
              "ApiErrorCatalog": {
                "Headers": "XRateLimit, Ietf",
                "Plans": { "p": { "Limits": {
                  "minute": { "PermitLimit": 5, "Window": "minute" },
                  "month": { "PermitLimit": 3, "Window": "month" }
                } } },
                "ApiKeys": [ { "Id": "key", "Hash": "{{Hash(key)}}", "Plan": "p" } ]
              }
            }
            """);

        for (var i = 0; i < 3; i++)
        {
            using var admitted = await api.GetAsync("/ok", key);
            Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
        }

        using var fourth = await api.GetAsync("/ok", key);
        using var fifth = await api.GetAsync("/ok", key);

        await AssertProblemAsync(fourth, HttpStatusCode.TooManyRequests, "API_KEY_PLAN_MONTHLY_RATE_LIMIT_REACHED", 1010);
        await AssertProblemAsync(fifth, HttpStatusCode.TooManyRequests, "API_KEY_PLAN_MONTHLY_RATE_LIMIT_REACHED", 1010);

        // 23:59:30 on the 28th: the minute still has 2 of 5 after the month refused twice.
        Assert.Equal("\"minute\";r=2;t=30, \"month\";r=0;t=86430", Header(fifth, "RateLimit"));
        Assert.Equal("3", Header(fifth, "X-RateLimit-Limit"));
        Assert.Equal("0", Header(fifth, "X-RateLimit-Remaining"));
    }

    [Fact]
    public async Task RequestRefusedByTheKeyLimit_ChargesNothingOnTheIpLimit()
    {
        var key = NewKey();
        await using var api = await StartAsync($$"""
            {
              "ApiErrorCatalog": {
                "IpLimit": { "PermitLimit": 10, "Window": "minute" },
                "Plans": { "p": { "Limits": { "minute": { "PermitLimit": 1, "Window": "minute" } } } },
                "ApiKeys": [ { "Id": "key", "Hash": "{{Hash(key)}}", "Plan": "p" } ]
              }
            }
            """);

        using var admitted = await api.GetAsync("/ok", key, ip: "192.0.2.10");
        for (var i = 0; i < 3; i++)
        {
            using var refused = await api.GetAsync("/ok", key, ip: "192.0.2.10");
            await AssertProblemAsync(refused, HttpStatusCode.TooManyRequests, "API_KEY_PLAN_MINUTE_RATE_LIMIT_REACHED", 1008);
        }

        using var anonymous = await api.GetAsync("/optional", ip: "192.0.2.10");

        Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
        Assert.Equal(HttpStatusCode.OK, anonymous.StatusCode);
        Assert.Equal("10", Header(anonymous, "X-RateLimit-Limit"));
        Assert.Equal("8", Header(anonymous, "X-RateLimit-Remaining"));
    }

    [Fact]
    public async Task IpLimit_RefusesEachAddressOverItsLimit_WithIpRateLimitReached()
    {
        await using var api = await StartAsync("""
            {
              "ApiErrorCatalog": {
                "KeyReading": { "Required": false },
                "IpLimit": { "PermitLimit": 2, "Window": "minute" }
              }
            }
            """);

        for (var i = 0; i < 2; i++)
        {
            using var admitted = await api.GetAsync("/ok", ip: "192.0.2.1");
            Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
        }

        using var refused = await api.GetAsync("/ok", ip: "192.0.2.1");
        using var otherAddress = await api.GetAsync("/ok", ip: "192.0.2.2");
        using var exempt = await api.GetAsync("/exempt", ip: "192.0.2.1");

        var body = await AssertProblemAsync(refused, HttpStatusCode.TooManyRequests, "IP_RATE_LIMIT_REACHED", 1011);
        Assert.Equal("30", Header(refused, "Retry-After"));
        Assert.Equal(30, body.GetProperty("retryAfter").GetInt64());
        Assert.Equal(HttpStatusCode.OK, otherAddress.StatusCode);
        Assert.Equal(HttpStatusCode.OK, exempt.StatusCode);
        Assert.Null(Header(exempt, "X-RateLimit-Limit"));
    }

    [Fact]
    public async Task SixtyFourConcurrentClients_AgainstALimitOfFifty_AdmitExactlyFifty()
    {
        const int Limit = 50;
        const int Clients = 64;
        const int Rounds = 3;
        var key = NewKey();
        await using var api = await StartAsync($$"""
            {
              "ApiErrorCatalog": {
                "Plans": { "p": { "Limits": { "minute": { "PermitLimit": {{Limit}}, "Window": "minute" } } } },
                "ApiKeys": [ { "Id": "key", "Hash": "{{Hash(key)}}", "Plan": "p" } ]
              }
            }
            """);

        var admitted = 0;
        var refused = 0;
        var other = 0;
        for (var round = 0; round < Rounds; round++)
        {
            var responses = await Task.WhenAll(Enumerable.Range(0, Clients).Select(_ => Task.Run(() => api.GetAsync("/ok", key))));
            foreach (var response in responses)
            {
                switch (response.StatusCode)
                {
                    case HttpStatusCode.OK: admitted++; break;
                    case HttpStatusCode.TooManyRequests: refused++; break;
                    default: other++; break;
                }

                response.Dispose();
            }
        }

        Assert.True(
            admitted == Limit && refused == (Clients * Rounds) - Limit && other == 0,
            $"{Clients} clients x {Rounds} rounds = {Clients * Rounds} requests against {Limit}: admitted {admitted}, refused {refused}, other {other}");
    }

    [Fact]
    public async Task ConcurrentClientsOfTwoKeys_SharingASubscription_NeverExceedEitherLimit()
    {
        // Two counters per request (the key's own and the subscription's), locked in a fixed order: no deadlock,
        // and neither limit is exceeded.
        string a = NewKey(), b = NewKey();
        await using var api = await StartAsync($$"""
            {
              "ApiErrorCatalog": {
                "Plans": { "p": { "Limits": { "calls": { "PermitLimit": 50, "Window": "minute", "Scope": "Subscription", "Refusal": "MinuteLimit" } } } },
                "Subscriptions": { "s": { "Plan": "p" } },
                "ApiKeys": [
                  { "Id": "a", "Hash": "{{Hash(a)}}", "Subscription": "s", "Limits": { "calls": 30 } },
                  { "Id": "b", "Hash": "{{Hash(b)}}", "Subscription": "s", "Limits": { "calls": 30 } }
                ]
              }
            }
            """);

        var responses = await Task.WhenAll(Enumerable.Range(0, 128).Select(i => Task.Run(() => api.GetAsync("/ok", i % 2 == 0 ? a : b))))
            .WaitAsync(TimeSpan.FromSeconds(30));
        var admittedA = responses.Where((r, i) => i % 2 == 0 && r.StatusCode == HttpStatusCode.OK).Count();
        var admittedB = responses.Where((r, i) => i % 2 == 1 && r.StatusCode == HttpStatusCode.OK).Count();
        var other = responses.Count(r => r.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.TooManyRequests));
        foreach (var response in responses)
        {
            response.Dispose();
        }

        Assert.True(
            admittedA <= 30 && admittedB <= 30 && admittedA + admittedB == 50 && other == 0,
            $"admitted A {admittedA} (own 30), B {admittedB} (own 30), total {admittedA + admittedB} (subscription 50), other {other}");
    }

    [Fact]
    public async Task ConcurrentCreditCalls_AdmitExactlyWhatTheQuotaHolds()
    {
        var key = NewKey();
        await using var api = await StartAsync($$"""
            {
              "ApiErrorCatalog": {
                "Headers": "UnitsLimit",
                "Plans": { "p": { "Limits": { "credits": { "Kind": "Credits", "PermitLimit": 1005, "Window": "day" } } } },
                "ApiKeys": [ { "Id": "key", "Hash": "{{Hash(key)}}", "Plan": "p" } ]
              }
            }
            """);

        var responses = await Task.WhenAll(Enumerable.Range(0, 128).Select(_ => Task.Run(() => api.GetAsync("/credits20", key))));
        var admitted = responses.Count(r => r.StatusCode == HttpStatusCode.OK);
        foreach (var response in responses)
        {
            response.Dispose();
        }

        using var cheap = await api.GetAsync("/credits10", key);

        Assert.True(admitted == 50, $"128 calls of 20 credits against 1005: admitted {admitted}, expected 50");
        Assert.Equal(HttpStatusCode.TooManyRequests, cheap.StatusCode); // 5 left, 10 asked
    }
}
