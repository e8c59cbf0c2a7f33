using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;

namespace ErrorCatalog.Benchmarks.Shared;

/// <summary>
/// The built-in baseline's refusal, one definition for the BenchmarkDotNet harness and the load apps: 429,
/// <c>Retry-After</c> from the lease's metadata, and <see cref="IProblemDetailsService"/> ProblemDetails (the
/// framework's writer adds <c>traceId</c>, the request id, itself). Only the refusal is shared: each baseline keeps its
/// own partition function, as sharing that one (with a captured setting) changed the baseline's allocations.
/// </summary>
internal static class BuiltInRejection
{
    public static async ValueTask WriteAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        if (rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
        {
            context.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests",
                Detail = "The minute limit is used up.",
                Type = "/errors/rate-limits",
                Instance = context.Request.Path,
            },
        }).ConfigureAwait(false);
    }
}
