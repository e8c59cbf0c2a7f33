using System.Collections.Concurrent;
using ErrorCatalog;
using Microsoft.AspNetCore.Http;

namespace ErrorCatalog.Middleware;

/// <summary>
/// Each endpoint's <see cref="EndpointPolicy"/>, read on its first request. The application's own (a DI singleton),
/// so two hosts in one process keep their own and a disposed application's endpoints are freed with it.
/// <paramref name="cors"/>: the application uses CORS (its preflights pass where routing matched them for CORS).
/// </summary>
internal sealed class EndpointPolicyCache(ApiErrorCatalog catalog, bool cors = false)
{
    private readonly ConcurrentDictionary<Endpoint, EndpointPolicy> _policies = new();
    private readonly ApiErrorCatalog _catalog = catalog;
    private readonly bool _cors = cors;

    /// <summary>The policy of <paramref name="endpoint"/>; <see cref="EndpointPolicy.Default"/> for a request no endpoint answers.</summary>
    public EndpointPolicy For(Endpoint? endpoint) =>
        endpoint is null ? EndpointPolicy.Default : _policies.GetOrAdd(endpoint, static (e, self) => EndpointPolicy.Create(e, self._catalog, self._cors), this);
}
