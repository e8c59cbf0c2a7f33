using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace ErrorCatalog.Middleware.Tests;

/// <summary>
/// The docs page is rendered once: serving it writes cached bytes and allocates nothing of its own per request. Bytes
/// on this thread over many warm calls of the page's endpoint, against a handler that only sets the same
/// Content-Length (a plain HeaderDictionary makes its text; Kestrel keeps it a number); Release only.
/// </summary>
[Collection(AllocationGuardCollection.Name)]
public sealed class DocsAllocationTests
{
    private const int Warmup = 200;
    private const int Measured = 2_000;

    [ReleaseOnlyFact]
    public async Task ServingThePageASectionOrTheYaml_AllocatesNothing()
    {
        await using var api = await TestApi.StartAsync("""{ "ApiErrorCatalog": { "Plans": { "free": { "Unlimited": true } } } }""", static app => app.MapErrorCatalogDocs());
        var endpoints = api.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToArray();
        var page = Assert.Single(endpoints, static e => e.RoutePattern.RawText == "/errors").RequestDelegate!;
        var section = Assert.Single(endpoints, static e => e.RoutePattern.RawText == "/errors/{slug}").RequestDelegate!;
        var yaml = Assert.Single(endpoints, static e => e.RoutePattern.RawText == "/errors/errors.yaml").RequestDelegate!;
        var pageContext = Context(api);
        var sectionContext = Context(api);
        sectionContext.Request.RouteValues["slug"] = "rate-limited";

        var pageBytes = Measure(page, pageContext);
        var sectionBytes = Measure(section, sectionContext);
        var yamlContext = Context(api);
        var yamlBytes = Measure(yaml, yamlContext);
        var baseline = Measure(static context =>
        {
            context.Response.ContentLength = 54_321;
            return Task.CompletedTask;
        }, Context(api));

        Assert.Equal(StatusCodes.Status200OK, pageContext.Response.StatusCode);
        Assert.True(pageContext.Response.ContentLength > 10_000);
        Assert.True(sectionContext.Response.ContentLength > 500);
        Assert.True(pageBytes <= baseline, $"{pageBytes} B per page, {baseline} B per bare response");
        Assert.True(sectionBytes <= baseline, $"{sectionBytes} B per section, {baseline} B per bare response");
        Assert.True(yamlContext.Response.ContentLength > 1_000);
        Assert.True(yamlBytes <= baseline, $"{yamlBytes} B per errors.yaml, {baseline} B per bare response");
    }

    private static DefaultHttpContext Context(TestApi api)
    {
        var context = new DefaultHttpContext { RequestServices = api.App.Services };
        context.Request.Method = HttpMethods.Get;
        context.Response.Body = Stream.Null;
        return context;
    }

    private static double Measure(RequestDelegate handler, HttpContext context)
    {
        var failures = 0;
        for (var i = 0; i < Warmup; i++)
        {
            failures += handler(context).IsCompletedSuccessfully ? 0 : 1;
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Measured; i++)
        {
            failures += handler(context).IsCompletedSuccessfully ? 0 : 1;
        }

        var bytes = (double)(GC.GetAllocatedBytesForCurrentThread() - before) / Measured;
        Assert.Equal(0, failures);
        return bytes;
    }
}
