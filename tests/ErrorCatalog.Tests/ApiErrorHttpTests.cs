using System.Net;
using System.Text.Json;
using ErrorCatalog.Testing;
using ErrorCatalog.Tests.Fakes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static ErrorCatalog.Tests.Fakes.TestContexts;

namespace ErrorCatalog.Tests;

/// <summary><see cref="ApiError"/> as an <see cref="IResult"/> and <see cref="IActionResult"/>, through real hosts.</summary>
public sealed class ApiErrorHttpTests
{
    private static WebApplication CreateApp(bool kestrel)
    {
        var builder = WebApplication.CreateSlimBuilder();
        if (kestrel)
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
        }
        else
        {
            builder.WebHost.UseTestServer();
        }

        builder.Services.AddSingleton<TimeProvider>(new FakeTimeProvider(Now));
        var app = builder.Build();
        app.Use((context, next) =>
        {
            context.TraceIdentifier = "req-1";
            return next(context);
        });
        app.MapGet("/limited", () => ApiErrors.ApiKeyPlanMinuteRateLimitReached(10, 10, TimeSpan.FromSeconds(41.2)));
        app.MapGet("/flat", IResult () => ApiErrors.RateLimitExceeded(61, 60, TimeSpan.FromSeconds(30), "60/min", "https://example.test/pricing"))
            .WithErrorShape("flat");
        app.MapGet("/envelope", () => ApiErrors.RateLimited(TimeSpan.FromSeconds(5))).WithErrorShape("envelope");
        app.MapGet("/echo", (string text) =>
        {
            var error = new ApiError(TestCatalog.Echo);
            error.Set(0, text);
            return error;
        });
        return app;
    }

    private static async Task<(HttpResponseMessage Response, byte[] Body)> GetAsync(string path, bool kestrel = false)
    {
        await using var app = CreateApp(kestrel);
        await app.StartAsync();
        using var client = kestrel
            ? new HttpClient { BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First()) }
            : app.GetTestClient();
        var response = await client.GetAsync(path);
        var body = await response.Content.ReadAsByteArrayAsync();
        await app.StopAsync();
        return (response, body);
    }

    [Fact]
    public async Task ResultFromEndpoint_WritesProblemWithHeadersAndLength()
    {
        var (response, body) = await GetAsync("/limited");

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(body.Length, response.Content.Headers.ContentLength);
        Assert.Equal(TimeSpan.FromSeconds(42), response.Headers.RetryAfter?.Delta);
        var problem = Parse(body);
        Assert.Equal("API_KEY_PLAN_MINUTE_RATE_LIMIT_REACHED", problem.GetProperty("code").GetString());
        Assert.Equal("/limited", problem.GetProperty("instance").GetString());
        Assert.Equal("req-1", problem.GetProperty("requestId").GetString());
        Assert.Equal(42, problem.GetProperty("retryAfter").GetInt64());
    }

    [Fact]
    public async Task ResultFromKestrel_IsSentWithLengthNotChunked()
    {
        var (response, body) = await GetAsync("/limited", kestrel: true);

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.NotEqual(true, response.Headers.TransferEncodingChunked);
        Assert.Equal(body.Length, response.Content.Headers.ContentLength);
        Assert.Equal("42", Assert.Single(response.Headers.GetValues("Retry-After")));
    }

    [Fact]
    public async Task EndpointWithErrorShape_WritesThatShape()
    {
        var (response, body) = await GetAsync("/flat");

        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(body.Length, response.Content.Headers.ContentLength);
        Assert.Equal("30", Assert.Single(response.Headers.GetValues("Retry-After")));
        var flat = Parse(body);
        Assert.Equal(["error", "detail", "retry_after_seconds", "tier_limit", "upgrade_url"], Names(flat));
        Assert.Equal("rate_limit_exceeded", flat.GetProperty("error").GetString());
    }

    [Fact]
    public async Task EndpointWithEnvelopeShape_TakesRequestIdAndTimeFromTheRequest()
    {
        var (_, body) = await GetAsync("/envelope");

        var meta = Parse(body).GetProperty("meta");
        Assert.Equal("req-1", meta.GetProperty("requestId").GetString());
        Assert.Equal("2025-03-01T12:34:56.789Z", meta.GetProperty("timestamp").GetString());
    }

    [Fact]
    public async Task HeaderFromHostileString_ReachesKestrelSafely()
    {
        var (response, body) = await GetAsync("/echo?text=" + Uri.EscapeDataString("a\r\nSet-Cookie: x=1 é"), kestrel: true);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie"));
        Assert.Equal("reason=a??Set-Cookie: x=1 ?", Assert.Single(response.Headers.GetValues("X-Reason")));
        Assert.Equal("a\r\nSet-Cookie: x=1 é", Parse(body).GetProperty("reason").GetString());
    }

    [Fact]
    public async Task ActionResult_WritesLikeTheResult()
    {
        var fake = new FakeResponse();
        IActionResult result = ApiErrors.RateLimited(TimeSpan.FromSeconds(5));

        await result.ExecuteResultAsync(new ActionContext(fake.Context, new RouteData(), new ActionDescriptor()));

        Assert.Equal(429, fake.StatusCode);
        Assert.Equal("5", fake.FakeHeaders["Retry-After"].ToString());
        Assert.Equal("application/problem+json", fake.FakeHeaders["Content-Type"].ToString());
        Assert.Equal(JsonValueKind.Object, Parse(fake.Pipe.Written.ToArray()).ValueKind);
    }

    [Fact]
    public void ResultMetadata_ExposesStatusAndContentType()
    {
        IResult result = ApiErrors.NotFound("x");

        Assert.Equal(404, ((IStatusCodeHttpResult)result).StatusCode);
        Assert.Equal("application/problem+json", ((IContentTypeHttpResult)result).ContentType);
    }
}
