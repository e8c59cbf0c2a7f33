using ErrorCatalog.Middleware;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

// Reports every admitted request's charges to the application's meter (billing overage, usage records).
public static partial class ApiErrorCatalogServiceCollectionExtensions
{
    /// <summary>
    /// Delivers what every admitted request was charged to <typeparamref name="TMeter"/> (a singleton), in batches,
    /// off the request path, at least once (see <see cref="IUsageMeter"/> and docs/metering.md), with the default
    /// <see cref="UsageMeteringOptions"/> or those configured with <c>services.Configure&lt;UsageMeteringOptions&gt;</c>.
    /// </summary>
    public static IServiceCollection AddApiUsageMeter<TMeter>(this IServiceCollection services)
        where TMeter : class, IUsageMeter
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton<IUsageMeter, TMeter>();
        return AddUsageMetering(services, configure: null);
    }

    /// <summary>As <see cref="AddApiUsageMeter{TMeter}(IServiceCollection)"/>, with <paramref name="configure"/> setting the options (validated at start-up).</summary>
    public static IServiceCollection AddApiUsageMeter<TMeter>(this IServiceCollection services, Action<UsageMeteringOptions> configure)
        where TMeter : class, IUsageMeter
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddSingleton<IUsageMeter, TMeter>();
        return AddUsageMetering(services, configure);
    }

    /// <summary>As <see cref="AddApiUsageMeter{TMeter}(IServiceCollection)"/>, with the meter <paramref name="factory"/> makes (once).</summary>
    public static IServiceCollection AddApiUsageMeter(this IServiceCollection services, Func<IServiceProvider, IUsageMeter> factory)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(factory);
        services.AddSingleton(factory);
        return AddUsageMetering(services, configure: null);
    }

    /// <summary>As <see cref="AddApiUsageMeter(IServiceCollection, Func{IServiceProvider, IUsageMeter})"/>, with <paramref name="configure"/> setting the options (validated at start-up).</summary>
    public static IServiceCollection AddApiUsageMeter(this IServiceCollection services, Func<IServiceProvider, IUsageMeter> factory, Action<UsageMeteringOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddSingleton(factory);
        return AddUsageMetering(services, configure);
    }

    private static IServiceCollection AddUsageMetering(IServiceCollection services, Action<UsageMeteringOptions>? configure)
    {
        var options = services.AddOptions<UsageMeteringOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<UsageMeteringOptions>, UsageMeteringOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<ApiErrorCatalogMetrics>();
        services.TryAddSingleton<UsageMeterQueue>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, UsageMeterService>());
        return services;
    }
}
