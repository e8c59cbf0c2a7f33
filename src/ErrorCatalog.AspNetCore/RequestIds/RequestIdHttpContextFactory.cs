using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace ErrorCatalog;

/// <summary>
/// Creates each request's <see cref="HttpContext"/> with a <see cref="HttpContext.TraceIdentifier"/> in the API's
/// own format (<c>req_0196f3c2…</c>). It runs before the hosting layer opens the request's log scope, which reads
/// the trace identifier once: so the scope's <c>RequestId</c>, every log line of the request and <c>$requestId</c>
/// in error bodies are the same id. A middleware that set the identifier would come after the scope was opened.
/// </summary>
/// <remarks>
/// The hosting layer pools contexts only for its own <see cref="DefaultHttpContextFactory"/>; with this factory each
/// request allocates its context and its id. Opt-in, for APIs that document their request id format.
/// </remarks>
internal sealed class RequestIdHttpContextFactory(IServiceProvider services, string prefix) : IHttpContextFactory
{
    private readonly DefaultHttpContextFactory _inner = new(services);

    public HttpContext Create(IFeatureCollection featureCollection)
    {
        var context = _inner.Create(featureCollection);
        context.TraceIdentifier = NewId(prefix);
        return context;
    }

    public void Dispose(HttpContext httpContext) => _inner.Dispose(httpContext);

    /// <summary><paramref name="prefix"/> then a version 7 GUID in 32 hex digits: unique, and ordered by time.</summary>
    internal static string NewId(string prefix) =>
        string.Create(prefix.Length + 32, (prefix, Guid.CreateVersion7()), static (span, state) =>
        {
            state.prefix.AsSpan().CopyTo(span);
            state.Item2.TryFormat(span[state.prefix.Length..], out _, "N");
        });
}
