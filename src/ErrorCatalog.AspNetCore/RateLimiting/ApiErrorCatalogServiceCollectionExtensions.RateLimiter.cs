using ErrorCatalog;
using ErrorCatalog.Defaults;
using ErrorCatalog.Middleware;
using Microsoft.AspNetCore.Http;

using Microsoft.AspNetCore.RateLimiting;

namespace Microsoft.Extensions.DependencyInjection;

// Lets the built-in rate limiter use the catalog: its limits as the global limiter, its errors as answers.
public static partial class ApiErrorCatalogServiceCollectionExtensions
{
    /// <summary>Uses the configured API limits (<c>AddApiErrorCatalog</c>) as <see cref="RateLimiterOptions.GlobalLimiter"/>.</summary>
    public static RateLimiterOptions UseApiErrorCatalogLimits(this RateLimiterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.GlobalLimiter = new ApiErrorCatalogRateLimiter();
        return options.AnswerRejectionsFromCatalog(Refusal.MinuteLimit);
    }

    /// <summary>
    /// Answers every rejection of the built-in rate limiter with a catalog error: the one a lease of
    /// the catalog's limiter carries, else the entry answering <paramref name="refusal"/> (<paramref name="catalog"/>'s,
    /// else the default catalog's), with <c>Retry-After</c> from the lease's metadata.
    /// </summary>
    public static RateLimiterOptions AnswerRejectionsFromCatalog(this RateLimiterOptions options, Refusal refusal = Refusal.MinuteLimit, ApiErrorCatalog? catalog = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        catalog = (catalog ?? ApiErrors.Catalog).Over(ApiErrors.Catalog); // a refusal it does not answer is the default entry's
        var fallback = catalog.Find(refusal)
            ?? throw new ArgumentException($"The catalog answers no refusal {refusal}.", nameof(refusal));
        options.RejectionStatusCode = fallback.Status;
        options.OnRejected = (context, _) =>
        {
            var http = context.HttpContext;
            if (!context.Lease.TryGetMetadata(ApiLimitLease.ErrorMetadata, out var error) || error.Descriptor is null)
            {
                error = new ApiError(fallback);
            }

            if (context.Lease.TryGetMetadata(System.Threading.RateLimiting.MetadataName.RetryAfter, out var retryAfter))
            {
                var seconds = Math.Max(1, ApiError.ToWholeSeconds(retryAfter));
                http.Response.Headers.RetryAfter = HeaderValues.Integer(seconds);
                error.TrySet("retryAfter", TimeSpan.FromSeconds(seconds));
            }

            // A key refusal's 401 names how to send a key, when the catalog's services know where keys are read.
            (http.RequestServices?.GetService(typeof(ApiKeyChallenge)) as ApiKeyChallenge)?.AddTo(http.Response.Headers, error.Status);
            return ApiErrorWriter.WriteAsync(http.Response, error, http.GetErrorContext(), http.GetErrorShape(error.Descriptor.Catalog));
        };
        return options;
    }
}
