using System.Net;
using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ApplicationParts;
using Microsoft.AspNetCore.Mvc.Controllers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using static ErrorCatalog.Middleware.Tests.TestApi;

namespace ErrorCatalog.Middleware.Tests;

/// <summary>
/// <c>RequirePlan</c> naming no configured plan or feature (a typo) fails start-up naming the endpoint and the name,
/// where it would otherwise answer 403 to every key.
/// </summary>
public sealed class PlanRequirementCheckTests
{
    private const string Json = """
        {
          "ApiErrorCatalog": {
            "Plans": {
              "free": { "Limits": { "minute": { "PermitLimit": 10, "Window": "minute" } } },
              "pro": { "Features": [ "spread" ], "Limits": { "minute": { "PermitLimit": 100, "Window": "minute" } } }
            }
          }
        }
        """;

    [Fact]
    public async Task RequirePlanNamingNoConfiguredPlanOrFeature_FailsStartUp_NamingTheEndpointAndTheName()
    {
        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync(
            Json,
            app => app.MapGet("/typo", () => "typo").RequirePlan("pro", "sprad")));

        Assert.Equal(
            "Endpoint 'HTTP: GET /typo' requires plan or feature 'sprad' (RequirePlan), which no configured plan has "
            + "(did you mean 'spread'?); no key could call it. Plans and features: free, pro, spread.",
            exception.Message);
    }

    [Fact]
    public async Task OnKestrel_RequirePlanTypo_FailsStartAsync_BeforeTheServerListens()
    {
        // Arrange: an application as a user writes it, on Kestrel rather than the test server
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddJsonStream(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(Json)));
        builder.Services.AddApiErrorCatalog(builder.Configuration.GetSection("ApiErrorCatalog"));
        await using var app = builder.Build();
        app.UseApiErrorCatalog();
        app.MapGet("/typo", () => "typo").RequirePlan("sprad");

        // Act
        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => app.StartAsync());

        // Assert
        Assert.StartsWith("Endpoint 'HTTP: GET /typo' requires plan or feature 'sprad' (RequirePlan)", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequirePlanNamingNothingClose_ListsThePlansWithoutAGuess()
    {
        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync(
            Json,
            app => app.MapGet("/enterprise", () => "enterprise").RequirePlan("enterprise")));

        Assert.Equal(
            "Endpoint 'HTTP: GET /enterprise' requires plan or feature 'enterprise' (RequirePlan), which no configured plan has; "
            + "no key could call it. Plans and features: free, pro, spread.",
            exception.Message);
    }

    [Fact]
    public async Task ReloadedConfigurationWithoutARequiredFeature_IsRefused_AndTheApplicationGoesOnWithItsPlans()
    {
        // Arrange: a reload that drops the feature /spread requires
        var key = NewKey();
        var json = Json.Replace("\"Plans\"", $$"""
            "ApiKeys": [ { "Id": "p", "Hash": "{{Hash(key)}}", "Plan": "pro" } ],
            "Plans"
            """, StringComparison.Ordinal);
        var reload = new ReloadSource();
        var dropped = false;
        await using var api = await StartAsync(json, configure: builder => builder.Services
            .AddSingleton<IOptionsChangeTokenSource<ApiErrorCatalogOptions>>(reload)
            .Configure<ApiErrorCatalogOptions>(o =>
            {
                if (dropped)
                {
                    o.Plans["pro"].Features.Clear();
                }
            }));

        // Act
        dropped = true;
        reload.Reload();
        using var response = await api.GetAsync("/spread", key);

        // Assert: one error naming the endpoint and the name, as start-up would; the pro key still has the feature
        var error = Assert.Single(api.Logs.GetSnapshot(), r => r.Id.Name == "ConfigurationReloadRejected");
        Assert.Equal(LogLevel.Error, error.Level);
        Assert.Contains("Endpoint 'HTTP: GET /spread' requires plan or feature 'spread' (RequirePlan)", error.Message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task RequirePlanAttributeNamingNoConfiguredPlan_FailsStartUp_EachEndpointOnItsLine()
    {
        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync(
            Json,
            app =>
            {
                app.MapGet("/gold", [ApiKey(Plans = ["gold"])] () => "gold");
                app.MapPost("/platinum", () => "platinum").RequirePlan("platinum");
            }));

        var lines = exception.Message.Split(Environment.NewLine);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("Endpoint 'HTTP: GET /gold' requires plan or feature 'gold' (RequirePlan)", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("Endpoint 'HTTP: POST /platinum' requires plan or feature 'platinum' (RequirePlan)", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequirePlanNamingAPlanOrAFeature_Starts_AndAdmitsThatPlansKeys()
    {
        var key = NewKey();
        var json = Json.Replace("\"Plans\"", $$"""
            "ApiKeys": [ { "Id": "p", "Hash": "{{Hash(key)}}", "Plan": "pro" } ],
            "Plans"
            """, StringComparison.Ordinal);
        await using var api = await StartAsync(json, app =>
        {
            app.MapGet("/by-plan", () => "by-plan").RequirePlan("pro");
            app.MapGet("/by-feature", [ApiKey(Plans = ["spread"])] () => "by-feature");
        });

        using var byPlan = await api.GetAsync("/by-plan", key);
        using var byFeature = await api.GetAsync("/by-feature", key);

        Assert.Equal(HttpStatusCode.OK, byPlan.StatusCode);
        Assert.Equal(HttpStatusCode.OK, byFeature.StatusCode);
    }

    [Fact]
    public async Task WithAnAppsOwnKeyStore_RequirePlanIsCheckedToo_SinceItsRecordsNameConfiguredPlans()
    {
        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync(
            Json,
            app => app.MapGet("/typo", () => "typo").RequirePlan("sprad"),
            configure: builder => builder.Services.AddSingleton<IApiKeyStore>(new EmptyStore())));

        Assert.Contains("'sprad'", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequirePlanAttributeOnAControllerAction_NamingNoConfiguredPlan_FailsStartUp()
    {
        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync(
            Json,
            app => app.MapControllers(),
            configure: builder => builder.Services.AddControllers()
                .ConfigureApplicationPartManager(parts => parts.FeatureProviders.Add(new TypoControllerOnly()))));

        Assert.StartsWith(
            $"Endpoint '{typeof(TypoController).FullName}.Gold (",
            exception.Message,
            StringComparison.Ordinal);
        Assert.Contains("(route 'typo/gold') requires plan or feature 'gold' (RequirePlan)", exception.Message, StringComparison.Ordinal);
    }

    /// <summary>Not public, so no other test's controller discovery finds it; <see cref="TypoControllerOnly"/> adds it.</summary>
    [ApiController]
    [Route("typo")]
    internal sealed class TypoController : ControllerBase
    {
        [HttpGet("gold")]
        [ApiKey(Plans = ["gold"])]
        public string Gold() => "gold";
    }

    private sealed class TypoControllerOnly : IApplicationFeatureProvider<ControllerFeature>
    {
        public void PopulateFeature(IEnumerable<ApplicationPart> parts, ControllerFeature feature) =>
            feature.Controllers.Add(typeof(TypoController).GetTypeInfo());
    }

    /// <summary>A configuration reload on demand.</summary>
    private sealed class ReloadSource : IOptionsChangeTokenSource<ApiErrorCatalogOptions>
    {
        private ConfigurationReloadToken _token = new();

        public string? Name => Options.DefaultName;

        public IChangeToken GetChangeToken() => _token;

        public void Reload() => Interlocked.Exchange(ref _token, new()).OnReload();
    }

    /// <summary>A store without keys: its records could only name configured plans anyway.</summary>
    private sealed class EmptyStore : IApiKeyStore
    {
        public ValueTask<ApiKeyRecord?> FindAsync(ApiKeyHash hash, CancellationToken cancellationToken) => new((ApiKeyRecord?)null);
    }
}
