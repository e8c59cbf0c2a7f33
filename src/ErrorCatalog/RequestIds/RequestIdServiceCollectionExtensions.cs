using ErrorCatalog;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Request ids in an API's own format, the same in log lines and error bodies.</summary>
public static class RequestIdServiceCollectionExtensions
{
    /// <summary>
    /// Gives every request a <see cref="HttpContext.TraceIdentifier"/> of <paramref name="prefix"/> followed by
    /// 32 hex digits (<c>req_0196f3c2a1b47c9e8d5f00a1b2c3d4e5</c>), set when the request's context is created, so
    /// the hosting log scope's <c>RequestId</c>, the refusal log line and <c>$requestId</c> in bodies all carry it.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="prefix">Printable ASCII without spaces, at most 32 characters (<c>req_</c>); may be empty.</param>
    public static IServiceCollection AddRequestIds(this IServiceCollection services, string prefix)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(prefix);
        if (prefix.Length > 32 || prefix.Any(static c => c <= ' ' || c >= 127))
        {
            throw new ArgumentException($"The request id prefix '{prefix}' must be at most 32 printable ASCII characters without spaces.", nameof(prefix));
        }

        services.RemoveAll<IHttpContextFactory>();
        services.AddSingleton<IHttpContextFactory>(sp => new RequestIdHttpContextFactory(sp, prefix));
        return services;
    }
}
