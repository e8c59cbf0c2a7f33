using ErrorCatalog.Middleware;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>A health check for the API limits' counters.</summary>
public static class ApiErrorCatalogHealthChecksBuilderExtensions
{
    /// <summary>The name the check is registered under unless another is given.</summary>
    public const string DefaultName = "errorcatalog";

    /// <summary>
    /// Adds a check of the counter store the API limits use: Healthy while counters live in memory; with Redis, a
    /// PING within <c>ApiErrorCatalog:Redis:Timeout</c>, reporting its latency, the endpoints, whether the client is
    /// connected and the outage policy, and <paramref name="failureStatus"/> (default Unhealthy) when Redis does not
    /// answer. Needs <c>AddApiErrorCatalog</c>.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The check's name in the health report. Default <see cref="DefaultName"/>.</param>
    /// <param name="failureStatus">What the check reports when the store cannot count; null for <see cref="HealthStatus.Unhealthy"/>.</param>
    /// <param name="tags">Tags to filter checks by (<c>HealthCheckOptions.Predicate</c>).</param>
    /// <param name="timeout">How long the framework lets the check run; null for no limit of its own (the Redis check is bounded by its timeout anyway).</param>
    public static IHealthChecksBuilder AddApiErrorCatalog(
        this IHealthChecksBuilder builder,
        string name = DefaultName,
        HealthStatus? failureStatus = null,
        IEnumerable<string>? tags = null,
        TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);
        return builder.Add(new HealthCheckRegistration(name, static sp => new CounterStoreHealthCheck(Store(sp)), failureStatus, tags, timeout));
    }

    private static ICounterStore Store(IServiceProvider services) => services.GetService<ICounterStore>()
        ?? throw new InvalidOperationException("The ErrorCatalog health check needs the API limits: call services.AddApiErrorCatalog(...).");
}
