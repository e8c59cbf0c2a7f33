using ErrorCatalog;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers catalog answers for the framework's own problems and unhandled exceptions.</summary>
public static class ApiErrorProblemDetailsServiceCollectionExtensions
{
    /// <summary>
    /// Adds the framework's problem details with the catalog's writer first, and an exception handler that answers
    /// from the catalog. Use with <c>app.UseExceptionHandler()</c> and, for bare status codes (an unknown path's 404,
    /// 405, 413, 415), <c>app.UseStatusCodePages()</c>: a status without an entry of its own in
    /// <see cref="ApiErrorProblemDetailsOptions.StatusErrors"/> is answered by the generic entry of its class
    /// (<c>StatusErrors[400]</c>, or for a 5xx <c>StatusErrors[500]</c> or the unhandled-exception entry) with its real status.
    /// </summary>
    public static IServiceCollection AddApiErrorProblemDetails(this IServiceCollection services, Action<ApiErrorProblemDetailsOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.Configure(configure);
        services.AddProblemDetails();

        // The problem details service uses the first writer that can write: ours goes before the default one.
        if (!services.Any(d => d.ImplementationType == typeof(CatalogProblemDetailsWriter)))
        {
            services.Insert(0, ServiceDescriptor.Singleton<IProblemDetailsWriter, CatalogProblemDetailsWriter>());
        }

        services.TryAddSingleton<StatusErrorMap>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.AspNetCore.Diagnostics.IExceptionHandler, CatalogExceptionHandler>());
        return services;
    }
}
