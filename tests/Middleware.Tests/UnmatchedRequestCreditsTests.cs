using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using static ErrorCatalog.Middleware.Tests.TestApi;

namespace ErrorCatalog.Middleware.Tests;

/// <summary>
/// Requests no endpoint of the application answers (an unknown route, routing's 405 and 415, a parameter the
/// framework cannot bind) cost no credits; they still count against request limits.
/// </summary>
public sealed class UnmatchedRequestCreditsTests
{
    private static string Config(string key) => $$"""
        {
          "ApiErrorCatalog": {
            "Plans": { "p": { "Limits": {
              "credits": { "Kind": "Credits", "PermitLimit": 10, "Window": "day" },
              "minute": { "PermitLimit": 4, "Window": "minute" }
            } } },
            "ApiKeys": [ { "Id": "key", "Hash": "{{Hash(key)}}", "Plan": "p" } ]
          }
        }
        """;

    [Fact]
    public async Task UnknownRoute405And415_CostNoCredits_ButCountAsRequests()
    {
        var key = NewKey();
        await using var api = await StartAsync(Config(key), static app =>
            app.MapPost("/json-only", () => "ok").Accepts<string>("application/json").WithCredits(10));

        using var unknown = await api.GetAsync("/nothing-here", key);
        using var wrongMethod = await SendAsync(api, HttpMethod.Post, "/credits10", key);
        using var wrongType = await SendAsync(api, HttpMethod.Post, "/json-only", key, new StringContent("x", Encoding.UTF8, "text/plain"));
        using var charged = await api.GetAsync("/credits10", key);
        using var fifth = await api.GetAsync("/nothing-here", key);

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, wrongType.StatusCode);
        Assert.Equal(HttpStatusCode.OK, charged.StatusCode); // all 10 credits were left for it
        await AssertProblemAsync(fifth, HttpStatusCode.TooManyRequests, "API_KEY_PLAN_MINUTE_RATE_LIMIT_REACHED", 1008);
    }

    /// <summary>
    /// A minimal API's int parameter given "abc": the framework answers 400 before the handler runs, by the catalog's
    /// problem writer (UseStatusCodePages) or its exception handler (ThrowOnBadRequest): the credits go back, the
    /// request still counts against the request limit. The handler's own 400 is charged.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ParameterThatDoesNotBind_CostsNoCredits_ButCountsAsARequest(bool throwOnBadRequest)
    {
        var key = NewKey();
        var json = Config(key).Replace("\"ApiKeys\"", "\"StatusErrors\": { \"400\": \"BAD_REQUEST\" }, \"ApiKeys\"", StringComparison.Ordinal)
            .Replace("\"PermitLimit\": 10", "\"PermitLimit\": 15", StringComparison.Ordinal);
        await using var api = await StartAsync(
            json,
            app =>
            {
                if (throwOnBadRequest)
                {
                    app.UseExceptionHandler();
                }
                else
                {
                    app.UseStatusCodePages();
                }

                app.MapGet("/typed", IResult (int n) => n < 0 ? ApiErrors.BadRequest("n must not be negative") : Results.Ok(n)).WithCredits(5);
            },
            configure: b => b.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = throwOnBadRequest));

        // 15 credits, 4 requests a minute.
        using var unbound1 = await api.GetAsync("/typed?n=abc", key);
        using var unbound2 = await api.GetAsync("/typed?n=abc", key);
        using var own = await api.GetAsync("/typed?n=-1", key);     // 5 credits
        using var good = await api.GetAsync("/typed?n=1", key);     // 5 more: charged for the two 400s, it would be refused
        using var fifthRequest = await api.GetAsync("/typed?n=1", key);

        var problem = await AssertProblemAsync(unbound1, HttpStatusCode.BadRequest, "BAD_REQUEST");
        if (throwOnBadRequest)
        {
            Assert.Contains("abc", problem.GetProperty("detail").GetString(), StringComparison.Ordinal); // the exception's message
        }

        await AssertProblemAsync(unbound2, HttpStatusCode.BadRequest, "BAD_REQUEST");
        Assert.Contains("negative", (await AssertProblemAsync(own, HttpStatusCode.BadRequest, "BAD_REQUEST")).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        await AssertProblemAsync(fifthRequest, HttpStatusCode.TooManyRequests, "API_KEY_PLAN_MINUTE_RATE_LIMIT_REACHED", 1008);
    }

    /// <summary>
    /// Credits go back only to the window they were charged in: a request that fails to bind as its day ends (the
    /// clock moves while it runs, and the next day's first request is charged meanwhile) gives the next day nothing.
    /// </summary>
    [Fact]
    public async Task ParameterThatDoesNotBind_AfterItsWindowEnded_GivesTheNextWindowNothing()
    {
        var key = NewKey();
        var json = Config(key).Replace("\"ApiKeys\"", "\"StatusErrors\": { \"400\": \"BAD_REQUEST\" }, \"ApiKeys\"", StringComparison.Ordinal)
            .Replace("\"PermitLimit\": 4", "\"PermitLimit\": 100", StringComparison.Ordinal);
        TestApi? started = null;
        HttpStatusCode? nextDay = null;
        await using var api = started = await StartAsync(json, app =>
        {
            app.UseStatusCodePages();
            app.Use(async (context, next) =>
            {
                await next(context);
                if (context.Request.Query.ContainsKey("late"))
                {
                    // The request ends 40 s later, in the next day (it began at 23:59:30), after that day's first
                    // request was charged in the same counters (not yet idle long enough to be reclaimed).
                    started!.Time.Advance(TimeSpan.FromSeconds(40));
                    using var charged = await started.GetAsync("/typed?n=1", key);
                    nextDay = charged.StatusCode;
                }
            });
            app.MapGet("/typed", (int n) => n).WithCredits(5);
        });

        using var late = await api.GetAsync("/typed?n=abc&late=1", key); // charged 5 on day 1, answered on day 2
        using var second = await api.GetAsync("/typed?n=1", key);
        using var third = await api.GetAsync("/typed?n=1", key);

        await AssertProblemAsync(late, HttpStatusCode.BadRequest, "BAD_REQUEST");
        Assert.Equal(HttpStatusCode.OK, nextDay);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        await AssertProblemAsync(third, HttpStatusCode.TooManyRequests, "CREDITS_LIMIT_REACHED"); // day 2 has its 10, no more
    }

    /// <summary>.NET's minimal-API validation (AddValidation) refuses before the handler runs: no credits.</summary>
    [Fact]
    public async Task ValidationThatFails_CostsNoCredits()
    {
        var key = NewKey();
        var json = Config(key).Replace("\"ApiKeys\"", "\"StatusErrors\": { \"400\": \"BAD_REQUEST\" }, \"ApiKeys\"", StringComparison.Ordinal);
        await using var api = await StartAsync(
            json,
            app => app.MapGet("/validated", ([Range(1, 9)] int n) => n).WithCredits(5),
            configure: b => b.Services.AddValidation());

        using var invalid1 = await api.GetAsync("/validated?n=50", key);
        using var invalid2 = await api.GetAsync("/validated?n=50", key);
        using var charged = await api.GetAsync("/credits10", key);

        var body = await AssertProblemAsync(invalid1, HttpStatusCode.BadRequest, "BAD_REQUEST");
        await AssertProblemAsync(invalid2, HttpStatusCode.BadRequest, "BAD_REQUEST");
        Assert.Equal(HttpStatusCode.OK, charged.StatusCode); // all 10 credits were left for it
        // The field errors in the problem shape, as the framework's own validation problem lists them.
        Assert.Equal(["The field n must be between 1 and 9."], body.GetProperty("errors").GetProperty("n").EnumerateArray().Select(e => e.GetString()));
    }

    private static Task<HttpResponseMessage> SendAsync(TestApi api, HttpMethod method, string path, string key, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Add(KeyHeader, key);
        return api.Client.SendAsync(request);
    }
}
