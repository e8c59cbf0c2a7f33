using System.Collections.Concurrent;
using System.Net;

namespace ErrorCatalog.Client.Tests;

/// <summary>What reached the wire: every response status, recorded by a handler inside the resilience handlers.</summary>
internal sealed class Wire
{
    private readonly ConcurrentQueue<HttpStatusCode> _statuses = new();

    public int Calls => _statuses.Count;

    public int Count(HttpStatusCode status) => _statuses.Count(s => s == status);

    public DelegatingHandler Handler() => new Recorder(this);

    private sealed class Recorder(Wire wire) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            wire._statuses.Enqueue(response.StatusCode);
            return response;
        }
    }
}
