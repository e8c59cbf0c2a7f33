using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ErrorCatalog.Middleware;

/// <summary>The Redis store, made when <see cref="RedisOptions.Configuration"/> is set or the app gave its own connection.</summary>
internal sealed class RedisCounterStoreFactory : IRemoteCounterStoreFactory
{
    public ICounterStore Create(IServiceProvider services, ApiErrorCatalogOptions options)
    {
        var connection = services.GetRequiredService<RedisConnection>();
        return new RedisCounterStore(
            connection.Multiplexer,
            connection.AsyncTimeout,
            options.Redis!,
            options.ConcurrencyRetryAfter,
            services.GetRequiredService<ILogger<RedisCounterStore>>(),
            services.GetRequiredService<ApiErrorCatalogMetrics>());
    }
}
