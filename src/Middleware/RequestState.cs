using ErrorCatalog;
using Microsoft.Extensions.ObjectPool;

namespace ErrorCatalog.Middleware;

/// <summary>
/// Everything one request needs on its way through <see cref="ApiErrorCatalogMiddleware"/>, pooled so the hot
/// path allocates nothing. It is also the request's <see cref="IApiKeyFeature"/> and <see cref="IErrorContextFeature"/>.
/// </summary>
internal sealed class RequestState : IApiKeyFeature, IErrorContextFeature, IResettable
{
    public CounterBatch Batch { get; } = new();

    public ResolvedKey? Key { get; set; }

    public EndpointPolicy Policy { get; set; } = EndpointPolicy.Default;

    public long StartTimestamp { get; set; }

    public long CreditCount { get; set; }

    public bool IsOverage { get; set; }

    public string? KeyId => Key?.Id;

    public string? SubscriptionId => Key?.SubscriptionId;

    public string? Plan => Key?.Plan.Name;

    public bool TryReset()
    {
        Batch.Reset();
        Key = null;
        Policy = EndpointPolicy.Default;
        CreditCount = 0;
        IsOverage = false;
        return true;
    }
}
