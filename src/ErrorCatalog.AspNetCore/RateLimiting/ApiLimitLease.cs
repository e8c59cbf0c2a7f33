using System.Threading.RateLimiting;
using ErrorCatalog;

namespace ErrorCatalog.Middleware;

/// <summary>
/// A lease of <see cref="ApiErrorCatalogRateLimiter"/>. A refused lease carries the catalog error that answers it
/// (<see cref="ErrorMetadata"/>) and the standard <see cref="MetadataName.RetryAfter"/>; an admitted one
/// releases its concurrency leases when disposed.
/// </summary>
internal sealed class ApiLimitLease : RateLimitLease
{
    /// <summary>The catalog error answering a refused lease.</summary>
    public static readonly MetadataName<ApiError> ErrorMetadata = new("ErrorCatalog.Error");

    private static readonly string[] RefusedNames = [MetadataName.RetryAfter.Name, MetadataName.ReasonPhrase.Name, ErrorMetadata.Name];

    /// <summary>An admitted lease that holds nothing to release (cached: see FixedWindowRateLimiter.SuccessfulLease).</summary>
    internal static readonly ApiLimitLease Admitted = new(true, default, default, null, null);

    private readonly ApiError _error;
    private readonly TimeSpan _retryAfter;
    private ICounterStore? _store;
    private readonly CounterBatch? _leases;

    private ApiLimitLease(bool acquired, ApiError error, TimeSpan retryAfter, ICounterStore? store, CounterBatch? leases)
    {
        IsAcquired = acquired;
        _error = error;
        _retryAfter = retryAfter;
        _store = store;
        _leases = leases;
    }

    /// <inheritdoc />
    public override bool IsAcquired { get; }

    /// <inheritdoc />
    public override IEnumerable<string> MetadataNames => IsAcquired ? [] : RefusedNames;

    internal static ApiLimitLease Refused(in ApiError error, TimeSpan retryAfter) => new(false, error, retryAfter, null, null);

    internal static ApiLimitLease WithLeases(ICounterStore store, CounterBatch batch) => new(true, default, default, store, batch);

    /// <inheritdoc />
    public override bool TryGetMetadata(string metadataName, out object? metadata)
    {
        metadata = null;
        if (IsAcquired)
        {
            return false;
        }

        if (metadataName == MetadataName.RetryAfter.Name && _retryAfter > TimeSpan.Zero)
        {
            metadata = _retryAfter;
        }
        else if (metadataName == MetadataName.ReasonPhrase.Name)
        {
            metadata = _error.Code;
        }
        else if (metadataName == ErrorMetadata.Name)
        {
            metadata = _error;
        }

        return metadata is not null;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _store, null) is { } store && _leases is not null)
        {
            // In memory this completes synchronously; a remote store releases in the background.
            store.Release(_leases);
        }
    }
}
