using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using static ErrorCatalog.Middleware.Tests.TestApi;

namespace ErrorCatalog.Middleware.Tests;

/// <summary>
/// Requests no endpoint of the application answers (an unknown route, routing's 405 and 415) cost no credits;
/// they still count against request limits.
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

    private static Task<HttpResponseMessage> SendAsync(TestApi api, HttpMethod method, string path, string key, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Add(KeyHeader, key);
        return api.Client.SendAsync(request);
    }
}
