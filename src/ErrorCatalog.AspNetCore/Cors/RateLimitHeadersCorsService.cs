using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ErrorCatalog.Middleware;

/// <summary>
/// The application's <see cref="ICorsService"/>, with the rate-limit headers, Retry-After and WWW-Authenticate added
/// to every allowed cross-origin response's <c>Access-Control-Expose-Headers</c>: a browser script reads only the
/// headers a response exposes. Every way of choosing a policy (<c>UseCors(name)</c>, an inline policy,
/// <c>RequireCors</c>, <c>[EnableCors]</c>) ends in this service, so each exposes them without being edited.
/// </summary>
/// <remarks>
/// Only requests with an <c>Origin</c> the CORS middleware evaluates come here; an app without CORS never calls it.
/// </remarks>
internal sealed class RateLimitHeadersCorsService(ICorsService inner, string[] exposed) : ICorsService
{
    /// <summary>
    /// Registers the decorator over the <see cref="ICorsService"/> registered so far, or the framework's
    /// <see cref="CorsService"/> when <c>AddCors</c> comes later (its TryAdd then keeps this one).
    /// </summary>
    public static void Decorate(IServiceCollection services)
    {
        ServiceDescriptor? existing = null;
        for (var i = services.Count - 1; i >= 0; i--)
        {
            if (services[i].ServiceType == typeof(ICorsService) && !services[i].IsKeyedService)
            {
                existing = services[i];
                services.RemoveAt(i);
                break;
            }
        }

        if (existing?.ImplementationFactory?.Target is Decoration)
        {
            services.Add(existing); // AddApiErrorCatalog called twice: decorated already
            return;
        }

        var decoration = new Decoration(existing);
        services.Add(ServiceDescriptor.Describe(typeof(ICorsService), decoration.Create, existing?.Lifetime ?? ServiceLifetime.Transient));
    }

    /// <inheritdoc />
    public CorsResult EvaluatePolicy(HttpContext context, CorsPolicy policy)
    {
        var result = inner.EvaluatePolicy(context, policy);
        if (result.IsOriginAllowed && !result.IsPreflightRequest)
        {
            var headers = result.AllowedExposedHeaders;
            foreach (var name in exposed)
            {
                if (!Contains(headers, name))
                {
                    headers.Add(name);
                }
            }
        }

        return result;
    }

    /// <inheritdoc />
    public void ApplyResult(CorsResult result, HttpResponse response) => inner.ApplyResult(result, response);

    private static bool Contains(IList<string> headers, string name)
    {
        for (var i = 0; i < headers.Count; i++)
        {
            if (string.Equals(headers[i], name, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Builds the decorated service from the registration it replaced.</summary>
    private sealed class Decoration(ServiceDescriptor? replaced)
    {
        public object Create(IServiceProvider services)
        {
            var inner = replaced switch
            {
                null => ActivatorUtilities.CreateInstance<CorsService>(services),
                { ImplementationInstance: { } instance } => instance,
                { ImplementationFactory: { } factory } => factory(services),
                { ImplementationType: { } type } => ActivatorUtilities.CreateInstance(services, type),
                _ => ActivatorUtilities.CreateInstance<CorsService>(services),
            };
            return new RateLimitHeadersCorsService((ICorsService)inner, services.GetRequiredService<RateLimitHeaderWriter>().ExposedHeaders);
        }
    }
}
