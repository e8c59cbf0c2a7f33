using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using static ErrorCatalog.Middleware.Tests.TestApi;

namespace ErrorCatalog.Middleware.Tests;

/// <summary>Every key and access refusal: its status, catalog code, numeric code and body.</summary>
public sealed class KeyRefusalTests
{
    /// <summary>Plans free and pro (feature spread), subscriptions by state, and the given keys.</summary>
    private static string Config(string keys, string keyOptions = """{ "MaxLength": 64 }""") => $$"""
        {
          "ApiErrorCatalog": {
            "KeyReading": {{keyOptions}},
            "Plans": {
              "free": { "Limits": { "minute": { "PermitLimit": 100, "Window": "minute" } } },
              "pro": { "Features": [ "spread" ], "Limits": { "minute": { "PermitLimit": 100, "Window": "minute" } } }
            },
            "Subscriptions": {
              "paid": { "Plan": "pro" },
              "unpaid": { "Plan": "pro", "State": "PaymentRequired" },
              "lapsed": { "Plan": "pro", "State": "PaymentExpired" },
              "frozen": { "Plan": "pro", "State": "Disabled" }
            },
            "ApiKeys": [ {{keys}} ]
          }
        }
        """;

    private static string Key(string id, string key, string more = """ "Plan": "free" """) =>
        $$"""{ "Id": "{{id}}", "Hash": "{{Hash(key)}}", {{more}} }""";

    [Fact]
    public async Task NoKey_Returns401ApiKeyMissing()
    {
        await using var api = await StartAsync(Config(Key("a", NewKey())));

        using var response = await api.GetAsync("/ok");

        var body = await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "API_KEY_MISSING", 1002);
        Assert.Equal("X-API-Key", body.GetProperty("header").GetString());
        Assert.Equal("API key missing. Send it in the X-API-Key header.", body.GetProperty("detail").GetString());
        Assert.Null(Header(response, "Retry-After"));
        Assert.Equal("ApiKey header=\"X-API-Key\"", Header(response, "WWW-Authenticate"));
    }

    [Fact]
    public async Task UnknownKey_Returns401ApiKeyInvalid()
    {
        await using var api = await StartAsync(Config(Key("a", NewKey())));

        using var response = await api.GetAsync("/ok", NewKey());

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "API_KEY_INVALID", 1001);
        Assert.Equal("ApiKey header=\"X-API-Key\"", Header(response, "WWW-Authenticate"));
    }

    [Fact]
    public async Task KnownKey_Returns200()
    {
        var key = NewKey();
        await using var api = await StartAsync(Config(Key("a", key)));

        using var response = await api.GetAsync("/ok", key);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", await response.Content.ReadAsStringAsync());
    }

    public static TheoryData<string, string> MalformedKeys => new()
    {
        { "blank", "   " },
        { "over MaxLength (64)", new string('k', 65) },
        { "non-ASCII", "clé-secrète-0001" },
        { "control character", "abc\u0001def-0001" },
        { "DEL", "abc\u007Fdef-0001" },
        { "inner space", "abc def-0001" },
    };

    [Theory]
    [MemberData(nameof(MalformedKeys))]
    public async Task MalformedKey_Returns401ApiKeyInvalid(string what, string presented)
    {
        await using var api = await StartAsync(Config(Key("a", NewKey())));

        using var response = await api.GetAsync("/ok", presented);

        Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{what}: {(int)response.StatusCode}");
        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "API_KEY_INVALID", 1001);
    }

    [Fact]
    public async Task EmptyKeyHeader_Returns401ApiKeyInvalid()
    {
        // HttpClient drops an empty header value; a real server hands it over, so set it on the server side.
        await using var api = await StartAsync(Config(Key("a", NewKey())));

        var context = await api.App.GetTestServer().SendAsync(c =>
        {
            c.Request.Method = "GET";
            c.Request.Path = "/ok";
            c.Request.Headers[KeyHeader] = string.Empty;
        });

        Assert.Equal(StatusCodes.Status401Unauthorized, context.Response.StatusCode);
        Assert.Equal("application/problem+json", context.Response.ContentType);
        using var body = await JsonDocument.ParseAsync(context.Response.Body);
        Assert.Equal("API_KEY_INVALID", body.RootElement.GetProperty("code").GetString());
        Assert.Equal(1001, body.RootElement.GetProperty("numericCode").GetInt32());
    }

    [Theory]
    [InlineData("""{ "MaxLength": 64 }""")]
    [InlineData("""{ "MaxLength": 64, "HashCacheSize": 0 }""")]
    [InlineData("""{ "MaxLength": 64, "HashCacheSize": 1 }""")]
    public async Task RepeatedKey_StaysAdmitted_AndKeysDifferingByOneCharacterStayRefused(string keyOptions)
    {
        // Arrange: a key seen often (remembered with its hash unless the cache is off; a cache of one is cleared
        // by the next key it learns).
        var key = NewKey();
        var other = NewKey();
        await using var api = await StartAsync(Config(Key("a", key) + ", " + Key("b", other), keyOptions));

        // Act / Assert
        for (var i = 0; i < 3; i++)
        {
            using var admitted = await api.GetAsync("/ok", key);
            Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
            using var alsoAdmitted = await api.GetAsync("/ok", other);
            Assert.Equal(HttpStatusCode.OK, alsoAdmitted.StatusCode);
        }

        foreach (var near in new[] { key[..^1] + (key[^1] == 'a' ? 'b' : 'a'), key[..^1], key + "x", key.ToUpperInvariant() })
        {
            using var refused = await api.GetAsync("/ok", near);
            await AssertProblemAsync(refused, HttpStatusCode.Unauthorized, "API_KEY_INVALID", 1001);
        }
    }

    [Fact]
    public async Task KeyOfExactlyMaxLength_IsAccepted()
    {
        var key = new string('m', 32) + Guid.NewGuid().ToString("N");
        Assert.Equal(64, key.Length);
        await using var api = await StartAsync(Config(Key("a", key)));

        using var response = await api.GetAsync("/ok", key);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task KeyHeaderRepeated_Returns401ApiKeyInvalid()
    {
        var key = NewKey();
        await using var api = await StartAsync(Config(Key("a", key)));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/ok");
        request.Headers.TryAddWithoutValidation(KeyHeader, [key, key]);

        using var response = await api.Client.SendAsync(request);

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "API_KEY_INVALID", 1001);
    }

    [Fact]
    public async Task AuthorizationBasic_WhenAuthorizationConfigured_Returns401ApiKeyInvalid()
    {
        var key = NewKey();
        await using var api = await StartAsync(Config(Key("a", key), """{ "Headers": [ "Authorization" ] }"""));

        using var basic = await api.GetAsync("/ok", "Basic x", header: "Authorization");
        using var bearer = await api.GetAsync("/ok", "Bearer " + key, header: "Authorization");
        using var bearerEmpty = await api.GetAsync("/ok", "Bearer ", header: "Authorization");
        using var missing = await api.GetAsync("/ok");

        await AssertProblemAsync(basic, HttpStatusCode.Unauthorized, "API_KEY_INVALID", 1001);
        Assert.Equal(HttpStatusCode.OK, bearer.StatusCode);
        await AssertProblemAsync(bearerEmpty, HttpStatusCode.Unauthorized, "API_KEY_INVALID", 1001);
        var body = await AssertProblemAsync(missing, HttpStatusCode.Unauthorized, "API_KEY_MISSING", 1002);
        Assert.Equal("Authorization", body.GetProperty("header").GetString());
        Assert.Equal("Bearer", Header(missing, "WWW-Authenticate"));
    }

    [Fact]
    public async Task WwwAuthenticate_NamesEveryWayToSendAKey()
    {
        await using var api = await StartAsync(Config(Key("a", NewKey()), """{ "Headers": [ "Authorization", "X-Key" ], "QueryParameter": "api_key" }"""));

        using var response = await api.GetAsync("/ok");

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "API_KEY_MISSING", 1002);
        Assert.True(response.Headers.TryGetValues("WWW-Authenticate", out var challenges));
        Assert.Equal(["ApiKey header=\"X-Key\", query=\"api_key\"", "Bearer"], challenges);
    }

    [Fact]
    public async Task QueryParameter_AcceptsKey_AndRefusesItRepeated()
    {
        var key = NewKey();
        await using var api = await StartAsync(Config(Key("a", key), """{ "QueryParameter": "api_key" }"""));

        using var once = await api.GetAsync("/ok?api_key=" + key);
        using var twice = await api.GetAsync($"/ok?api_key={key}&api_key={key}");

        Assert.Equal(HttpStatusCode.OK, once.StatusCode);
        await AssertProblemAsync(twice, HttpStatusCode.Unauthorized, "API_KEY_INVALID", 1001);
    }

    [Fact]
    public async Task KeysOptional_RequireApiKeyEndpointWithoutKey_Returns403ApiKeyRequired()
    {
        await using var api = await StartAsync(Config(Key("a", NewKey()), """{ "Required": false }"""));

        using var required = await api.GetAsync("/required");
        using var open = await api.GetAsync("/ok");

        await AssertProblemAsync(required, HttpStatusCode.Forbidden, "API_KEY_REQUIRED", 1005);
        Assert.Equal(HttpStatusCode.OK, open.StatusCode);
    }

    [Fact]
    public async Task ApiKeyOptionalEndpoint_WithoutKey_Returns200_ButBadKeyIsStillRefused()
    {
        await using var api = await StartAsync(Config(Key("a", NewKey())));

        using var anonymous = await api.GetAsync("/optional");
        using var bad = await api.GetAsync("/optional", NewKey());

        Assert.Equal(HttpStatusCode.OK, anonymous.StatusCode);
        await AssertProblemAsync(bad, HttpStatusCode.Unauthorized, "API_KEY_INVALID", 1001);
    }

    [Theory]
    [InlineData("Revoked", HttpStatusCode.Unauthorized, "KEY_REVOKED", null)]
    [InlineData("Inactive", HttpStatusCode.Unauthorized, "KEY_INACTIVE", null)]
    [InlineData("Disabled", HttpStatusCode.Forbidden, "API_KEY_DISABLED", 1007)]
    [InlineData("PaymentRequired", HttpStatusCode.PaymentRequired, "API_KEY_PLAN_REQUIRES_PAYEMENT", 1003)]
    [InlineData("PaymentExpired", HttpStatusCode.PaymentRequired, "API_KEY_PLAN_PAYMENT_EXPIRED", 1004)]
    public async Task KeyState_IsRefusedWithItsCode(string state, HttpStatusCode status, string code, int? numericCode)
    {
        var key = NewKey();
        await using var api = await StartAsync(Config(Key("a", key, $$""" "Plan": "free", "State": "{{state}}" """)));

        using var response = await api.GetAsync("/ok", key);

        await AssertProblemAsync(response, status, code, numericCode);
        // Only a 401 challenges the client to authenticate; a 402 or 403 key is known, and refused anyway.
        Assert.Equal(status == HttpStatusCode.Unauthorized ? "ApiKey header=\"X-API-Key\"" : null, Header(response, "WWW-Authenticate"));
    }

    [Theory]
    [InlineData("unpaid", HttpStatusCode.PaymentRequired, "API_KEY_PLAN_REQUIRES_PAYEMENT", 1003)]
    [InlineData("lapsed", HttpStatusCode.PaymentRequired, "API_KEY_PLAN_PAYMENT_EXPIRED", 1004)]
    [InlineData("frozen", HttpStatusCode.Forbidden, "API_KEY_DISABLED", 1007)]
    public async Task SubscriptionState_RefusesItsActiveKeys(string subscription, HttpStatusCode status, string code, int numericCode)
    {
        var key = NewKey();
        var paid = NewKey();
        await using var api = await StartAsync(Config(
            Key("a", key, $$""" "Subscription": "{{subscription}}" """) + "," + Key("b", paid, """ "Subscription": "paid" """)));

        using var refused = await api.GetAsync("/ok", key);
        using var admitted = await api.GetAsync("/ok", paid);

        var body = await AssertProblemAsync(refused, status, code, numericCode);
        Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
        Assert.False(body.TryGetProperty("retryAfter", out _));
    }

    [Fact]
    public async Task RevokedKeyOfUnpaidSubscription_IsRefusedAsRevoked()
    {
        var key = NewKey();
        await using var api = await StartAsync(Config(Key("a", key, """ "Subscription": "unpaid", "State": "Revoked" """)));

        using var response = await api.GetAsync("/ok", key);

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "KEY_REVOKED");
    }

    [Fact]
    public async Task ExpiredKey_Returns401KeyExpiredWithExpiry()
    {
        var key = NewKey();
        await using var api = await StartAsync(Config(Key("a", key, """ "Plan": "free", "ExpiresAt": "2024-02-28T12:00:00Z" """)));

        using var response = await api.GetAsync("/ok", key);

        var body = await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "KEY_EXPIRED");
        Assert.Equal("2024-02-28T12:00:00.000Z", body.GetProperty("expiredAt").GetString());
        Assert.Equal("This API key expired at 2024-02-28T12:00:00.000Z.", body.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task KeyExpiringLater_IsAdmittedUntilTheClockPassesItsExpiry()
    {
        var key = NewKey();
        await using var api = await StartAsync(Config(Key("a", key, """ "Plan": "free", "ExpiresAt": "2024-02-28T23:59:40Z" """)));

        using var before = await api.GetAsync("/ok", key);
        api.Time.Advance(TimeSpan.FromSeconds(9));
        using var justBefore = await api.GetAsync("/ok", key);
        api.Time.Advance(TimeSpan.FromSeconds(1));
        using var at = await api.GetAsync("/ok", key);

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.OK, justBefore.StatusCode);
        await AssertProblemAsync(at, HttpStatusCode.Unauthorized, "KEY_EXPIRED");
    }

    [Fact]
    public async Task PlanGatedEndpoint_KeyWithoutPlanOrFeature_Returns403PlanNotAuthorized()
    {
        var free = NewKey();
        var pro = NewKey();
        await using var api = await StartAsync(Config(Key("free", free) + "," + Key("pro", pro, """ "Subscription": "paid" """)));

        using var freeOnPro = await api.GetAsync("/pro", free);
        using var freeOnSpread = await api.GetAsync("/spread", free);
        using var proOnPro = await api.GetAsync("/pro", pro);
        using var proOnSpread = await api.GetAsync("/spread", pro);

        await AssertProblemAsync(freeOnPro, HttpStatusCode.Forbidden, "API_KEY_PLAN_NOT_AUTHORIZED", 1006);
        await AssertProblemAsync(freeOnSpread, HttpStatusCode.Forbidden, "API_KEY_PLAN_NOT_AUTHORIZED", 1006);
        Assert.Equal(HttpStatusCode.OK, proOnPro.StatusCode);
        Assert.Equal(HttpStatusCode.OK, proOnSpread.StatusCode);
    }

    [Fact]
    public async Task PlanGatedEndpoint_WithoutKey_Returns401ApiKeyMissing()
    {
        await using var api = await StartAsync(Config(Key("a", NewKey())));

        using var response = await api.GetAsync("/pro");

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "API_KEY_MISSING", 1002);
    }

    [Fact]
    public async Task MissingScope_Returns403InsufficientScopeNamingIt()
    {
        var reader = NewKey();
        var writer = NewKey();
        await using var api = await StartAsync(Config(
            Key("reader", reader, """ "Plan": "free", "Scopes": [ "rates:read" ] """) + "," +
            Key("writer", writer, """ "Plan": "free", "Scopes": [ "rates:read", "rates:write" ] """)));

        using var refused = await api.GetAsync("/scoped", reader);
        using var admitted = await api.GetAsync("/scoped", writer);

        var body = await AssertProblemAsync(refused, HttpStatusCode.Forbidden, "INSUFFICIENT_SCOPE");
        Assert.Equal("rates:write", body.GetProperty("scope").GetString());
        Assert.Equal("This call needs the 'rates:write' scope.", body.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
    }

    [Theory]
    [InlineData("203.0.113.7", true)]
    [InlineData("203.0.113.255", true)]
    [InlineData("::ffff:203.0.113.9", true)]
    [InlineData("198.51.100.1", true)]
    [InlineData("203.0.114.1", false)]
    [InlineData("198.51.100.2", false)]
    [InlineData("2001:db8::1", false)]
    public async Task IpAllowList_AdmitsAddressesInItsRanges(string address, bool admitted)
    {
        var key = NewKey();
        await using var api = await StartAsync(Config(Key("a", key, """ "Plan": "free", "AllowedIps": [ "203.0.113.0/24", "198.51.100.1" ] """)));

        using var response = await api.GetAsync("/ok", key, ip: address);

        if (admitted)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        else
        {
            await AssertProblemAsync(response, HttpStatusCode.Forbidden, "IP_NOT_ALLOWED");
        }
    }

    [Fact]
    public async Task IpAllowList_UnknownClientAddress_IsRefused()
    {
        var key = NewKey();
        await using var api = await StartAsync(Config(Key("a", key, """ "Plan": "free", "AllowedIps": [ "203.0.113.0/24" ] """)));

        using var response = await api.GetAsync("/ok", key);

        await AssertProblemAsync(response, HttpStatusCode.Forbidden, "IP_NOT_ALLOWED");
    }

    [Fact]
    public async Task FlatShapeEndpoint_RefusalUsesTheEndpointShape()
    {
        await using var api = await StartAsync(Config(Key("a", NewKey())));

        using var response = await api.GetAsync("/flat");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = await ReadJsonAsync(response);
        Assert.Equal("API_KEY_MISSING", body.GetProperty("error").GetString());
        Assert.Equal("API key missing. Send it in the X-API-Key header.", body.GetProperty("detail").GetString());
    }
}
