using Microsoft.Extensions.Options;

namespace ErrorCatalog.Middleware;

/// <summary>Checks at start-up that <see cref="RedisOptions.Configuration"/> is one the Redis client can parse.</summary>
internal sealed class RedisConfigurationCheck(string path) : IValidateOptions<ApiErrorCatalogOptions>
{
    public ValidateOptionsResult Validate(string? name, ApiErrorCatalogOptions options)
    {
        if (options.Redis is not { Configuration.Length: > 0 } redis)
        {
            return ValidateOptionsResult.Success;
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
