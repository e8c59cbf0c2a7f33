using Microsoft.Extensions.Options;

namespace ErrorCatalog.Middleware;

/// <summary>
/// Checks at start-up that <see cref="RedisOptions.Configuration"/> is one the Redis client can parse, and that it is
/// not set beside the app's own connection (which of the two would count is not for the library to guess).
/// </summary>
internal sealed class RedisConfigurationCheck(string path) : IValidateOptions<ApiErrorCatalogOptions>
{
    public ValidateOptionsResult Validate(string? name, ApiErrorCatalogOptions options)
    {
        if (options.Redis is not { Configuration.Length: > 0 } redis)
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
