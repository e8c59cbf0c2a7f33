using Microsoft.Extensions.ObjectPool;

namespace ErrorCatalog.Middleware;

/// <summary>Makes request states that can write their decision's headers again; resets them on return.</summary>
internal sealed class RequestStatePolicy(RateLimitHeaderWriter headers, ICounterStore counters) : PooledObjectPolicy<RequestState>
{
    public override RequestState Create() => new(headers, counters.CreateBatch());

    public override bool Return(RequestState obj) => obj.TryReset();
}
