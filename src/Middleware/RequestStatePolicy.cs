using Microsoft.Extensions.ObjectPool;

namespace ErrorCatalog.Middleware;

/// <summary>Makes request states that can write their decision's headers again; resets them on return.</summary>
internal sealed class RequestStatePolicy(RateLimitHeaderWriter headers) : PooledObjectPolicy<RequestState>
{
    public override RequestState Create() => new(headers);

    public override bool Return(RequestState obj) => obj.TryReset();
}
