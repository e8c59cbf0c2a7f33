using System.Net;
using Microsoft.AspNetCore.Builder;
using static ErrorCatalog.Middleware.Tests.TestApi;

namespace ErrorCatalog.Middleware.Tests;

/// <summary>
/// <c>[ApiKey(...)]</c> on a handler means what the conventions mean: each setting is checked against its convention
/// twin on the same API.
/// </summary>
public sealed class ApiKeyAttributeTests
{
    private static string Config(string key) => $$"""
        {
          "ApiErrorCatalog": {
            "Headers": "XRateLimit, UnitsLimit",
            "Plans": {
              "free": { "Limits": { "credits": { "Kind": "Credits", "PermitLimit": 100, "Window": "day" } } },
              "pro": { "Unlimited": true }
            },
            "ApiKeys": [ { "Id": "free-key", "Hash": "{{Hash(key)}}", "Plan": "free", "Scopes": [ "read" ] } ]
          }
        }
        """;

    private static void Map(WebApplication app)
    {
        app.MapGet("/a/optional", [ApiKey(Optional = true)] () => "ok");
        app.MapGet("/c/optional", () => "ok").ApiKeyOptional();
        app.MapGet("/a/pro", [ApiKey(Plans = ["pro"])] () => "ok");
        app.MapGet("/c/pro", () => "ok").RequirePlan("pro");
        app.MapGet("/a/write", [ApiKey(Scopes = ["write"])] () => "ok");
        app.MapGet("/c/write", () => "ok").RequireScope("write");
        app.MapGet("/a/credits", [ApiKey(Credits = 7)] () => "ok");
        app.MapGet("/c/credits", () => "ok").WithCredits(7);
        app.MapGet("/a/exempt", [ApiKey(ExemptFromLimits = true)] () => "ok");
        app.MapGet("/c/exempt", () => "ok").ExemptFromLimits();
    }

    [Theory]
    [InlineData("optional", null)]
    [InlineData("optional", "key")]
    [InlineData("pro", "key")]
    [InlineData("write", "key")]
    [InlineData("credits", "key")]
    [InlineData("exempt", "key")]
    public async Task AttributeSetting_AnswersAsItsConvention(string endpoint, string? sendKey)
    {
        var key = NewKey();
        await using var attributeApi = await StartAsync(Config(key), map: Map);
        await using var conventionApi = await StartAsync(Config(key), map: Map);

        using var byAttribute = await attributeApi.GetAsync($"/a/{endpoint}", sendKey is null ? null : key);
        using var byConvention = await conventionApi.GetAsync($"/c/{endpoint}", sendKey is null ? null : key);

        Assert.Equal(byConvention.StatusCode, byAttribute.StatusCode);
        Assert.Equal(Header(byConvention, "X-UnitsLimit-Used"), Header(byAttribute, "X-UnitsLimit-Used"));
        Assert.Equal(Header(byConvention, "X-RateLimit-Remaining"), Header(byAttribute, "X-RateLimit-Remaining"));
    }

    [Fact]
    public async Task Credits_AreChargedAsSet_AndPlansAndScopesRefuse()
    {
        var key = NewKey();
        await using var api = await StartAsync(Config(key), map: Map);

        using var credits = await api.GetAsync("/a/credits", key);
        using var pro = await api.GetAsync("/a/pro", key);
        using var write = await api.GetAsync("/a/write", key);
        using var optional = await api.GetAsync("/a/optional", key: null);

        Assert.Equal(HttpStatusCode.OK, credits.StatusCode);
        Assert.Equal("7", Header(credits, "X-UnitsLimit-Used"));
        Assert.Equal(HttpStatusCode.Forbidden, pro.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
        Assert.Equal(HttpStatusCode.OK, optional.StatusCode);
    }

    [Fact]
    public async Task BareAttribute_RequiresAKey_WhereKeysAreOptionalByDefault()
    {
        // Arrange: keys optional unless an endpoint asks for one.
        var key = NewKey();
        var config = Config(key).Replace("\"Headers\": \"XRateLimit, UnitsLimit\",", "\"Headers\": \"XRateLimit, UnitsLimit\", \"KeyReading\": { \"Required\": false },");
        await using var api = await StartAsync(config, map: static app =>
        {
            app.MapGet("/open", () => "ok");
            app.MapGet("/a/bare", [ApiKey] () => "ok");
            app.MapGet("/c/required", () => "ok").RequireApiKey();
        });

        // Act
        using var open = await api.GetAsync("/open", null);
        using var bare = await api.GetAsync("/a/bare", null);
        using var convention = await api.GetAsync("/c/required", null);
        using var withKey = await api.GetAsync("/a/bare", key);

        // Assert
        Assert.Equal(HttpStatusCode.OK, open.StatusCode);
        Assert.False(convention.IsSuccessStatusCode);
        Assert.Equal(convention.StatusCode, bare.StatusCode);
        Assert.Equal(await CodeAsync(convention), await CodeAsync(bare));
        Assert.Equal(HttpStatusCode.OK, withKey.StatusCode);
    }

    private static async Task<string?> CodeAsync(HttpResponseMessage response) =>
        System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString();

    [Fact]
    public void NullPlansOrScopes_AreRefusedWhenSet()
    {
        Assert.Throws<ArgumentNullException>(() => new ApiKeyAttribute { Plans = null! });
        Assert.Throws<ArgumentNullException>(() => new ApiKeyAttribute { Scopes = null! });
    }

    [Fact]
    public void NegativeCredits_AreRefusedWhenSet() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ApiKeyAttribute { Credits = -1 });
}
