using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Proceeds.Health;

/// <summary>The dependency check behind <c>GET /health</c>.</summary>
internal sealed class DatabaseHealthCheck(Database database) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(database.IsAvailable
            ? HealthCheckResult.Healthy("The database answers.")
            : HealthCheckResult.Unhealthy("The database does not answer."));
}
