using ErrorCatalog;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.ObjectPool;
using Microsoft.Extensions.Options;

namespace ErrorCatalog.Middleware;

/// <summary>
/// The library's services: the options' validation, and the parts of the request path built once from what it
/// compiled, each a singleton given to what uses it (the middleware, the authentication scheme, the rate limiter).
/// Plans, keys and the IP limit are read from <see cref="RunningOptions"/> per request, so they follow reloads.
/// </summary>
internal static class ApiErrorCatalogServices
{
    public static IServiceCollection Add(IServiceCollection services, ApiErrorCatalogOptionsValidator validator)
    {
        services.AddSingleton(validator);
        services.AddSingleton<IValidateOptions<ApiErrorCatalogOptions>>(validator);
        services.AddOptions<ApiErrorCatalogOptions>()
            .PostConfigure<IServiceProvider>((options, sp) => validator.Discover(options, sp.GetService<IHostEnvironment>()?.ApplicationName))
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<ApiErrorCatalogMetrics>();
        services.AddHostedService<QueryKeyLoggingCheck>(); // warns when the framework logs query-string keys
        services.TryAddEnumerable(ServiceDescriptor.Transient<IStartupFilter, PlanRequirementCheck>()); // RequirePlan names a configured plan; reloads followed

        // Compiled by start-up validation (a custom key store needs StoreUnavailable); RunningOptions holds it, then each
        // configuration reload that validates, which OptionsReload compiles.
        services.TryAddSingleton(static sp => sp.GetRequiredService<ApiErrorCatalogOptionsValidator>()
            .Compiled(sp.GetRequiredService<IOptionsMonitor<ApiErrorCatalogOptions>>().CurrentValue, customStore: sp.GetService<IApiKeyStore>() is not null));
        services.TryAddSingleton(static sp => new RunningOptions(sp.GetRequiredService<CompiledOptions>()));
        services.TryAddSingleton(static sp => new OptionsReload(
            sp.GetRequiredService<ApiErrorCatalogOptionsValidator>(), sp.GetRequiredService<RunningOptions>(), sp, sp.GetRequiredService<ILogger<OptionsReload>>()));
        services.TryAddSingleton(static sp => sp.GetRequiredService<CompiledOptions>().Refusals);
        services.TryAddSingleton(static sp => new KeyResolver(
            sp.GetRequiredService<RunningOptions>(), sp.GetService<IApiKeyStore>(), Time(sp), sp.GetRequiredService<ILogger<KeyResolver>>()));
        services.TryAddSingleton<IApiKeyInvalidator>(static sp => new ApiKeyInvalidator(
            sp.GetRequiredService<KeyResolver>(), sp.GetService<IKeyInvalidationBroadcast>(), sp.GetRequiredService<ApiErrorCatalogMetrics>()));
        services.TryAddSingleton(static sp => new ApiKeyReader(Options(sp).KeyReading, sp.GetRequiredService<KeyResolver>().IsKnown));
        services.TryAddSingleton(static sp => new KeyStep(
            sp.GetRequiredService<ApiKeyReader>(), sp.GetRequiredService<KeyResolver>(), Time(sp), sp.GetRequiredService<ILogger<KeyStep>>(), Options(sp).KeyReading.Required));
        // Whether the app uses CORS (AddCors registers the provider): its preflights then pass where CORS answers them.
        services.TryAddSingleton(static sp => new EndpointPolicyCache(
            Catalog(sp), sp.GetService<IServiceProviderIsService>()?.IsService(typeof(ICorsPolicyProvider)) == true));
        services.TryAddSingleton(static sp => new RequestLimits(sp.GetRequiredService<RunningOptions>()));
        services.TryAddSingleton<ICounterStore>(static sp => Options(sp) is { Redis.CountsInRedis: true } options
            ? (sp.GetService<IRemoteCounterStoreFactory>() ?? throw RedisNotRegistered(sp)).Create(sp, options)
            : new InMemoryCounterStore(Time(sp), Options(sp).IdleCounterRetention, Options(sp).ConcurrencyRetryAfter));
        services.TryAddSingleton<IApiUsage>(static sp => new ApiUsage(sp.GetRequiredService<RunningOptions>(), sp.GetRequiredService<KeyResolver>(),
            sp.GetRequiredService<KeyStep>(), sp.GetRequiredService<RequestLimits>(), sp.GetRequiredService<ICounterStore>(), Time(sp)));
        services.TryAddSingleton(static sp => new RateLimitHeaderWriter(Options(sp).Headers));
        RateLimitHeadersCorsService.Decorate(services); // cross-origin responses expose the rate-limit headers
        services.TryAddSingleton<CorsRequests>();
        services.TryAddSingleton(static sp => new JsonRpcCostReader(Options(sp).JsonRpc, Catalog(sp)));
        services.TryAddSingleton(static sp => new ApiKeyChallenge(Options(sp).KeyReading));
        services.TryAddSingleton(static sp => new RefusalResponder(
            sp.GetRequiredService<RefusalMap>(),
            sp.GetRequiredService<RateLimitHeaderWriter>(),
            sp.GetRequiredService<ApiErrorCatalogMetrics>(),
            sp.GetRequiredService<ILogger<RefusalResponder>>(),
            Time(sp),
            Options(sp).UpgradeUrl,
            Options(sp).KeyReading.EffectiveHeaders[0],
            sp.GetRequiredService<ApiKeyChallenge>()));
        services.TryAddSingleton<ObjectPool<RequestState>>(static sp =>
            new DefaultObjectPool<RequestState>(new RequestStatePolicy(sp.GetRequiredService<RateLimitHeaderWriter>(), sp.GetRequiredService<ICounterStore>()), Environment.ProcessorCount * 64));

        // The framework's own problems (validation, status codes, exceptions) answer from the same catalog.
        services.AddApiErrorProblemDetails(static _ => { });
        services.AddOptions<ApiErrorProblemDetailsOptions>().Configure<RunningOptions>(static (problems, running) =>
        {
            problems.Catalog = running.Startup.Catalog;
            problems.StatusErrors = running.Startup.Book.Options.StatusErrors;
            problems.UnhandledExceptionError = running.Startup.Book.Options.UnhandledExceptionError;
        });
        return services;
    }

    // The options start-up validation compiled: what the parts built once read (a reload keeps their settings), where
    // IOptions<T> would build (and compile) another instance and the monitor's may be a reload's.
    private static ApiErrorCatalogOptions Options(IServiceProvider services) => services.GetRequiredService<RunningOptions>().Startup.Book.Options;

    private static InvalidOperationException RedisNotRegistered(IServiceProvider services) => new(
        $"{services.GetRequiredService<ApiErrorCatalogOptionsValidator>().Path}:Redis:Configuration is set, but no Redis counter store is "
        + "registered: add the ErrorCatalog.Redis package and call services.AddApiErrorCatalogRedis(), or remove the Redis section to count in memory.");

    // The application's catalog over the defaults, resolved once by validation.
    private static ApiErrorCatalog Catalog(IServiceProvider services) => services.GetRequiredService<CompiledOptions>().Catalog;

    private static TimeProvider Time(IServiceProvider services) => services.GetRequiredService<TimeProvider>();
}
