using System.Runtime.CompilerServices;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features.Authentication;

namespace ErrorCatalog.Middleware;

/// <summary>
/// Sets <see cref="HttpContext.User"/> to a key's principal without an object per request.
/// </summary>
/// <remarks>
/// <para>
/// <c>context.User = principal</c> stores the principal in the request's <see cref="IHttpAuthenticationFeature"/>,
/// which Kestrel clears before every request, so the setter makes a new feature (24 bytes) per request. But Kestrel
/// serves a connection's HTTP/1.1 requests (and an HTTP/2 stream's) one after another from the same feature
/// collection; one feature per collection, kept beside it in a <see cref="ConditionalWeakTable{TKey,TValue}"/> (it
/// lives as long as the collection), can hold each request's principal in turn. It stays the request's feature after
/// the middleware returns, so outer middleware and OnCompleted callbacks still see the principal, and code that sets
/// <c>HttpContext.User</c> later changes this request's value only.
/// </para>
/// <para>
/// A server that makes a new collection per request (TestServer) would pay a table entry per request instead: after
/// 1,024 collections, if fewer requests found their collection again than made one, this falls back to the setter.
/// </para>
/// </remarks>
internal static class PrincipalFeature
{
    private const int Decide = 1024;

    private static readonly ConditionalWeakTable<object, Feature> Features = new();
    private static int s_created;
    private static int s_reused;
    private static bool s_setterOnly;

    public static void Set(HttpContext context, ClaimsPrincipal principal)
    {
        if (Volatile.Read(ref s_setterOnly))
        {
            context.User = principal;
            return;
        }

        var features = context.Features;
        if (Features.TryGetValue(features, out var feature))
        {
            if (s_created < Decide)
            {
                s_reused++; // counted only until the decision (unsynchronized: an estimate is enough)
            }
        }
        else
        {
            if (++s_created == Decide && s_reused < Decide)
            {
                Volatile.Write(ref s_setterOnly, true);
            }

            feature = Features.GetValue(features, static _ => new Feature());
        }

        feature.User = principal;
        features[typeof(IHttpAuthenticationFeature)] = feature; // the indexer: no generic virtual dispatch
    }

    private sealed class Feature : IHttpAuthenticationFeature
    {
        public ClaimsPrincipal? User { get; set; }
    }
}
