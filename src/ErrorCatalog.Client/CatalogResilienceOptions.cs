using System.ComponentModel.DataAnnotations;
using Polly;

namespace ErrorCatalog.Client;

/// <summary>The catalog resilience handler's settings: how many retries, how long it may wait, the 503 backoff.</summary>
public sealed class CatalogResilienceOptions : ResilienceStrategyOptions
{
    /// <summary>Creates the options with their defaults.</summary>
    public CatalogResilienceOptions() => Name = "ErrorCatalog";

    /// <summary>
    /// The longest the handler waits for a reset or a Retry-After; a longer one (a monthly quota) throws
    /// <see cref="ApiErrorException"/> at once. Default 60 seconds: a minute window, inside HttpClient's 100-second timeout.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How many times one request is sent again after a 429 or a 503. Default 3.</summary>
    [Range(0, 100)]
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>The first 503 backoff; each further attempt doubles it (with jitter). Default 1 second.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan ServiceUnavailableDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Whether 503 delays are spread at random between half and all of the backoff, so clients do not retry together. Default true.</summary>
    public bool UseJitter { get; set; } = true;

    /// <summary>
    /// Whether a response that said Remaining 0 makes the next request wait for the reset (when within
    /// <see cref="MaxWait"/>) instead of sending one the server will refuse. Default true.
    /// </summary>
    public bool WaitForResetWhenExhausted { get; set; } = true;
}
