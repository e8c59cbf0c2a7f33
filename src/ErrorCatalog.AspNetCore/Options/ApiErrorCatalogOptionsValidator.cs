using System.Collections.Frozen;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace ErrorCatalog.Middleware;

/// <summary>
/// Validates the options at start-up (<c>ValidateOnStart</c>): the configuration section's shape first (unknown
/// names, values where objects or arrays belong, enum numbers, nulls; see <see cref="ConfigurationShape"/>), then,
/// once the shape is right, the bound values by compiling them (every unknown plan, bad window, out-of-range number,
/// missing catalog answer, malformed key hash or duplicate key). Each problem is one line naming its setting's path.
/// Hand-written because the checks cross-reference settings, the catalog and the configuration itself, which data
/// annotations and the [OptionsValidator] generator cannot.
/// </summary>
internal sealed class ApiErrorCatalogOptionsValidator(string path, IConfiguration? section = null) : IValidateOptions<ApiErrorCatalogOptions>
{
    /// <summary>Options whose binding threw (a value the binder cannot convert outside a collection), with its message.</summary>
    private readonly ConditionalWeakTable<ApiErrorCatalogOptions, string> _bindFailures = [];

    /// <summary>What validation compiled, per options instance, so the request path's parts are built from it, not compiled again.</summary>
    private readonly ConditionalWeakTable<ApiErrorCatalogOptions, CompiledOptions> _compiled = [];

    /// <summary>Options left without a catalog in an application whose assembly has several, with the message.</summary>
    private readonly ConditionalWeakTable<ApiErrorCatalogOptions, string> _discoveryFailures = [];

    /// <summary>Reloaded options that failed validation once the application ran, with each problem.</summary>
    private readonly ConditionalWeakTable<ApiErrorCatalogOptions, string[]> _reloadFailures = [];

    public string Path { get; } = path;

    /// <summary>The configuration section bound, or null for options configured in code only.</summary>
    public IConfiguration? Section => section;

    /// <summary>
    /// Set once the application runs on its start-up options (see <see cref="OptionsReload"/>): from then on, options
    /// that fail validation (a reload) are kept for <see cref="ReloadErrors"/> instead of failing, since the exception
    /// would reach whoever reloaded the configuration (a file watcher, a <c>Reload()</c> call), never the application,
    /// and leave the options unreadable until the next good reload.
    /// </summary>
    public bool Running { get; set; }

    /// <summary>
    /// Sets <see cref="ApiErrorCatalogOptions.Catalog"/>, when the application left it unset, to the catalog generated
    /// from the application's own errors.yaml (<see cref="AppCatalogDiscovery"/>); several are a start-up error
    /// reported by <see cref="Validate"/>, since picking one would answer from the wrong file.
    /// </summary>
    public void Discover(ApiErrorCatalogOptions options, string? applicationName)
    {
        if (options.Catalog is not null)
        {
            return;
        }

        var found = AppCatalogDiscovery.Find(applicationName);
        if (found.Length == 1)
        {
            options.Catalog = found[0].Catalog;
        }
        else if (found.Length > 1)
        {
            var names = string.Join(", ", found.Select(static f => f.CatalogClass.FullName));
            _discoveryFailures.AddOrUpdate(options, $"{Path}:Catalog is not set and the application has {found.Length} generated catalogs ({names}); set the one to answer from: AddApiErrorCatalog(section, o => o.Catalog = {found[0].CatalogClass.FullName}.Catalog).");
        }
    }

    /// <summary>
    /// Binds the section, keeping a binder exception for <see cref="Validate"/>: reported there with every other
    /// problem, as an options validation error, instead of stopping at the first one.
    /// </summary>
    public void Bind(ApiErrorCatalogOptions options)
    {
        try
        {
            section?.Bind(options);
        }
        catch (InvalidOperationException ex)
        {
            _bindFailures.AddOrUpdate(options, ex.Message);
        }
    }

    public ValidateOptionsResult Validate(string? name, ApiErrorCatalogOptions options)
    {
        var errors = new List<string>();
        if (section is not null)
        {
            if (!(section is IConfigurationSection s ? s.Exists() : section.GetChildren().Any()))
            {
                errors.Add($"{Path}: the configuration section is missing or empty, so no plan or key is configured and every key would be refused. Check the section's name; to configure in code only, call AddApiErrorCatalog(options => ...).");
                return Fail(options, errors);
            }

            // The values are judged only once the section has the options' shape: the binder drops what does not fit
            // (a limit, a subscription), and judging what is left would report its consequences, not its cause.
            ConfigurationShape.Check(section, Path, errors);
            if (errors.Count == 0 && _bindFailures.TryGetValue(options, out var failure))
            {
                errors.Add(failure);
            }

            if (errors.Count > 0)
            {
                return Fail(options, errors);
            }
        }

        if (_discoveryFailures.TryGetValue(options, out var discovery))
        {
            errors.Add(discovery);
        }

        var compiled = Compile(options, errors);
        if (errors.Count > 0)
        {
            return Fail(options, errors);
        }

        _compiled.AddOrUpdate(options, compiled);
        return ValidateOptionsResult.Success;
    }

    /// <summary>
    /// The validated options compiled: validation's own result (options are validated when first read), compiled
    /// here only when validation did not see this instance. Throws the validation's exception for a catalog that
    /// cannot answer a failing <paramref name="customStore"/>.
    /// </summary>
    public CompiledOptions Compiled(ApiErrorCatalogOptions options, bool customStore)
    {
        var errors = new List<string>();
        if (!_compiled.TryGetValue(options, out var compiled))
        {
            compiled = Compile(options, errors);
        }

        if (customStore)
        {
            compiled.Refusals.RequireStoreUnavailable(Path, errors);
        }

        return errors.Count == 0 ? compiled : throw ValidationException(errors);
    }

    /// <summary>
    /// The exception for <paramref name="errors"/>: one problem per line (the framework joins several failures with
    /// "; ", which runs long messages together).
    /// </summary>
    public static OptionsValidationException ValidationException(IReadOnlyList<string> errors) =>
        new(Microsoft.Extensions.Options.Options.DefaultName, typeof(ApiErrorCatalogOptions), [string.Join(Environment.NewLine, errors)]);

    /// <summary>The problems validation found in reloaded options (null: none, or not validated since the application ran).</summary>
    public string[]? ReloadErrors(ApiErrorCatalogOptions options) => _reloadFailures.TryGetValue(options, out var errors) ? errors : null;

    /// <summary>Compiles options again (reloaded options once their restart-only settings are set back to the running ones).</summary>
    public CompiledOptions Recompile(ApiErrorCatalogOptions options, List<string> errors)
    {
        var compiled = Compile(options, errors);
        if (errors.Count == 0)
        {
            _compiled.AddOrUpdate(options, compiled);
        }

        return compiled;
    }

    private ValidateOptionsResult Fail(ApiErrorCatalogOptions options, List<string> errors)
    {
        if (Running)
        {
            // Skipped, not failed: RunningOptions reports these and keeps the last good configuration.
            _reloadFailures.AddOrUpdate(options, [.. errors]);
            return ValidateOptionsResult.Skip;
        }

        return ValidateOptionsResult.Fail(string.Join(Environment.NewLine, errors));
    }

    private CompiledOptions Compile(ApiErrorCatalogOptions options, List<string> errors)
    {
        // The application's catalog answers what it declares, the defaults the rest; resolved here, once.
        var catalog = (options.Catalog ?? ErrorCatalog.Defaults.ApiErrors.Catalog).Over(ErrorCatalog.Defaults.ApiErrors.Catalog);
        var book = PlanBook.Build(options, catalog, Path, errors);
        var refusals = new RefusalMap(catalog, Path, errors, options.Redis is { FailurePolicy: RedisFailurePolicy.FailClosed });
        if (options.RequireCompleteCatalog)
        {
            CatalogCompleteness.Check(options, catalog, refusals, Path, errors);
        }

        ValidateRedis(options.Redis, errors);
        var keys = new Dictionary<ApiKeyHash, ResolvedKey>();
        var ids = new HashSet<string>(StringComparer.Ordinal);

        // Items keep their configuration names (ApiKeys:100 added by an override), which the bound list has lost.
        var names = section?.GetSection(nameof(ApiErrorCatalogOptions.ApiKeys)).GetChildren().Select(static c => c.Key).ToArray();
        for (var i = 0; i < options.ApiKeys.Count; i++)
        {
            var key = options.ApiKeys[i];
            var keyPath = $"{Path}:ApiKeys:{(names?.Length == options.ApiKeys.Count ? names[i] : i)}";
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

            if (key.SubscriptionId is not null && !options.Subscriptions.ContainsKey(key.SubscriptionId))
            {
                errors.Add($"{keyPath}:Subscription '{key.SubscriptionId}' is not configured under {Path}:Subscriptions.");
                continue;
            }

            if (key.SubscriptionId is null && key.Plan is null)
            {
                errors.Add($"{keyPath}: set Subscription or Plan.");
                continue;
            }

            if (key.SubscriptionId is not null && key.Plan is not null)
            {
                // The subscription's plan would apply and this one be ignored.
                errors.Add($"{keyPath}: set Subscription or Plan, not both (the subscription gives the plan).");
            }

            if (!Enum.IsDefined(key.State))
            {
                errors.Add($"{keyPath}:State {(int)key.State} is not a key state ({string.Join(", ", Enum.GetNames<ApiKeyState>())}).");
            }

            for (var s = 0; s < key.Scopes.Count; s++)
            {
                if (string.IsNullOrWhiteSpace(key.Scopes[s]))
                {
                    errors.Add($"{keyPath}:Scopes:{s} is empty; give the scope's name.");
                }
            }

            if (key.SubscriptionId is null && key.Plan is not null && !options.Plans.ContainsKey(key.Plan))
            {
                errors.Add($"{keyPath}:Plan '{key.Plan}' is not a configured plan ({string.Join(", ", options.Plans.Keys)}).");
                continue;
            }

            if (book.Resolve(key, errors, keyPath) is { } resolved && !keys.TryAdd(hash, resolved))
            {
                errors.Add($"{keyPath}:Hash is the same as another key's.");
            }
        }

        return new CompiledOptions(catalog, book, refusals, keys.ToFrozenDictionary());
    }

    private void ValidateRedis(RedisOptions? redis, List<string> errors)
    {
        if (redis is null)
        {
            return;
        }

        // Its syntax is the Redis client's, checked by the ErrorCatalog.Redis package, which carries that client (and
        // which says when the app's own connection is given too).
        if (string.IsNullOrWhiteSpace(redis.Configuration) && !redis.AppConnection)
        {
            errors.Add($"{Path}:Redis:Configuration must name the server (e.g. 127.0.0.1:6379).");
        }

        if (redis.Timeout <= TimeSpan.Zero || redis.Timeout > TimeSpan.FromSeconds(30))
        {
            errors.Add($"{Path}:Redis:Timeout must be between 0 and 30 seconds (was {redis.Timeout}).");
        }

        if (redis.LeaseTimeout < TimeSpan.FromSeconds(1) || redis.LeaseTimeout > SettingBounds.MaxDelay)
        {
            errors.Add($"{Path}:Redis:LeaseTimeout must be between 1 second and 1 day (was {redis.LeaseTimeout}).");
        }

        if (redis.RetryAfter <= TimeSpan.Zero || redis.RetryAfter > SettingBounds.MaxDelay)
        {
            errors.Add($"{Path}:Redis:RetryAfter must be more than 0 and at most 1 day (was {redis.RetryAfter}).");
        }

        if (!Enum.IsDefined(redis.FailurePolicy))
        {
            errors.Add($"{Path}:Redis:FailurePolicy {(int)redis.FailurePolicy} is not one of {string.Join(", ", Enum.GetNames<RedisFailurePolicy>())}.");
        }
    }
}
