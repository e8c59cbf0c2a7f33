using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using static ErrorCatalog.Middleware.Tests.TestApi;

namespace ErrorCatalog.Middleware.Tests;

/// <summary>The ApiKey authentication scheme: the framework's authorization on key claims, and IApiKeyFeature.</summary>
public sealed class AuthenticationTests
{
    private static string Config(string keys) => $$"""
        {
          "ApiErrorCatalog": {
            "Plans": { "pro": { "Limits": { "minute": { "PermitLimit": 100, "Window": "minute" } } } },
            "Subscriptions": { "acme": { "Plan": "pro" } },
            "ApiKeys": [ {{keys}} ]
          }
        }
        """;

    private static string Key(string id, string key, string more = "") =>
        $$"""{ "Id": "{{id}}", "Hash": "{{Hash(key)}}", "Subscription": "acme", "Scopes": [ "x", "y" ] {{more}} }""";

    private static void Map(WebApplication app)
    {
        app.MapGet("/authorized", (HttpContext context) =>
        {
            var feature = context.Features.Get<IApiKeyFeature>();
            var user = context.User;
            return Results.Json(new
            {
                name = user.Identity?.Name,
                authenticationType = user.Identity?.AuthenticationType,
                plan = user.FindFirst(ApiKeyDefaults.PlanClaimType)?.Value,
                subscription = user.FindFirst(ApiKeyDefaults.SubscriptionClaimType)?.Value,
                scopes = user.FindAll(ApiKeyDefaults.ScopeClaimType).Select(c => c.Value).ToArray(),
                featureKeyId = feature?.KeyId,
                featurePlan = feature?.Plan,
                featureSubscription = feature?.SubscriptionId,
                featureCredits = feature?.CreditCount,
            });
        }).RequireAuthorization(policy => policy.AddAuthenticationSchemes(ApiKeyDefaults.AuthenticationScheme).RequireClaim(ApiKeyDefaults.ScopeClaimType, "x"));

        app.MapGet("/authenticate", async (HttpContext context) =>
        {
            var result = await context.AuthenticateAsync(ApiKeyDefaults.AuthenticationScheme);
            return result.Succeeded ? result.Principal!.Identity!.Name : "failed";
        });

        app.MapGet("/anonymous", () => "anonymous").AllowAnonymous();
    }

    private static Task<TestApi> StartAsync(string json, ApiErrorCatalog? catalog = null) =>
        TestApi.StartAsync(json, Map, configure: builder =>
        {
            builder.Services.AddAuthorization().AddAuthentication().AddApiKey();
            if (catalog is not null)
            {
                builder.Services.Configure<ApiErrorCatalogOptions>(o => o.Catalog = catalog);
            }
        });

    /// <summary>An application's own catalog, its texts those of the issue that found the scheme's bodies empty.</summary>
    private static ApiErrorCatalog OwnCatalog
    {
        get
        {
            static ErrorDescriptor Entry(string code, int status, Refusal refusal, TemplateSegment[] detail, params PlaceholderDescriptor[] placeholders) =>
                new(code, null, status, code, detail, null, $"/errors/{code}", refusal, placeholders, [], null);
            return new ApiErrorCatalog(null, [],
            [
                Entry("API_KEY_MISSING", 401, Refusal.KeyMissing,
                    [TemplateSegment.Literal("Send your key in the "), TemplateSegment.Argument("header"), TemplateSegment.Literal(" header.")],
                    new PlaceholderDescriptor("header", PlaceholderKind.String)),
                Entry("API_KEY_INVALID", 401, Refusal.KeyInvalid, []),
                Entry("INSUFFICIENT_SCOPE", 403, Refusal.InsufficientScope,
                    [
                        TemplateSegment.Literal("Your plan "), TemplateSegment.Argument("plan"), TemplateSegment.Literal(" does not include the '"),
                        TemplateSegment.Argument("scope"), TemplateSegment.Literal("' scope."),
                    ],
                    new PlaceholderDescriptor("plan", PlaceholderKind.String), new PlaceholderDescriptor("scope", PlaceholderKind.String)),
                Entry("RATE_LIMITED", 429, Refusal.MinuteLimit, []),
                Entry("INVALID_REQUEST", 400, Refusal.InvalidRequest, []), // the test API maps JSON-RPC endpoints
                Entry("INTERNAL_SERVER_ERROR", 500, Refusal.None, []),
            ]);
        }
    }

    [Fact]
    public async Task KeyWithTheScope_IsAuthorized_AsAPrincipalNamedByTheKeyId_AndTheFeatureIsReadable()
    {
        var key = NewKey();
        await using var api = await StartAsync(Config(Key("key-1", key)));

        using var response = await api.GetAsync("/authorized", key);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await ReadJsonAsync(response);
        Assert.Equal("key-1", body.GetProperty("name").GetString());
        Assert.Equal(ApiKeyDefaults.AuthenticationScheme, body.GetProperty("authenticationType").GetString());
        Assert.Equal("pro", body.GetProperty("plan").GetString());
        Assert.Equal("acme", body.GetProperty("subscription").GetString());
        Assert.Equal("x,y", string.Join(",", body.GetProperty("scopes").EnumerateArray().Select(e => e.GetString())));
        Assert.Equal("key-1", body.GetProperty("featureKeyId").GetString());
        Assert.Equal("pro", body.GetProperty("featurePlan").GetString());
        Assert.Equal("acme", body.GetProperty("featureSubscription").GetString());
        Assert.Equal(1, body.GetProperty("featureCredits").GetInt64());
        Assert.Equal("99", Header(response, "X-RateLimit-Remaining"));
    }

    [Fact]
    public async Task KeyWithoutTheScope_IsForbidden_FromTheCatalog()
    {
        var key = NewKey();
        await using var api = await StartAsync(Config($$"""{ "Id": "key-2", "Hash": "{{Hash(key)}}", "Subscription": "acme", "Scopes": [ "y" ] }"""));

        using var response = await api.GetAsync("/authorized", key);

        var body = await AssertProblemAsync(response, HttpStatusCode.Forbidden, "INSUFFICIENT_SCOPE");
        Assert.Equal("This call needs the 'x' scope.", body.GetProperty("detail").GetString()); // the policy's scope claim
    }

    [Fact]
    public async Task KeyWithoutTheScope_IsForbidden_WithThePlanAndTheScopeFilled_AsTheMiddlewareFillsThem()
    {
        var key = NewKey();
        await using var api = await StartAsync(
            Config($$"""{ "Id": "key-2b", "Hash": "{{Hash(key)}}", "Subscription": "acme", "Scopes": [ "y" ] }"""),
            OwnCatalog);

        using var response = await api.GetAsync("/authorized", key);

        var body = await AssertProblemAsync(response, HttpStatusCode.Forbidden, "INSUFFICIENT_SCOPE");
        Assert.Equal("Your plan pro does not include the 'x' scope.", body.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task NoKey_IsChallenged_WithTheConfiguredHeaderNameFilled()
    {
        var json = Config(Key("key-3b", NewKey())).Replace("\"Plans\"", "\"KeyReading\": { \"Headers\": [ \"X-Custom-Key\" ] }, \"Plans\"", StringComparison.Ordinal);
        await using var api = await StartAsync(json, OwnCatalog);

        using var response = await api.GetAsync("/authorized");

        var body = await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "API_KEY_MISSING");
        Assert.Equal("Send your key in the X-Custom-Key header.", body.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task NoKey_IsChallenged_WithApiKeyMissing()
    {
        await using var api = await StartAsync(Config(Key("key-3", NewKey())));

        using var response = await api.GetAsync("/authorized");

        var body = await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "API_KEY_MISSING", 1002);
        Assert.Equal("API key missing. Send it in the X-API-Key header.", body.GetProperty("detail").GetString());
        Assert.Equal("ApiKey header=\"X-API-Key\"", Header(response, "WWW-Authenticate"));
    }

    [Fact]
    public async Task UnknownKey_IsChallenged_WithApiKeyInvalid()
    {
        await using var api = await StartAsync(Config(Key("key-4", NewKey())));

        using var response = await api.GetAsync("/authorized", NewKey());

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "API_KEY_INVALID", 1001);
        Assert.Equal("ApiKey header=\"X-API-Key\"", Header(response, "WWW-Authenticate"));
    }

    [Theory]
    [InlineData(""", "State": "Revoked" """, HttpStatusCode.Unauthorized, "KEY_REVOKED", null)]
    [InlineData(""", "State": "Disabled" """, HttpStatusCode.Forbidden, "API_KEY_DISABLED", 1007)]
    [InlineData(""", "State": "PaymentRequired" """, HttpStatusCode.PaymentRequired, "API_KEY_PLAN_REQUIRES_PAYEMENT", 1003)]
    [InlineData(""", "ExpiresAt": "2024-01-31T00:00:00Z" """, HttpStatusCode.Unauthorized, "KEY_EXPIRED", null)]
    [InlineData(""", "AllowedIps": [ "10.0.0.1" ] """, HttpStatusCode.Forbidden, "IP_NOT_ALLOWED", null)] // the test client has no address
    public async Task UnusableKey_IsChallenged_WithItsOwnRefusal(string state, HttpStatusCode status, string code, int? numericCode)
    {
        // The framework's authorization runs before UseApiErrorCatalog (WebApplication adds it after routing),
        // so the scheme's challenge answers: with the key's own refusal, as the middleware would.
        var key = NewKey();
        await using var api = await StartAsync(Config(Key("key-5", key, state)));

        using var response = await api.GetAsync("/authorized", key);

        var body = await AssertProblemAsync(response, status, code, numericCode);
        Assert.Equal(status == HttpStatusCode.Unauthorized ? "ApiKey header=\"X-API-Key\"" : null, Header(response, "WWW-Authenticate"));
        if (code == "KEY_EXPIRED")
        {
            Assert.Equal("This API key expired at 2024-01-31T00:00:00.000Z.", body.GetProperty("detail").GetString());
        }
    }

    [Fact]
    public async Task AuthenticateInsideTheEndpoint_ReusesTheMiddlewaresKey()
    {
        var key = NewKey();
        await using var api = await StartAsync(Config(Key("key-6", key)));

        using var response = await api.GetAsync("/authenticate", key);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("key-6", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AllowAnonymousEndpoint_MakesTheKeyOptional()
    {
        var key = NewKey();
        await using var api = await StartAsync(Config(Key("key-7", key)));

        using var anonymous = await api.GetAsync("/anonymous");
        using var withKey = await api.GetAsync("/anonymous", key);

        Assert.Equal(HttpStatusCode.OK, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withKey.StatusCode);
        Assert.Equal("99", Header(withKey, "X-RateLimit-Remaining"));
    }

    [Fact]
    public async Task PrincipalOnAnyEndpoint_IsTheKeys()
    {
        var key = NewKey();
        await using var api = await StartAsync(Config(Key("key-8", key)));

        using var response = await api.GetAsync("/whoami", key);

        var body = await ReadJsonAsync(response);
        Assert.Equal("key-8", body.GetProperty("name").GetString());
        Assert.Equal("key-8", body.GetProperty("keyId").GetString());
        Assert.Equal("acme", body.GetProperty("subscription").GetString());
    }

    [Fact]
    public async Task ClaimsTransformation_ThatAddsAnIdentityOrAClaim_SeesAFreshPrincipalEveryRequest()
    {
        // Arrange: the two common IClaimsTransformation patterns: add an identity to the principal it is given, and
        // add a claim to its primary identity.
        var key = NewKey();
        await using var api = await TestApi.StartAsync(Config(Key("key-9", key)), app =>
            {
                Map(app);
                app.MapGet("/identities", (HttpContext context) => Results.Json(new
                {
                    identities = context.User.Identities.Count(),
                    tenant = context.User.FindFirst("tenant")?.Value,
                    seen = context.User.FindAll("seen").Count(),
                    name = context.User.Identity?.Name,
                }));
            },
            configure: builder =>
            {
                builder.Services.AddAuthorization().AddAuthentication(ApiKeyDefaults.AuthenticationScheme).AddApiKey();
                builder.Services.AddTransient<IClaimsTransformation, AddTenantIdentity>();
            });

        // Act
        var bodies = new List<System.Text.Json.JsonElement>();
        for (var i = 0; i < 5; i++)
        {
            using var response = await api.GetAsync("/identities", key);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            bodies.Add(await ReadJsonAsync(response));
        }

        // Assert: the key's identity and the transformation's, every time; nothing piles up on a shared principal.
        Assert.All(bodies, b => Assert.Equal(2, b.GetProperty("identities").GetInt32()));
        Assert.All(bodies, b => Assert.Equal("acme-tenant", b.GetProperty("tenant").GetString()));
        Assert.All(bodies, b => Assert.Equal(1, b.GetProperty("seen").GetInt32()));
        Assert.All(bodies, b => Assert.Equal("key-9", b.GetProperty("name").GetString()));
    }

    private sealed class AddTenantIdentity : IClaimsTransformation
    {
        public Task<ClaimsPrincipal> TransformAsync(ClaimsPrincipal principal)
        {
            var identity = new ClaimsIdentity();
            identity.AddClaim(new Claim("tenant", "acme-tenant"));
            principal.AddIdentity(identity);
            ((ClaimsIdentity)principal.Identity!).AddClaim(new Claim("seen", "yes"));
            return Task.FromResult(principal);
        }
    }

    [Fact]
    public async Task WithoutTheScheme_TheKeysSharedPrincipalIsReadOnly_AndSaysWhatToDoInstead()
    {
        // Arrange: the middleware alone; an endpoint tries to add to HttpContext.User, then to its identity.
        var key = NewKey();
        await using var api = await TestApi.StartAsync(Config(Key("key-10", key)), app => app.MapGet("/mutate", (HttpContext context) =>
        {
            var errors = new List<string>();
            var identity = (ClaimsIdentity)context.User.Identity!;
            foreach (var mutate in new Action[]
            {
                () => context.User.AddIdentity(new ClaimsIdentity()),
                () => context.User.AddIdentities([new ClaimsIdentity()]),
                () => identity.AddClaim(new Claim("seen", "yes")),
                () => identity.AddClaims([new Claim("seen", "yes")]),
                () => identity.RemoveClaim(identity.FindFirst(ApiKeyDefaults.ScopeClaimType)),
                () => identity.TryRemoveClaim(identity.FindFirst(ApiKeyDefaults.ScopeClaimType)),
            })
            {
                try
                {
                    mutate();
                    errors.Add("none");
                }
                catch (InvalidOperationException ex)
                {
                    errors.Add(ex.Message);
                }
            }

            return Results.Json(new { errors, identities = context.User.Identities.Count(), claims = context.User.Claims.Count() });
        }));

        // Act
        using var first = await api.GetAsync("/mutate", key);
        using var second = await api.GetAsync("/mutate", key);

        // Assert: both refused with a message naming the key and the way to add claims; nothing piled up.
        foreach (var response in new[] { first, second })
        {
            var body = await ReadJsonAsync(response);
            var errors = body.GetProperty("errors").EnumerateArray().Select(e => e.GetString()!).ToList();
            Assert.Equal(6, errors.Count);
            Assert.All(errors, e => Assert.Contains("API key 'key-10' is shared by all of its requests", e, StringComparison.Ordinal));
            Assert.All(errors, e => Assert.Contains("IClaimsTransformation", e, StringComparison.Ordinal));
            Assert.Equal(1, body.GetProperty("identities").GetInt32());
            Assert.Equal(5, body.GetProperty("claims").GetInt32()); // key id, plan, subscription, two scopes
        }
    }

    [Fact]
    public async Task ClaimsTransformation_ThatRebuildsTheIdentity_IsKept()
    {
        // Arrange: a transformation that builds a new principal from the claims (the name claim type is not kept).
        var key = NewKey();
        await using var api = await TestApi.StartAsync(Config(Key("key-11", key)), MapWho, configure: builder =>
        {
            builder.Services.AddAuthorization().AddAuthentication(ApiKeyDefaults.AuthenticationScheme).AddApiKey();
            builder.Services.AddTransient<IClaimsTransformation, RebuildWithTenant>();
        });

        // Act
        using var response = await api.GetAsync("/who", key);

        // Assert: the endpoint sees the transformed principal, not the key's shared one.
        var body = await ReadJsonAsync(response);
        Assert.Equal("acme-tenant", body.GetProperty("tenant").GetString());
        Assert.Equal("key-11", body.GetProperty("keyId").GetString());
    }

    [Theory]
    [InlineData("Users", "alice")] // another default scheme: a user's principal
    [InlineData(ApiKeyDefaults.AuthenticationScheme, "other-key")] // an ApiKey-typed identity of another key
    public async Task PrincipalOfAnotherSchemeOrKey_IsReplacedByThePresentedKeys(string authenticationType, string keyIdClaim)
    {
        // Arrange: the default scheme authenticates every request as someone else.
        var key = NewKey();
        await using var api = await TestApi.StartAsync(Config(Key("key-12", key)), MapWho, configure: builder =>
        {
            builder.Services.AddAuthorization().AddAuthentication("Fixed")
                .AddScheme<FixedPrincipalOptions, FixedPrincipalHandler>("Fixed", o =>
                    o.Principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ApiKeyDefaults.KeyIdClaimType, keyIdClaim)], authenticationType, ApiKeyDefaults.KeyIdClaimType, null)));
        });

        // Act
        using var response = await api.GetAsync("/who", key);

        // Assert
        var body = await ReadJsonAsync(response);
        Assert.Equal("key-12", body.GetProperty("keyId").GetString());
        Assert.Equal(ApiKeyDefaults.AuthenticationScheme, body.GetProperty("authenticationType").GetString());
    }

    private static void MapWho(WebApplication app) => app.MapGet("/who", (HttpContext context) => Results.Json(new
    {
        keyId = context.User.FindFirst(ApiKeyDefaults.KeyIdClaimType)?.Value,
        authenticationType = context.User.Identity?.AuthenticationType,
        tenant = context.User.FindFirst("tenant")?.Value,
    }));

    private sealed class RebuildWithTenant : IClaimsTransformation
    {
        public Task<ClaimsPrincipal> TransformAsync(ClaimsPrincipal principal) =>
            Task.FromResult(new ClaimsPrincipal(new ClaimsIdentity(principal.Claims.Append(new Claim("tenant", "acme-tenant")), principal.Identity!.AuthenticationType)));
    }

    private sealed class FixedPrincipalOptions : AuthenticationSchemeOptions
    {
        public ClaimsPrincipal Principal { get; set; } = new();
    }

    private sealed class FixedPrincipalHandler(
        Microsoft.Extensions.Options.IOptionsMonitor<FixedPrincipalOptions> options,
        Microsoft.Extensions.Logging.ILoggerFactory logger,
        System.Text.Encodings.Web.UrlEncoder encoder)
        : AuthenticationHandler<FixedPrincipalOptions>(options, logger, encoder)
    {
        protected override Task<AuthenticateResult> HandleAuthenticateAsync() =>
            Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(Options.Principal, Scheme.Name)));
    }
}
