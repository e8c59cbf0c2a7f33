using System.Collections.Frozen;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace ErrorCatalog.Middleware;

/// <summary>
/// Validates the options at start-up (<c>ValidateOnStart</c>) by compiling them: every unknown plan, bad window,
/// missing catalog answer, malformed key hash or duplicate key fails with the setting's configuration path.
/// Hand-written because the checks cross-reference settings and the catalog, which data annotations cannot.
/// </summary>
internal sealed class ApiErrorCatalogOptionsValidator(string path, IConfiguration? section = null) : IValidateOptions<ApiErrorCatalogOptions>
{
    public string Path { get; } = path;

    public ValidateOptionsResult Validate(string? name, ApiErrorCatalogOptions options)
    {
        var errors = new List<string>();
        if (section is not null)
        {
            FindUnconvertible(section, typeof(ApiErrorCatalogOptions), errors);
        }

        Compile(options, errors, customStore: false);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    public CompiledOptions Compile(ApiErrorCatalogOptions options, List<string> errors, bool customStore)
    {
        var book = PlanBook.Build(options, Path, errors);
        var refusals = new RefusalMap(options.Catalog, Path, errors, customStore || options.Redis is { FailurePolicy: RedisFailurePolicy.FailClosed });
        ValidateRedis(options.Redis, errors);
        var keys = new Dictionary<ApiKeyHash, ResolvedKey>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.ApiKeys.Count; i++)
        {
            var key = options.ApiKeys[i];
            var keyPath = $"{Path}:ApiKeys:{i}";
            if (string.IsNullOrWhiteSpace(key.Id))
            {
                errors.Add($"{keyPath}:Id must be set.");
                continue;
            }

            if (!ids.Add(key.Id))
            {
                errors.Add($"{keyPath}:Id '{key.Id}' is used by another key.");
            }

            if (!ApiKeyHash.TryParse(key.Hash, out var hash))
            {
                errors.Add($"{keyPath}:Hash must be the SHA-256 of the key as 64 hex digits (see ApiKeyHash.Compute); the key itself never goes in configuration.");
                continue;
            }

            if (key.Subscription is not null && !options.Subscriptions.ContainsKey(key.Subscription))
            {
                errors.Add($"{keyPath}:Subscription '{key.Subscription}' is not configured under {Path}:Subscriptions.");
                continue;
            }

            if (key.Subscription is null && key.Plan is null)
            {
                errors.Add($"{keyPath}: set Subscription or Plan.");
                continue;
            }

            var record = new ApiKeyRecord
            {
                Id = key.Id,
                SubscriptionId = key.Subscription,
                Plan = key.Plan,
                Scopes = key.Scopes,
                AllowedIps = key.AllowedIps,
                State = key.State,
                ExpiresAt = key.ExpiresAt,
                Limits = key.Limits,
                Overage = key.Overage,
            };
            if (book.Resolve(record, errors, keyPath) is { } resolved && !keys.TryAdd(hash, resolved))
            {
                errors.Add($"{keyPath}:Hash is the same as another key's.");
            }
        }

        return new CompiledOptions(book, refusals, keys.ToFrozenDictionary());
    }

    /// <summary>
    /// The configuration binder silently skips a dictionary or list element holding a value it cannot convert (a
    /// misspelt enum, a number that is not one): a plan would lose that limit, or a key vanish. Converting every
    /// value again reports each one with its path.
    /// </summary>
    private static void FindUnconvertible(IConfiguration configuration, Type type, List<string> errors)
    {
        if (configuration is IConfigurationSection { Value: not null } value)
        {
            try
            {
                value.Get(type);
            }
            catch (InvalidOperationException ex)
            {
                errors.Add(ex.Message);
            }

            return;
        }

        var element = type.IsGenericType && (type.GetGenericTypeDefinition() == typeof(Dictionary<,>) || type.GetGenericTypeDefinition() == typeof(List<>))
            ? type.GetGenericArguments()[^1]
            : null;
        foreach (var child in configuration.GetChildren())
        {
            if ((element ?? type.GetProperty(child.Key, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase)?.PropertyType) is { } childType)
            {
                FindUnconvertible(child, childType, errors);
            }
        }
    }

    private void ValidateRedis(RedisOptions? redis, List<string> errors)
    {
        if (redis is null)
        {
            return;
        }

        try
        {
            StackExchange.Redis.ConfigurationOptions.Parse(redis.Configuration ?? string.Empty);
            if (string.IsNullOrWhiteSpace(redis.Configuration))
            {
                errors.Add($"{Path}:Redis:Configuration must name the server (e.g. 127.0.0.1:6379).");
            }
        }
        catch (ArgumentException ex)
        {
            errors.Add($"{Path}:Redis:Configuration '{redis.Configuration}' is not a Redis configuration: {ex.Message}");
        }

        if (redis.Timeout <= TimeSpan.Zero || redis.Timeout > TimeSpan.FromSeconds(30))
        {
            errors.Add($"{Path}:Redis:Timeout must be between 0 and 30 seconds (was {redis.Timeout}).");
        }

        if (redis.LeaseTimeout < TimeSpan.FromSeconds(1))
        {
            errors.Add($"{Path}:Redis:LeaseTimeout must be at least 1 second (was {redis.LeaseTimeout}).");
        }
    }
}
