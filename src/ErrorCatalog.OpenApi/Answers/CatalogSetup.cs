using ErrorCatalog.Middleware;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ErrorCatalog.OpenApi;

/// <summary>
/// The running configuration an operation's answers follow from: what validation compiled (catalog, plans,
/// refusal answers), the options (key reading, header profiles, Redis outage policy) and whether a custom key store
/// is registered.
/// </summary>
internal sealed record CatalogSetup(CompiledOptions Compiled, ApiErrorCatalogOptions Options, bool CustomStore)
{
    /// <summary>The application's setup, or null when <c>AddApiErrorCatalog</c> was not called.</summary>
    public static CatalogSetup? From(IServiceProvider services)
    {
        if (services.GetService<CompiledOptions>() is not { } compiled)
        {
            return null;
        }

        // The monitor's instance is the one start-up validation compiled.
        var options = services.GetRequiredService<IOptionsMonitor<ApiErrorCatalogOptions>>().CurrentValue;
        return new(compiled, options, services.GetService<IApiKeyStore>() is not null);
    }

    /// <summary>Whether a refused store read answers 503: the counters fail closed, or a custom key store can fail.</summary>
    public bool StoreCanRefuse => CustomStore || Options.Redis is { Configuration.Length: > 0, FailurePolicy: RedisFailurePolicy.FailClosed };
}
