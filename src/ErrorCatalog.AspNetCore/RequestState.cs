using ErrorCatalog;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.ObjectPool;

namespace ErrorCatalog.Middleware;

/// <summary>
/// Everything one request needs on its way through <see cref="ApiErrorCatalogMiddleware"/>, pooled so the hot
/// path allocates nothing. It is also the request's <see cref="IApiKeyFeature"/>, <see cref="IErrorContextFeature"/> and
/// (through the latter) <see cref="IRateLimitHeadersFeature"/> and <see cref="IBeforeEndpointFeature"/>.
/// </summary>
internal sealed class RequestState(RateLimitHeaderWriter headers, CounterBatch batch) : IApiKeyFeature, IErrorContextFeature, IRateLimitHeadersFeature, IBeforeEndpointFeature, IResettable
{
    public CounterBatch Batch { get; } = batch;

    public ResolvedKey? Key { get; set; }

    public EndpointPolicy Policy { get; set; } = EndpointPolicy.Default;

    public long StartTimestamp { get; set; }

    public long CreditCount { get; set; }

    public bool IsOverage { get; set; }

    /// <summary>The counters decided and charged the request and admitted it (what the usage meter is told of).</summary>
    public bool Admitted { get; set; }

    /// <summary>The framework refused the request before its endpoint ran: its credits go back when it ends.</summary>
    public bool RefundCredits { get; private set; }

    public string? KeyId => Key?.Id;

    public string? SubscriptionId => Key?.SubscriptionId;

    public string? Plan => Key?.Plan.Name;

    /// <summary>The decision's headers again, on a response the exception handler cleared.</summary>
    public void WriteRateLimitHeaders(IHeaderDictionary responseHeaders) => headers.Write(responseHeaders, Batch, Key);

    public void AnsweredBeforeEndpoint()
    {
        RefundCredits |= CreditCount > 0; // a second answer (the writer after the exception handler) keeps the first one's
        CreditCount = 0;
    }

    public bool TryReset()
    {
        Batch.Reset();
        Key = null;
        Policy = EndpointPolicy.Default;
        CreditCount = 0;
        IsOverage = false;
        Admitted = false;
        RefundCredits = false;
        return true;
    }
}
