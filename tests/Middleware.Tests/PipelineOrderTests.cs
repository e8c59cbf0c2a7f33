using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using static ErrorCatalog.Middleware.Tests.TestApi;

namespace ErrorCatalog.Middleware.Tests;

/// <summary>
/// Where <c>UseApiErrorCatalog()</c> sits against <c>UseRouting()</c>: after it (explicitly, or implicitly in a
/// minimal app) endpoint metadata applies; before it the app does not start, instead of serving a pro endpoint
/// to a free key.
/// </summary>
public sealed class PipelineOrderTests
{
    private static readonly string FreeKey = NewKey("free");

    private static IConfiguration Configuration() => new ConfigurationBuilder()
        .AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes($$"""
            {
              "ApiErrorCatalog": {
                "Plans": {
                  "free": { "Limits": { "credits": { "Kind": "Credits", "PermitLimit": 100, "Window": "day" } } },
                  "pro": { "Limits": { "credits": { "Kind": "Credits", "PermitLimit": 1000, "Window": "day" } } }
                },
                "ApiKeys": [ { "Id": "free-key", "Hash": "{{Hash(FreeKey)}}", "Plan": "free" } ]
              }
            }
            """)))
        .Build();

    private static WebApplication Build(bool controllers = false)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddApiErrorCatalog(Configuration().GetSection("ApiErrorCatalog"));
        if (controllers)
        {
            builder.Services.AddControllers().AddApplicationPart(typeof(PlanOnlyController).Assembly);
        }

        return builder.Build();
    }

    private static void Map(WebApplication app)
    {
        app.MapGet("/ok", () => "ok");
        app.MapGet("/pro", () => "pro").RequirePlan("pro").WithCredits(5);
    }

    [Fact]
    public async Task UseApiErrorCatalogBeforeUseRouting_FailsAtStartUpNamingTheFix()
    {
        await using var app = Build();
        app.UseApiErrorCatalog();
        app.UseRouting();
        Map(app);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => app.StartAsync());

        Assert.Contains("app.UseApiErrorCatalog() is called before app.UseRouting()", error.Message);
        Assert.Contains("Call app.UseRouting() before app.UseApiErrorCatalog()", error.Message);
    }

    [Fact]
    public async Task UseApiErrorCatalogBeforeUseRouting_WithControllers_FailsAtStartUp()
    {
        await using var app = Build(controllers: true);
        app.UseApiErrorCatalog();
        app.UseRouting();
        app.MapControllers();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => app.StartAsync());

        Assert.Contains("before app.UseRouting()", error.Message);
    }

    [Fact]
    public async Task UseApiErrorCatalogBeforeUseRouting_InAStartupStyleHost_FailsAtStartUp()
    {
        using var host = new HostBuilder()
            .ConfigureWebHost(web => web
                .UseTestServer()
                .ConfigureServices(services => services.AddRouting().AddApiErrorCatalog(Configuration().GetSection("ApiErrorCatalog")))
                .Configure(app =>
                {
                    app.UseApiErrorCatalog();
                    app.UseRouting();
                    app.UseEndpoints(endpoints => endpoints.MapGet("/pro", () => "pro").RequirePlan("pro"));
                }))
            .Build();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Contains("before app.UseRouting()", error.Message);
    }

    [Theory]
    [InlineData(true)]  // UseRouting() first
    [InlineData(false)] // a minimal app without UseRouting(): WebApplication routes first
    public async Task RoutingBeforeTheMiddleware_AppliesThePlan(bool explicitUseRouting)
    {
        await using var app = Build();
        if (explicitUseRouting)
        {
            app.UseRouting();
        }

        app.UseApiErrorCatalog();
        Map(app);
        await app.StartAsync();
        using var client = app.GetTestClient();

        using var pro = await SendAsync(client, "/pro");
        using var ok = await SendAsync(client, "/ok");

        await AssertProblemAsync(pro, HttpStatusCode.Forbidden, "API_KEY_PLAN_NOT_AUTHORIZED", 1006);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task ControllersAfterRouting_ApplyTheirAttributes()
    {
        await using var app = Build(controllers: true);
        app.UseRouting();
        app.UseApiErrorCatalog();
        app.MapControllers();
        await app.StartAsync();
        using var client = app.GetTestClient();

        using var pro = await SendAsync(client, "/controller/pro");

        await AssertProblemAsync(pro, HttpStatusCode.Forbidden, "API_KEY_PLAN_NOT_AUTHORIZED", 1006);
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add(KeyHeader, FreeKey);
        return client.SendAsync(request);
    }
}
