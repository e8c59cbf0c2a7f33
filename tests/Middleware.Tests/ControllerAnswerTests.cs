using System.ComponentModel.DataAnnotations;
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
/// Controllers answer from the catalog as minimal APIs do: an <c>ActionResult&lt;T&gt;</c> action returning an error,
/// and <c>[ApiController]</c> model validation with its field errors under <c>errors</c>.
/// </summary>
public sealed class ControllerAnswerTests
{
    private static string Config(string key, bool validationEntry = true) => $$"""
        {
          "ApiErrorCatalog": {
            {{(validationEntry ? """ "StatusErrors": { "400": "VALIDATION_ERROR" }, """ : "")}}
            "Plans": {
              "free": {
                "Limits": {
                  "minute": { "PermitLimit": 100, "Window": "minute" },
                  "credits": { "Kind": "Credits", "PermitLimit": 10, "Window": "day" }
                }
              }
            },
            "ApiKeys": [ { "Id": "a", "Hash": "{{Hash(key)}}", "Plan": "free" } ]
          }
        }
        """;

    private static Task<TestApi> StartAsync(string json, Action<IMvcBuilder>? mvc = null) => TestApi.StartAsync(
        json,
        app => app.MapControllers(),
        configure: builder =>
        {
            var controllers = builder.Services.AddControllers()
                .ConfigureApplicationPartManager(parts => parts.FeatureProviders.Add(new AlertsControllerOnly()));
            mvc?.Invoke(controllers);
        });

    [Fact]
    public async Task ActionResultOfT_ReturningToActionResult_WritesTheCatalogBody()
    {
        var key = NewKey();
        await using var api = await StartAsync(Config(key));

        using var found = await api.GetAsync("/alerts/1", key);
        using var missing = await api.GetAsync("/alerts/7", key);

        Assert.Equal(HttpStatusCode.OK, found.StatusCode);
        var body = await AssertProblemAsync(missing, HttpStatusCode.NotFound, "NOT_FOUND");
        Assert.Equal("alert 7", body.GetProperty("resource").GetString());
        Assert.False(body.TryGetProperty("errors", out _), "an error without details has no errors member");
    }

    [Fact]
    public async Task ApiControllerValidation_AnswersTheCatalogsEntry_WithFieldErrorsByJsonName()
    {
        var key = NewKey();
        await using var api = await StartAsync(Config(key));

        using var response = await api.PostJsonAsync("/alerts", key, """{"threshold": 0}""");

        var body = await AssertProblemAsync(response, HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        var errors = body.GetProperty("errors");
        Assert.Equal(["The PairName field is required."], errors.GetProperty("pairName").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["The field Threshold must be between 0.0001 and 1000."], errors.GetProperty("threshold").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task ApiControllerValidation_CostsNoCredits()
    {
        var key = NewKey();
        await using var api = await StartAsync(Config(key));

        using var invalid1 = await api.PostJsonAsync("/alerts", key, """{"threshold": 0}""");
        using var invalid2 = await api.PostJsonAsync("/alerts", key, """{"threshold": 0}""");
        using var valid1 = await api.PostJsonAsync("/alerts", key, """{"pairName": "EUR-USD", "threshold": 1}""");
        using var valid2 = await api.PostJsonAsync("/alerts", key, """{"pairName": "EUR-USD", "threshold": 1}""");
        using var valid3 = await api.PostJsonAsync("/alerts", key, """{"pairName": "EUR-USD", "threshold": 1}""");

        await AssertProblemAsync(invalid1, HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        Assert.Equal(HttpStatusCode.BadRequest, invalid2.StatusCode);
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK], [valid1.StatusCode, valid2.StatusCode]); // all 10 credits left for them
        await AssertProblemAsync(valid3, HttpStatusCode.TooManyRequests, "CREDITS_LIMIT_REACHED");
    }

    [Fact]
    public async Task ApiControllerValidation_WithoutA400Entry_KeepsTheFrameworksAnswer()
    {
        var key = NewKey();
        await using var api = await StartAsync(Config(key, validationEntry: false));

        using var response = await api.PostJsonAsync("/alerts", key, """{"threshold": 0}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await ReadJsonAsync(response);
        Assert.Equal("One or more validation errors occurred.", body.GetProperty("title").GetString());
        Assert.False(body.TryGetProperty("code", out _));
    }

    [Fact]
    public async Task ApiControllerValidation_TheAppsOwnResponseFactory_Wins()
    {
        var key = NewKey();
        await using var api = await StartAsync(
            Config(key),
            mvc => mvc.ConfigureApiBehaviorOptions(o => o.InvalidModelStateResponseFactory = _ => new ConflictObjectResult("mine")));

        using var response = await api.PostJsonAsync("/alerts", key, """{"threshold": 0}""");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("mine", await response.Content.ReadAsStringAsync());
    }

    /// <summary>A model-validated body.</summary>
    public sealed class AlertRequest
    {
        /// <summary>The currency pair.</summary>
        [Required]
        public string? PairName { get; set; }

        /// <summary>The rate that triggers the alert.</summary>
        [Range(0.0001, 1000)]
        public decimal Threshold { get; set; }
    }

    /// <summary>Nested, so no other test's controller discovery finds it; <see cref="AlertsControllerOnly"/> adds it.</summary>
    [ApiController]
    [Route("alerts")]
    public sealed class AlertsController : ControllerBase
    {
        /// <summary>Alert 1 exists.</summary>
        [HttpGet("{id:int}")]
        public ActionResult<AlertRequest> Get(int id) =>
            id == 1 ? new AlertRequest { PairName = "EUR-USD", Threshold = 1.1m } : ApiErrors.NotFound($"alert {id}").ToActionResult();

        /// <summary>Validated by [ApiController] before it runs; 5 credits.</summary>
        [HttpPost]
        [ApiKey(Credits = 5)]
        public ActionResult<AlertRequest> Create(AlertRequest request) => request;
    }

    private sealed class AlertsControllerOnly : IApplicationFeatureProvider<ControllerFeature>
    {
        public void PopulateFeature(IEnumerable<ApplicationPart> parts, ControllerFeature feature) =>
            feature.Controllers.Add(typeof(AlertsController).GetTypeInfo());
    }
}
