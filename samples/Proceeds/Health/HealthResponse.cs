using ErrorCatalog;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Proceeds.Health;

/// <summary>
/// Writes <c>GET /health</c>: the success envelope with each check's status, or, when a check fails,
/// SERVICE_UNAVAILABLE (503) from the catalog with the failed checks as its details.
/// </summary>
internal static class HealthResponse
{
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        if (report.Status == HealthStatus.Unhealthy)
        {
            var failed = report.Entries
                .Where(static e => e.Value.Status == HealthStatus.Unhealthy)
                .ToDictionary(static e => e.Key, static e => e.Value.Description ?? "unhealthy");
            return ApiErrors.ServiceUnavailable().ToResult(null, new { checks = failed }).ExecuteAsync(context);
        }

        var checks = report.Entries.ToDictionary(static e => e.Key, static e => Status(e.Value.Status));
        return ApiErrors.Shapes.Success.ToSuccessResult(new { status = Status(report.Status), checks }).ExecuteAsync(context);
    }

    private static string Status(HealthStatus status) => status switch
    {
        HealthStatus.Healthy => "healthy",
        HealthStatus.Degraded => "degraded",
        _ => "unhealthy",
    };
}
