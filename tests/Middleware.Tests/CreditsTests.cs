using System.Net;
using static ErrorCatalog.Middleware.Tests.TestApi;

namespace ErrorCatalog.Middleware.Tests;

/// <summary>Credit quotas: endpoint costs, the refusal's body, default costs and overage.</summary>
public sealed class CreditsTests
{
    private static string Config(string keys, long defaultCredits = 1) => $$"""
        {
          "ApiErrorCatalog": {
            "Headers": "XRateLimit, UnitsLimit",
            "DefaultCredits": {{defaultCredits}},
            "Plans": { "node": { "Limits": { "credits": { "Kind": "Credits", "PermitLimit": 50, "Window": "day" } } } },
            "ApiKeys": [ {{keys}} ]
          }
        }
        """;

    private static string Key(string id, string key, bool overage = false) =>
        $$"""{ "Id": "{{id}}", "Hash": "{{Hash(key)}}", "Plan": "node", "Overage": {{(overage ? "true" : "false")}} }""";

    [Fact]
    public async Task WithCredits20_AgainstFiftyPerDay_ThirdIsRefusedWithCostRemainingAndLimit()
    {
        var key = NewKey();
        await using var api = await StartAsync(Config(Key("a", key)));

        using var first = await api.GetAsync("/credits20", key);
        using var second = await api.GetAsync("/credits20", key);
        using var third = await api.GetAsync("/credits20", key);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("30", Header(first, "X-UnitsLimit-Quota-Remaining"));
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("40", Header(second, "X-UnitsLimit-Used"));
        var body = await AssertProblemAsync(third, HttpStatusCode.TooManyRequests, "CREDITS_LIMIT_REACHED");
        Assert.Equal(20, body.GetProperty("cost").GetInt64());
        Assert.Equal(10, body.GetProperty("remaining").GetInt64());
        Assert.Equal(50, body.GetProperty("limit").GetInt64());
        Assert.Equal(30, body.GetProperty("retryAfter").GetInt64());
        Assert.Equal("This call costs 20 credits; 10 of 50 remain in the 24-hour quota.", body.GetProperty("detail").GetString());
        Assert.Equal("30", Header(third, "Retry-After"));
        Assert.Equal("40", Header(third, "X-UnitsLimit-Used"));
        Assert.Equal("10", Header(third, "X-UnitsLimit-Quota-Remaining"));
    }

    [Fact]
    public async Task RefusedExpensiveCall_ChargesNothing_SoACheaperOneStillFits()
    {
        var key = NewKey();
        await using var api = await StartAsync(Config(Key("a", key)));

        using var a = await api.GetAsync("/credits20", key);
        using var b = await api.GetAsync("/credits20", key);
        using var refused = await api.GetAsync("/credits20", key);
        using var cheaper = await api.GetAsync("/credits10", key);
        using var nothingLeft = await api.GetAsync("/credits10", key);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, cheaper.StatusCode);
        Assert.Equal("50", Header(cheaper, "X-UnitsLimit-Used"));
        Assert.Equal("0", Header(cheaper, "X-UnitsLimit-Quota-Remaining"));
        var body = await AssertProblemAsync(nothingLeft, HttpStatusCode.TooManyRequests, "CREDITS_LIMIT_REACHED");
        Assert.Equal(0, body.GetProperty("remaining").GetInt64());
    }

    [Fact]
    public async Task EndpointWithoutCost_CostsDefaultCredits()
    {
        var key = NewKey();
        await using var api = await StartAsync(Config(Key("a", key), defaultCredits: 5));

        using var response = await api.GetAsync("/whoami", key);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("5", Header(response, "X-UnitsLimit-Used"));
        var body = await ReadJsonAsync(response);
        Assert.Equal(5, body.GetProperty("credits").GetInt64());
        Assert.False(body.GetProperty("overage").GetBoolean());
    }

    [Fact]
    public async Task CreditsQuotaResets_AtMidnightUtc()
    {
        var key = NewKey();
        await using var api = await StartAsync(Config(Key("a", key)));

        using var a = await api.GetAsync("/credits20", key);
        using var b = await api.GetAsync("/credits20", key);
        using var refused = await api.GetAsync("/credits20", key);
        api.Time.Advance(TimeSpan.FromSeconds(30));
        using var tomorrow = await api.GetAsync("/credits20", key);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, tomorrow.StatusCode);
        Assert.Equal("20", Header(tomorrow, "X-UnitsLimit-Used"));
    }

    [Fact]
    public async Task OverageKey_PastItsQuota_IsAdmittedAndReportedAsOverage()
    {
        var key = NewKey();
        await using var api = await StartAsync(Config(Key("a", key, overage: true)));

        using var first = await api.GetAsync("/credits20", key);
        using var second = await api.GetAsync("/credits20", key);
        using var third = await api.GetAsync("/credits20", key);
        using var whoami = await api.GetAsync("/whoami", key);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("enabled", Header(first, "X-UnitsLimit-Quota-Overage"));
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
        Assert.Equal("enabled", Header(third, "X-UnitsLimit-Quota-Overage"));
        Assert.Equal("50", Header(third, "X-UnitsLimit-Quota-Allocated"));
        Assert.Equal("60", Header(third, "X-UnitsLimit-Used"));
        Assert.Equal("0", Header(third, "X-UnitsLimit-Quota-Remaining"));
        Assert.True(long.Parse(Header(third, "X-UnitsLimit-Used")!) > long.Parse(Header(third, "X-UnitsLimit-Quota-Allocated")!));
        Assert.Null(Header(third, "Retry-After"));

        Assert.Equal(HttpStatusCode.OK, whoami.StatusCode);
        var feature = await ReadJsonAsync(whoami);
        Assert.True(feature.GetProperty("overage").GetBoolean());
        Assert.Equal("61", Header(whoami, "X-UnitsLimit-Used"));
    }

    [Fact]
    public async Task KeyWithoutOverage_PastItsQuota_IsRefused_WhileAnOverageKeyGoesOn()
    {
        var plain = NewKey();
        var overage = NewKey();
        await using var api = await StartAsync(Config(Key("plain", plain) + "," + Key("overage", overage, overage: true)));

        for (var i = 0; i < 2; i++)
        {
            using var p = await api.GetAsync("/credits20", plain);
            using var o = await api.GetAsync("/credits20", overage);
            Assert.Equal("disabled", Header(p, "X-UnitsLimit-Quota-Overage"));
        }

        using var plainRefused = await api.GetAsync("/credits20", plain);
        using var overageAdmitted = await api.GetAsync("/credits20", overage);

        await AssertProblemAsync(plainRefused, HttpStatusCode.TooManyRequests, "CREDITS_LIMIT_REACHED");
        Assert.Equal("disabled", Header(plainRefused, "X-UnitsLimit-Quota-Overage"));
        Assert.Equal(HttpStatusCode.OK, overageAdmitted.StatusCode);
    }
}
