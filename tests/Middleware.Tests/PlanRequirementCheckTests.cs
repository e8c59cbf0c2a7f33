using System.Net;
using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ApplicationParts;
using Microsoft.AspNetCore.Mvc.Controllers;
using Microsoft.Extensions.DependencyInjection;
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
            + "(plans and features: free, pro, spread); no key could call it.",
            exception.Message);
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
        Assert.Contains("requires plan or feature 'gold' (RequirePlan)", exception.Message, StringComparison.Ordinal);
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

    /// <summary>A store without keys: its records could only name configured plans anyway.</summary>
    private sealed class EmptyStore : IApiKeyStore
    {
        public ValueTask<ApiKeyRecord?> FindAsync(ApiKeyHash hash, CancellationToken cancellationToken) => new((ApiKeyRecord?)null);
    }
}
