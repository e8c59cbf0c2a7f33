using System.Collections.Concurrent;
using ErrorCatalog;
using Microsoft.AspNetCore.Http;

namespace ErrorCatalog.Middleware;

/// <summary>
/// Each endpoint's <see cref="EndpointPolicy"/>, read on its first request. The application's own (a DI singleton),
/// so two hosts in one process keep their own and a disposed application's endpoints are freed with it.
/// </summary>
internal sealed class EndpointPolicyCache(ApiErrorCatalog catalog)
{
    private readonly ConcurrentDictionary<Endpoint, EndpointPolicy> _policies = new();

    /// <summary>The policy of <paramref name="endpoint"/>; <see cref="EndpointPolicy.Default"/> for a request no endpoint answers.</summary>
    public EndpointPolicy For(Endpoint? endpoint) =>
        endpoint is null ? EndpointPolicy.Default : _policies.GetOrAdd(endpoint, static (e, c) => EndpointPolicy.Create(e, c), catalog);
}
