using ErrorCatalog;
using ErrorCatalog.Middleware;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers API keys, plans and limits answered from the error catalog.</summary>
public static class ApiErrorCatalogServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="ApiErrorCatalogOptions"/> to <paramref name="section"/> (usually <c>ApiErrorCatalog</c>),
    /// validated at start-up: a bad setting stops the app with the setting's path.
    /// </summary>
    public static IServiceCollection AddApiErrorCatalog(this IServiceCollection services, IConfiguration section, Action<ApiErrorCatalogOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);
        var path = section is IConfigurationSection s ? s.Path : "ApiErrorCatalog";
        var builder = services.AddOptions<ApiErrorCatalogOptions>().Bind(section);
        if (configure is not null)
        {
            builder.Configure(configure);
        }

        return services.AddCore(path, section);
    }

    /// <summary>Configures <see cref="ApiErrorCatalogOptions"/> in code, validated at start-up.</summary>
    public static IServiceCollection AddApiErrorCatalog(this IServiceCollection services, Action<ApiErrorCatalogOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<ApiErrorCatalogOptions>().Configure(configure);
        return services.AddCore("ApiErrorCatalog");
    }

    private static IServiceCollection AddCore(this IServiceCollection services, string path, IConfiguration? section = null)
    {
        var validator = new ApiErrorCatalogOptionsValidator(path, section);
        services.AddSingleton(validator);
        services.AddSingleton<IValidateOptions<ApiErrorCatalogOptions>>(validator);
        services.AddOptions<ApiErrorCatalogOptions>().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<ApiErrorCatalogMetrics>();
        services.TryAddSingleton<ApiErrorCatalogRuntime>();
        services.AddHostedService<QueryKeyLoggingCheck>(); // warns when the framework logs query-string keys

        // The framework's own problems (validation, status codes, exceptions) answer from the same catalog.
        services.AddApiErrorProblemDetails(static _ => { });
        services.AddOptions<ApiErrorProblemDetailsOptions>().Configure<IOptions<ApiErrorCatalogOptions>>(static (problems, options) =>
        {
            problems.Catalog = options.Value.Catalog;
            problems.StatusErrors = options.Value.StatusErrors;
            problems.UnhandledExceptionError = options.Value.UnhandledExceptionError;
        });
        return services;
    }
}
