using ErrorCatalog.Middleware;
using Microsoft.Extensions.DependencyInjection;

namespace ErrorCatalog.OpenApi;

/// <summary>
/// The running configuration an operation's answers follow from: what validation compiled at start-up or on the last
/// configuration reload (catalog, plans, refusal answers), the options (key reading, header profiles, Redis outage
/// policy) and whether a custom key store is registered.
/// </summary>
internal sealed record CatalogSetup(CompiledOptions Compiled, ApiErrorCatalogOptions Options, bool CustomStore)
{
    /// <summary>The application's setup, or null when <c>AddApiErrorCatalog</c> was not called.</summary>
    public static CatalogSetup? From(IServiceProvider services)
    {
        if (services.GetService<RunningOptions>() is not { } running)
        {
            return null;
        }

        // The plans of the last configuration reload, with the running values of the settings read only at start-up.
        var compiled = running.Current;
        return new(compiled, compiled.Book.Options, services.GetService<IApiKeyStore>() is not null);
    }

    /// <summary>Whether a refused store read answers 503: the counters fail closed, or a custom key store can fail.</summary>
    public bool StoreCanRefuse => CustomStore || Options.Redis is { Configuration.Length: > 0, FailurePolicy: RedisFailurePolicy.FailClosed };
}
