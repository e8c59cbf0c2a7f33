using System.Net;
using ErrorCatalog;
using ErrorCatalog.Client;
using ErrorCatalog.Client.Resilience;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the catalog's retry rules (429, Remaining 0, 503, the maximum wait) to an HttpClient.</summary>
public static class CatalogResilienceExtensions
{
    /// <summary>The name of the resilience handler <see cref="AddCatalogResilienceHandler"/> adds.</summary>
    public const string HandlerName = "error-catalog";

    /// <summary>
    /// Adds a resilience handler that follows the API's limits as <paramref name="catalog"/> describes them: on 429 it
    /// waits Retry-After (seconds or an HTTP date) or the rate-limit reset and retries; after a response that said
    /// Remaining 0 it waits for the reset before sending; it retries 503 with backoff and jitter; it never retries
    /// another status (401, 402, 403, 404 pass through); past <see cref="CatalogResilienceOptions.MaxWait"/> the
    /// caller gets <see cref="ApiErrorException"/> at once. One handler per client: the Remaining-0 state is the client's.
    /// </summary>
    /// <remarks>
    /// With <c>AddStandardResilienceHandler</c>, add this handler first (outermost) and call
    /// <see cref="LeaveRateLimitsToCatalog"/> on the standard one, so 429 and 503 are retried here only.
    /// </remarks>
    public static IHttpResiliencePipelineBuilder AddCatalogResilienceHandler(
        this IHttpClientBuilder builder, ApiErrorCatalog catalog, Action<CatalogResilienceOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(catalog);
        var options = new CatalogResilienceOptions();
        configure?.Invoke(options);
        return builder.AddResilienceHandler(HandlerName, (pipeline, context) =>
            pipeline.AddCatalogRateLimits(catalog, options, context.ServiceProvider.GetService<TimeProvider>()));
    }

    /// <summary>
    /// Adds the catalog's retry rules to a pipeline (see <see cref="AddCatalogResilienceHandler"/>), waiting on
    /// <paramref name="timeProvider"/> (default the system clock).
    /// </summary>
    public static ResiliencePipelineBuilder<HttpResponseMessage> AddCatalogRateLimits(
        this ResiliencePipelineBuilder<HttpResponseMessage> builder, ApiErrorCatalog catalog,
        CatalogResilienceOptions? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(catalog);
        options ??= new CatalogResilienceOptions();
        var time = timeProvider ?? TimeProvider.System;
        return builder.AddStrategy(context => new CatalogRateLimitStrategy(catalog, options, time, context.Telemetry), options);
    }

    /// <summary>
    /// Makes the standard resilience handler leave rate limits to the catalog handler: its retry skips 429 and 503
    /// (the catalog handler retries those by the API's rules), and its circuit breaker does not count 429 (a quota is
    /// not a fault). Everything else it did stays: timeouts, network errors, 500, 502, 504, 408.
    /// </summary>
    public static IHttpStandardResiliencePipelineBuilder LeaveRateLimitsToCatalog(this IHttpStandardResiliencePipelineBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Configure(static options =>
        {
            options.Retry.ShouldHandle = static args => ValueTask.FromResult(
                !IsRateLimit(args.Outcome, HttpStatusCode.ServiceUnavailable) && HttpClientResiliencePredicates.IsTransient(args.Outcome));
            options.CircuitBreaker.ShouldHandle = static args => ValueTask.FromResult(
                !IsRateLimit(args.Outcome, null) && HttpClientResiliencePredicates.IsTransient(args.Outcome));
        });
    }

    private static bool IsRateLimit(Outcome<HttpResponseMessage> outcome, HttpStatusCode? also) =>
        outcome.Result?.StatusCode is { } status && (status == HttpStatusCode.TooManyRequests || status == also);
}
