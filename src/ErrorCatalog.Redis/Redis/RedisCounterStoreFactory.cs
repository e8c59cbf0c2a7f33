using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ErrorCatalog.Middleware;

/// <summary>The Redis store, made when <see cref="RedisOptions.Configuration"/> is set.</summary>
internal sealed class RedisCounterStoreFactory : IRemoteCounterStoreFactory
{
    public ICounterStore Create(IServiceProvider services, ApiErrorCatalogOptions options) =>
        new RedisCounterStore(options.Redis!, options.ConcurrencyRetryAfter, services.GetRequiredService<ILogger<RedisCounterStore>>());
}
