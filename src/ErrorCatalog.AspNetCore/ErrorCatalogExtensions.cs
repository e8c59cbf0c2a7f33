using ErrorCatalog;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>
/// The catalog's entry points: services for the framework's own problems and request ids, and endpoint conventions
/// for error and success shapes. One class, in a namespace every web app imports, so the package adds one name.
/// </summary>
public static class ErrorCatalogExtensions
{
    /// <summary>
    /// Adds the framework's problem details with the catalog's writer first, and an exception handler that answers
    /// from the catalog. Use with <c>app.UseExceptionHandler()</c> and, for bare status codes (an unknown path's 404,
    /// 405, 413, 415), <c>app.UseStatusCodePages()</c>: a status without an entry of its own in
    /// <see cref="ApiErrorProblemDetailsOptions.StatusErrors"/> is answered by the generic entry of its class
    /// (<c>StatusErrors[400]</c>, or for a 5xx <c>StatusErrors[500]</c> or the unhandled-exception entry) with its real status.
    /// With controllers, <c>[ApiController]</c> model validation answers with the 400 entry as well, the field errors
    /// as details, unless the app set its own <c>InvalidModelStateResponseFactory</c>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the catalog and the entries answering each status.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddApiErrorProblemDetails(this IServiceCollection services, Action<ApiErrorProblemDetailsOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.Configure(configure);

        // The catalog lies over the defaults: a code or status it does not declare is answered by the default entry.
        services.PostConfigure<ApiErrorProblemDetailsOptions>(static options => options.Catalog = options.Catalog?.Over(ErrorCatalog.Defaults.ApiErrors.Catalog));
        services.AddProblemDetails();

        // The problem details service uses the first writer that can write: ours goes before the default one.
        if (!services.Any(d => d.ImplementationType == typeof(CatalogProblemDetailsWriter)))
        {
            services.Insert(0, ServiceDescriptor.Singleton<IProblemDetailsWriter, CatalogProblemDetailsWriter>());
        }

        services.TryAddSingleton<StatusErrorMap>();

        // [ApiController] model validation answers from the catalog too; this runs only when MVC builds its options.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<ApiBehaviorOptions>, CatalogApiBehaviorOptionsSetup>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.AspNetCore.Diagnostics.IExceptionHandler, CatalogExceptionHandler>());
        return services;
    }

    /// <summary>
    /// Gives every request a <see cref="HttpContext.TraceIdentifier"/> of <paramref name="prefix"/> followed by
    /// 32 hex digits (<c>req_0196f3c2a1b47c9e8d5f00a1b2c3d4e5</c>), set when the request's context is created, so
    /// the hosting log scope's <c>RequestId</c>, the refusal log line and <c>$requestId</c> in bodies all carry it.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="prefix">Printable ASCII without spaces, at most 32 characters (<c>req_</c>); may be empty.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddRequestIds(this IServiceCollection services, string prefix)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(prefix);
        if (prefix.Length > 32 || prefix.Any(static c => c <= ' ' || c >= 127))
        {
            throw new ArgumentException($"The request id prefix '{prefix}' must be at most 32 printable ASCII characters without spaces.", nameof(prefix));
        }

        services.RemoveAll<IHttpContextFactory>();
        services.AddSingleton<IHttpContextFactory>(sp => new RequestIdHttpContextFactory(sp, prefix));
        return services;
    }

    /// <summary>Writes the errors of these endpoints in the named shape of the catalog.</summary>
    /// <typeparam name="TBuilder">The endpoint or group builder.</typeparam>
    /// <param name="builder">The endpoints.</param>
    /// <param name="shapeName">A shape declared in the catalog (<c>problem</c> or one under <c>shapes:</c>).</param>
    /// <returns>The builder, for chaining.</returns>
    public static TBuilder WithErrorShape<TBuilder>(this TBuilder builder, string shapeName)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        var metadata = new ErrorShapeAttribute(shapeName);
        builder.Add(endpoint => endpoint.Metadata.Add(metadata));
        return builder;
    }

    /// <summary>
    /// Writes the endpoints' successful results in <paramref name="shape"/> (e.g. <c>ApiErrors.Shapes.StatusOk</c>),
    /// the result as <c>$data</c>.
    /// </summary>
    /// <typeparam name="TBuilder">The endpoint or group builder.</typeparam>
    /// <param name="builder">The endpoints.</param>
    /// <param name="shape">A shape of the catalog.</param>
    /// <returns>The builder, for chaining.</returns>
    public static TBuilder WithSuccessShape<TBuilder>(this TBuilder builder, BodyShape shape)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(shape);
        return builder.AddEndpointFilter(new SuccessEnvelopeFilter(shape));
    }

    /// <summary>
    /// <paramref name="data"/> as a success body in <paramref name="shape"/> (<c>$data</c>), with the request's values
    /// filled as for errors; for responses written outside an endpoint group's <c>WithSuccessShape</c> (a health
    /// check's writer).
    /// </summary>
    public static IResult ToSuccessResult(this BodyShape shape, object? data, int status = StatusCodes.Status200OK)
    {
        ArgumentNullException.ThrowIfNull(shape);
        return new SuccessEnvelopeResult(shape, data, status, null);
    }
}
