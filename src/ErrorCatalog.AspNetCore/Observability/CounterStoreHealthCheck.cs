using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ErrorCatalog.Middleware;

/// <summary>
/// The health check of <c>AddApiErrorCatalog</c> on <c>IHealthChecksBuilder</c>: asks the active counter store
/// (memory, or Redis by a round trip) whether it can count.
/// </summary>
internal sealed class CounterStoreHealthCheck(ICounterStore store) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        store.CheckHealthAsync(context.Registration.FailureStatus, cancellationToken);
}
