using ErrorCatalog;
using ErrorCatalog.Middleware;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers API keys, plans and limits answered from the error catalog.</summary>
public static partial class ApiErrorCatalogServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="ApiErrorCatalogOptions"/> to <paramref name="section"/> (usually <c>ApiErrorCatalog</c>),
    /// validated at start-up: a bad setting stops the app with the setting's path, and so does a missing or empty
    /// section (to configure in code only, use the overload without one). Unknown setting names, values of the
    /// wrong shape (text where an object or array belongs), enum numbers and nulls are errors too, where the binder
    /// alone would drop or reset them.
    /// </summary>
    public static IServiceCollection AddApiErrorCatalog(this IServiceCollection services, IConfiguration section, Action<ApiErrorCatalogOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);
        var path = section is IConfigurationSection s ? s.Path : "ApiErrorCatalog";
        var validator = new ApiErrorCatalogOptionsValidator(path, section);

        // Bound by the validator, which reports what the binder throws on with every other problem at start-up.
        var builder = services.AddOptions<ApiErrorCatalogOptions>().Configure(validator.Bind);
        services.AddSingleton<IOptionsChangeTokenSource<ApiErrorCatalogOptions>>(new ConfigurationChangeTokenSource<ApiErrorCatalogOptions>(section));
        if (configure is not null)
        {
            builder.Configure(configure);
        }

        // Settings written under a former name still bind; this says at start-up which to rename.
        services.AddHostedService(sp => new RenamedSettingsCheck(section, path, sp.GetRequiredService<ILogger<RenamedSettingsCheck>>()));
        return ApiErrorCatalogServices.Add(services, validator);
    }

    /// <summary>Configures <see cref="ApiErrorCatalogOptions"/> in code, validated at start-up.</summary>
    public static IServiceCollection AddApiErrorCatalog(this IServiceCollection services, Action<ApiErrorCatalogOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<ApiErrorCatalogOptions>().Configure(configure);
        return ApiErrorCatalogServices.Add(services, new ApiErrorCatalogOptionsValidator("ApiErrorCatalog"));
    }
}
