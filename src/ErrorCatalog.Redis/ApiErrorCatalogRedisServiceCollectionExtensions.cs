using ErrorCatalog.Middleware;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Counts in Redis, shared by every instance of the app.</summary>
public static class ApiErrorCatalogRedisServiceCollectionExtensions
{
    /// <summary>
    /// Lets <c>ApiErrorCatalog:Redis</c> take effect: with <see cref="RedisOptions.Configuration"/> set, every limit is
    /// counted in that Redis server; without it, counters stay in memory (a development machine without Redis).
    /// Call it beside <c>AddApiErrorCatalog</c>, in either order.
    /// </summary>
    public static IServiceCollection AddApiErrorCatalogRedis(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<IRemoteCounterStoreFactory, RedisCounterStoreFactory>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ApiErrorCatalogOptions>, RedisConfigurationCheck>(
            static sp => new RedisConfigurationCheck(sp.GetService<ApiErrorCatalogOptionsValidator>()?.Path ?? "ApiErrorCatalog")));
        return services;
    }
}
