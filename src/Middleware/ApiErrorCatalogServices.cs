using ErrorCatalog;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.ObjectPool;
using Microsoft.Extensions.Options;

namespace ErrorCatalog.Middleware;

/// <summary>
/// The library's services: the options' validation, and the parts of the request path built once from what it
/// compiled, each a singleton given to what uses it (the middleware, the authentication scheme, the rate limiter).
/// </summary>
internal static class ApiErrorCatalogServices
{
    public static IServiceCollection Add(IServiceCollection services, ApiErrorCatalogOptionsValidator validator)
    {
        services.AddSingleton(validator);
        services.AddSingleton<IValidateOptions<ApiErrorCatalogOptions>>(validator);
        services.AddOptions<ApiErrorCatalogOptions>().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<ApiErrorCatalogMetrics>();
        services.AddHostedService<QueryKeyLoggingCheck>(); // warns when the framework logs query-string keys
        services.TryAddEnumerable(ServiceDescriptor.Transient<IStartupFilter, PlanRequirementCheck>()); // RequirePlan names a configured plan

        // Compiled once, by validation (reading the options validates them); a custom key store needs StoreUnavailable.
        services.TryAddSingleton(static sp => sp.GetRequiredService<ApiErrorCatalogOptionsValidator>()
            .Compiled(Options(sp), customStore: sp.GetService<IApiKeyStore>() is not null));
        services.TryAddSingleton(static sp => sp.GetRequiredService<CompiledOptions>().Refusals);
        services.TryAddSingleton(static sp =>
        {
            var compiled = sp.GetRequiredService<CompiledOptions>();
            var store = sp.GetService<IApiKeyStore>();
            return new KeyResolver(compiled.Book, store, Time(sp), sp.GetRequiredService<ILogger<KeyResolver>>(), store is null ? compiled.Keys : null);
        });
        services.TryAddSingleton(static sp => new ApiKeyReader(Options(sp).KeyReading, sp.GetRequiredService<KeyResolver>().IsKnown));
        services.TryAddSingleton(static sp => new KeyStep(
            sp.GetRequiredService<ApiKeyReader>(), sp.GetRequiredService<KeyResolver>(), Time(sp), sp.GetRequiredService<ILogger<KeyStep>>(), Options(sp).KeyReading.Required));
        // Whether the app uses CORS (AddCors registers the provider): its preflights then pass where CORS answers them.
        services.TryAddSingleton(static sp => new EndpointPolicyCache(
            Options(sp).Catalog, sp.GetService<IServiceProviderIsService>()?.IsService(typeof(ICorsPolicyProvider)) == true));
        services.TryAddSingleton(static sp => new RequestLimits(sp.GetRequiredService<CompiledOptions>().Book, Options(sp)));
        services.TryAddSingleton<ICounterStore>(static sp => Options(sp) is { Redis.Configuration.Length: > 0 } options
            ? new RedisCounterStore(options.Redis, options.ConcurrencyRetryAfter, sp.GetRequiredService<ILogger<RedisCounterStore>>())
            : new InMemoryCounterStore(Time(sp), Options(sp).IdleCounterRetention, Options(sp).ConcurrencyRetryAfter));
        services.TryAddSingleton(static sp => new RateLimitHeaderWriter(Options(sp).Headers));
        RateLimitHeadersCorsService.Decorate(services); // cross-origin responses expose the rate-limit headers
        services.TryAddSingleton<CorsRequests>();
        services.TryAddSingleton(static sp => new JsonRpcCostReader(Options(sp).JsonRpc, Options(sp).Catalog));
        services.TryAddSingleton(static sp => new RefusalResponder(
            sp.GetRequiredService<RefusalMap>(),
            sp.GetRequiredService<RateLimitHeaderWriter>(),
            sp.GetRequiredService<ApiErrorCatalogMetrics>(),
            sp.GetRequiredService<ILogger<RefusalResponder>>(),
            Time(sp),
            Options(sp).UpgradeUrl,
            Options(sp).KeyReading.EffectiveHeaders[0]));
        services.TryAddSingleton<ObjectPool<RequestState>>(static sp =>
            new DefaultObjectPool<RequestState>(new RequestStatePolicy(sp.GetRequiredService<RateLimitHeaderWriter>(), sp.GetRequiredService<ICounterStore>()), Environment.ProcessorCount * 64));

        // The framework's own problems (validation, status codes, exceptions) answer from the same catalog.
        services.AddApiErrorProblemDetails(static _ => { });
        services.AddOptions<ApiErrorProblemDetailsOptions>().Configure<IOptionsMonitor<ApiErrorCatalogOptions>>(static (problems, options) =>
        {
            problems.Catalog = options.CurrentValue.Catalog;
            problems.StatusErrors = options.CurrentValue.StatusErrors;
            problems.UnhandledExceptionError = options.CurrentValue.UnhandledExceptionError;
        });
        return services;
    }

    // The monitor's instance is the one start-up validation compiled; IOptions<T> would build (and compile) another.
    private static ApiErrorCatalogOptions Options(IServiceProvider services) => services.GetRequiredService<IOptionsMonitor<ApiErrorCatalogOptions>>().CurrentValue;

    private static TimeProvider Time(IServiceProvider services) => services.GetRequiredService<TimeProvider>();
}
