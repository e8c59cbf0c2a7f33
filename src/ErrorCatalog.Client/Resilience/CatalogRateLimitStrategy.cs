using System.Net;
using ErrorCatalog.Client.Parsing;
using Polly;
using Polly.Telemetry;

namespace ErrorCatalog.Client.Resilience;

/// <summary>
/// The catalog's retry rules for one HttpClient: wait for the reset before sending when the last response said
/// Remaining 0; on 429 wait Retry-After (or the reset) and retry; on 503 back off with jitter; pass every other
/// status through; past the maximum wait, or out of attempts, throw <see cref="ApiErrorException"/> at once. Each wait
/// and each refusal given up on is a Polly telemetry event, so it reaches the logs and metrics the resilience
/// packages already write.
/// </summary>
internal sealed class CatalogRateLimitStrategy(
    ApiErrorCatalog catalog, CatalogResilienceOptions options, TimeProvider time, ResilienceStrategyTelemetry telemetry)
    : ResilienceStrategy<HttpResponseMessage>
{
    private static readonly ResilienceEvent WaitForReset = new(ResilienceEventSeverity.Information, "OnCatalogWaitForReset");
    private static readonly ResilienceEvent Retry = new(ResilienceEventSeverity.Warning, "OnCatalogRetry");
    private static readonly ResilienceEvent GiveUp = new(ResilienceEventSeverity.Error, "OnCatalogGiveUp");

    private readonly ResetGate _gate = new();

    protected override async ValueTask<Outcome<HttpResponseMessage>> ExecuteCore<TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<HttpResponseMessage>>> callback, ResilienceContext context, TState state)
    {
        var cancellationToken = context.CancellationToken;
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                if (options.WaitForResetWhenExhausted && _gate.ClosedUntil is { } until && until - time.GetUtcNow() is var wait
                    && wait > TimeSpan.Zero && wait <= options.MaxWait)
                {
                    telemetry.Report(WaitForReset, context, new CatalogWaitArguments(attempt, wait, null));
                    await WaitUntilAsync(until, cancellationToken).ConfigureAwait(context.ContinueOnCapturedContext);
                }

                var outcome = await callback(context, state).ConfigureAwait(context.ContinueOnCapturedContext);
                if (outcome.Result is not { } response)
                {
                    return outcome;
                }

                var now = time.GetUtcNow();
                var headers = RateLimitHeaders.Read(response, now);
                Observe(headers);
                if (response.StatusCode is not (HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable))
                {
                    return outcome;
                }

                var error = await CatalogResponseReader.ReadErrorAsync(response, catalog, now, cancellationToken)
                    .ConfigureAwait(context.ContinueOnCapturedContext);
                var delay = response.StatusCode == HttpStatusCode.TooManyRequests
                    ? headers.RetryAfter ?? (headers.Reset - now) ?? error.RetryAfter ?? Backoff(attempt)
                    : Backoff(attempt);
                if (delay > options.MaxWait || attempt >= options.MaxRetryAttempts)
                {
                    telemetry.Report(GiveUp, context, new CatalogWaitArguments(attempt, delay, error.Code));
                    response.Dispose();
                    return Outcome.FromException<HttpResponseMessage>(new ApiErrorException(error));
                }

                if (response.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    _gate.CloseUntil(now + delay); // concurrent requests through this client wait too
                }

                telemetry.Report(Retry, context, new CatalogWaitArguments(attempt, delay, error.Code));
                response.Dispose();
                await WaitUntilAsync(now + delay, cancellationToken).ConfigureAwait(context.ContinueOnCapturedContext);
            }
        }
        catch (OperationCanceledException ex)
        {
            return Outcome.FromException<HttpResponseMessage>(ex);
        }
    }

    private void Observe(RateLimitHeaders headers)
    {
        if (headers.Remaining is 0 && headers.Reset is { } reset)
        {
            _gate.CloseUntil(reset);
        }
        else if (headers.Remaining > 0)
        {
            _gate.Open();
        }
    }

    /// <summary>The 503 backoff: the base delay doubled per attempt, spread between half and all of it with jitter.</summary>
    private TimeSpan Backoff(int attempt)
    {
        var delay = options.ServiceUnavailableDelay * Math.Pow(2, Math.Min(attempt, 30));
        return options.UseJitter ? delay * (0.5 + (Random.Shared.NextDouble() * 0.5)) : delay;
    }

    /// <summary>Waits until <paramref name="until"/> on the clock (a timer may fire a little before the clock reads it).</summary>
    private async Task WaitUntilAsync(DateTimeOffset until, CancellationToken cancellationToken)
    {
        for (var wait = until - time.GetUtcNow(); wait > TimeSpan.Zero; wait = until - time.GetUtcNow())
        {
            await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
        }
    }
}
