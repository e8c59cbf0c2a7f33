using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using static ErrorCatalog.Middleware.Tests.TestApi;

namespace ErrorCatalog.Middleware.Tests;

/// <summary>The QuickStart sample with the demo keys of its appsettings.json, on a fake clock.</summary>
public sealed class QuickStartKeysTests
{
    private const string FreeKey = "qs_free_demo_key_0001";
    private const string ProKey = "qs_pro_demo_key_0002";
    private const string RevokedKey = "qs_revoked_demo_key_0003";
    private const string UnpaidKey = "qs_unpaid_demo_key_0004";

    /// <summary>QuickStart with its TimeProvider replaced; a new one per test, so each test has its own counters.</summary>
    private sealed class QuickStart(FakeTimeProvider time) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder) =>
            builder.ConfigureTestServices(services =>
            {
                services.RemoveAll<TimeProvider>();
                services.AddSingleton<TimeProvider>(time);
            });
    }

    private static async Task<HttpResponseMessage> GetAsync(QuickStart app, string path, string? key = null)
    {
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (key is not null)
        {
            request.Headers.Add("X-API-Key", key);
        }

        return await client.SendAsync(request);
    }

    [Fact]
    public async Task NoKey_Returns401ApiKeyMissing()
    {
        await using var app = new QuickStart(new FakeTimeProvider(DefaultStart));

        using var response = await GetAsync(app, "/v1/rates/EUR-USD");

        var body = await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "API_KEY_MISSING", 1002);
        Assert.Equal("X-API-Key", body.GetProperty("header").GetString());
    }

    [Fact]
    public async Task FreeKey_Returns200_WithRateLimitHeaders()
    {
        await using var app = new QuickStart(new FakeTimeProvider(DefaultStart));

        using var response = await GetAsync(app, "/v1/rates/EUR-USD", FreeKey);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await ReadJsonAsync(response);
        Assert.Equal("EUR-USD", body.GetProperty("pair").GetString());
        Assert.Equal(1.0842m, body.GetProperty("rate").GetDecimal());
        Assert.Equal("10", Header(response, "X-RateLimit-Limit"));
        Assert.Equal("9", Header(response, "X-RateLimit-Remaining"));
        Assert.Equal(new DateTimeOffset(2024, 2, 29, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds().ToString(), Header(response, "X-RateLimit-Reset"));
        Assert.Equal("\"ip\";q=600;w=60, \"minute\";q=10;w=60, \"month\";q=1000;w=2592000", Header(response, "RateLimit-Policy"));
        Assert.Equal("\"ip\";r=599;t=30, \"minute\";r=9;t=30, \"month\";r=999;t=86430", Header(response, "RateLimit"));
    }

    [Fact]
    public async Task SpreadEndpoint_FreeKeyIsRefused403_ProKeyIsAdmitted()
    {
        await using var app = new QuickStart(new FakeTimeProvider(DefaultStart));

        using var free = await GetAsync(app, "/v1/rates/EUR-USD/spread", FreeKey);
        using var pro = await GetAsync(app, "/v1/rates/EUR-USD/spread", ProKey);

        await AssertProblemAsync(free, HttpStatusCode.Forbidden, "API_KEY_PLAN_NOT_AUTHORIZED", 1006);
        Assert.Equal(HttpStatusCode.OK, pro.StatusCode);
        var body = await ReadJsonAsync(pro);
        Assert.Equal(1.0841m, body.GetProperty("bid").GetDecimal());
        Assert.Equal(1.0843m, body.GetProperty("ask").GetDecimal());
        Assert.Equal("100", Header(pro, "X-RateLimit-Limit"));
    }

    [Fact]
    public async Task UnpaidSubscriptionKey_Returns402()
    {
        await using var app = new QuickStart(new FakeTimeProvider(DefaultStart));

        using var response = await GetAsync(app, "/v1/rates/EUR-USD", UnpaidKey);

        await AssertProblemAsync(response, HttpStatusCode.PaymentRequired, "API_KEY_PLAN_REQUIRES_PAYEMENT", 1003);
    }

    [Fact]
    public async Task RevokedKey_Returns401KeyRevoked()
    {
        await using var app = new QuickStart(new FakeTimeProvider(DefaultStart));

        using var response = await GetAsync(app, "/v1/rates/EUR-USD", RevokedKey);

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "KEY_REVOKED");
    }

    [Fact]
    public async Task FreeKey_EleventhRequestInAMinute_Returns429_UntilTheNextMinute()
    {
        var time = new FakeTimeProvider(DefaultStart);
        await using var app = new QuickStart(time);

        for (var i = 0; i < 10; i++)
        {
            using var admitted = await GetAsync(app, "/v1/rates/EUR-USD", FreeKey);
            Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
        }

        using var refused = await GetAsync(app, "/v1/rates/EUR-USD", FreeKey);
        var body = await AssertProblemAsync(refused, HttpStatusCode.TooManyRequests, "API_KEY_PLAN_MINUTE_RATE_LIMIT_REACHED", 1008);
        Assert.Equal("30", Header(refused, "Retry-After"));
        Assert.Equal(10, body.GetProperty("used").GetInt64());
        Assert.Equal(10, body.GetProperty("limit").GetInt64());
        Assert.Equal("0", Header(refused, "X-RateLimit-Remaining"));

        // The pro key has its own counters.
        using var pro = await GetAsync(app, "/v1/rates/EUR-USD", ProKey);
        Assert.Equal(HttpStatusCode.OK, pro.StatusCode);

        time.Advance(TimeSpan.FromSeconds(30));
        using var nextMinute = await GetAsync(app, "/v1/rates/EUR-USD", FreeKey);
        Assert.Equal(HttpStatusCode.OK, nextMinute.StatusCode);
        Assert.Equal("9", Header(nextMinute, "X-RateLimit-Remaining"));
    }

    [Fact]
    public async Task PublicEndpoints_NeedNoKey_AndAreNotCounted()
    {
        await using var app = new QuickStart(new FakeTimeProvider(DefaultStart));

        using var root = await GetAsync(app, "/");
        using var errors = await GetAsync(app, "/errors");
        using var counted = await GetAsync(app, "/v1/rates/EUR-USD", FreeKey);

        Assert.Equal(HttpStatusCode.OK, root.StatusCode);
        Assert.Equal(HttpStatusCode.OK, errors.StatusCode);
        Assert.Null(Header(root, "X-RateLimit-Limit"));
        Assert.Equal("9", Header(counted, "X-RateLimit-Remaining"));
    }
}
