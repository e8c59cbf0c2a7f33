using Microsoft.Extensions.Options;

namespace ErrorCatalog.Middleware;

/// <summary>
/// Checks at start-up that <see cref="RedisOptions.Configuration"/> is one the Redis client can parse, and that it is
/// not set beside the app's own connection (which of the two would count is not for the library to guess).
/// </summary>
internal sealed class RedisConfigurationCheck(string path, ApiErrorCatalogOptionsValidator? validator) : IValidateOptions<ApiErrorCatalogOptions>
{
    public ValidateOptionsResult Validate(string? name, ApiErrorCatalogOptions options)
    {
        // Once running, the Redis settings are restart-only: a reload keeps the validated ones (and warns), so failing
        // here would only make the reload's other changes, and the options monitor, throw.
        if (validator is { Running: true } || options.Redis is not { Configuration.Length: > 0 } redis)
        {
            return ValidateOptionsResult.Success;
        }

        if (redis.AppConnection)
        {
            return ValidateOptionsResult.Fail(
                $"{path}:Redis:Configuration is set, and AddApiErrorCatalogRedis(connection) gives the app's own IConnectionMultiplexer: "
                + "use one of them (remove the setting to count on the app's connection, or call AddApiErrorCatalogRedis() without one).");
        }

        try
        {
            StackExchange.Redis.ConfigurationOptions.Parse(redis.Configuration);
            return ValidateOptionsResult.Success;
        }
        catch (ArgumentException ex)
        {
            return ValidateOptionsResult.Fail($"{path}:Redis:Configuration '{redis.Configuration}' is not a Redis configuration: {ex.Message}");
        }
    }
}
