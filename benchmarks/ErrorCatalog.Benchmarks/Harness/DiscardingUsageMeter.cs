using ErrorCatalog.Middleware;

namespace ErrorCatalog.Benchmarks;

/// <summary>A usage meter that keeps nothing: what the request path pays for metering, without a billing system.</summary>
internal sealed class DiscardingUsageMeter : IUsageMeter
{
    public Task RecordAsync(IReadOnlyList<MeteredRequest> requests, CancellationToken cancellationToken) => Task.CompletedTask;
}
