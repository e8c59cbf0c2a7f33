using ErrorCatalog.Middleware;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Counts in Redis, shared by every instance of the app.</summary>
public static class ApiErrorCatalogRedisServiceCollectionExtensions
{
    /// <summary>
    /// Lets <c>ApiErrorCatalog:Redis</c> take effect: with <see cref="RedisOptions.Configuration"/> set, every limit is
    /// counted in that Redis server; without it, counters stay in memory (a development machine without Redis).
    /// Call it beside <c>AddApiErrorCatalog</c>, in either order. With an <see cref="IApiKeyStore"/>, key invalidations
    /// (<see cref="IApiKeyInvalidator"/>) are sent to every instance through the same Redis.
    /// </summary>
    public static IServiceCollection AddApiErrorCatalogRedis(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<IRemoteCounterStoreFactory, RedisCounterStoreFactory>();
        services.TryAddSingleton(static sp => OpenConnection(sp));

        // Key invalidations reach every instance over Redis pub/sub (docs/keys.md).
        services.TryAddSingleton(static sp => new RedisKeyInvalidations(sp, sp.GetRequiredService<ILogger<RedisKeyInvalidations>>()));
        services.TryAddSingleton<IKeyInvalidationBroadcast>(static sp => sp.GetRequiredService<RedisKeyInvalidations>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, RedisKeyInvalidations>(static sp => sp.GetRequiredService<RedisKeyInvalidations>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ApiErrorCatalogOptions>, RedisConfigurationCheck>(
            static sp => new RedisConfigurationCheck(Path(sp), sp.GetService<ApiErrorCatalogOptionsValidator>())));
        return services;
    }

    /// <summary>
    /// Counts in Redis on the app's own multiplexer (one it already uses for caching or its data, such as the one
    /// <c>sp =&gt; sp.GetRequiredService&lt;IConnectionMultiplexer&gt;()</c> returns), so the app keeps one connection.
    /// <c>ApiErrorCatalog:Redis:Configuration</c> is then not set (setting both stops the app at start-up); the rest of
    /// <c>ApiErrorCatalog:Redis</c> applies. The multiplexer stays the app's: it is never disposed here. A request waits
    /// for Redis up to the multiplexer's own <c>asyncTimeout</c> (plus its heartbeat); start-up warns when that is
    /// longer than <see cref="RedisOptions.Timeout"/> (docs/redis.md).
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="connection">Returns the app's multiplexer; called once, when the counter store is made.</param>
    public static IServiceCollection AddApiErrorCatalogRedis(this IServiceCollection services, Func<IServiceProvider, IConnectionMultiplexer> connection)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(connection);
        services.Replace(ServiceDescriptor.Singleton(new AppRedisConnection(connection)));
        services.AddOptions<ApiErrorCatalogOptions>().PostConfigure(static options =>
        {
            options.Redis ??= new RedisOptions();
            options.Redis.AppConnection = true;
        });
        return services.AddApiErrorCatalogRedis();
    }

    private static RedisConnection OpenConnection(IServiceProvider services)
    {
        // The Redis settings start-up validated: a configuration reload never changes them.
        var options = services.GetRequiredService<RunningOptions>().Startup.Book.Options.Redis!;
        return services.GetService<AppRedisConnection>() is { } app
            ? RedisConnection.Adopt(app.Factory(services), options, Path(services), services.GetRequiredService<ILogger<RedisConnection>>())
            : RedisConnection.Connect(options);
    }

    private static string Path(IServiceProvider services) => services.GetService<ApiErrorCatalogOptionsValidator>()?.Path ?? "ApiErrorCatalog";
}
