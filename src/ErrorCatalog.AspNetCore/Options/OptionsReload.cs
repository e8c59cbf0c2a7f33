using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ErrorCatalog.Middleware;

/// <summary>
/// Follows configuration reloads: plans, subscriptions, configured keys, the IP limit and the default credits of a
/// reload that validates (the start-up checks, and every RequirePlan still naming a plan) apply from the next request,
/// swapped whole into <see cref="RunningOptions"/>; a reload that does not validate is logged with every problem and
/// changes nothing. Settings read once by the parts built at start-up (how keys are read, headers, Redis, ...) keep
/// their running values: a reload that changes them is logged as needing a restart.
/// </summary>
/// <remarks>
/// Counters are not compiled state: they are kept by key, subscription or IP and limit name, so a limit whose permit
/// changes keeps its used count.
/// </remarks>
internal sealed partial class OptionsReload : IDisposable
{
    /// <summary>The settings a reload applies; every other one is read once, at start-up.</summary>
    private static readonly HashSet<string> Reloadable = new(StringComparer.OrdinalIgnoreCase)
    {
        nameof(ApiErrorCatalogOptions.Plans),
        nameof(ApiErrorCatalogOptions.Subscriptions),
        nameof(ApiErrorCatalogOptions.ApiKeys),
        nameof(ApiErrorCatalogOptions.IpLimit),
        nameof(ApiErrorCatalogOptions.DefaultCredits),
    };

    private static readonly PropertyInfo[] RestartOnlyProperties = [.. typeof(ApiErrorCatalogOptions)
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(static p => p is { CanRead: true, CanWrite: true } && !Reloadable.Contains(p.Name))];

    private readonly ApiErrorCatalogOptionsValidator _validator;
    private readonly RunningOptions _running;
    private readonly IServiceProvider _services;
    private readonly ILogger _logger;
    private readonly Dictionary<string, string?> _restartOnlyAtStart;
    private readonly IDisposable? _subscription;
    private readonly Lock _reloading = new();
    private string? _lastRestartWarning;
    private string? _lastRejection;
    private string? _lastApplied;

    public OptionsReload(ApiErrorCatalogOptionsValidator validator, RunningOptions running, IServiceProvider services, ILogger<OptionsReload> logger)
    {
        _validator = validator;
        _running = running;
        _services = services;
        _logger = logger;
        _restartOnlyAtStart = RestartOnlySettings();
        validator.Running = true;
        _subscription = services.GetRequiredService<IOptionsMonitor<ApiErrorCatalogOptions>>().OnChange(Reload);
    }

    public void Dispose() => _subscription?.Dispose();

    private void Reload(ApiErrorCatalogOptions reloaded)
    {
        // Reloads may come from several threads (a file saved twice); one at a time, so the last one wins whole.
        lock (_reloading)
        {
            try
            {
                WarnRestartOnlyChanges();

                // A reload of the whole configuration (a log level edited) that leaves this section's reloadable settings
                // as applied changes nothing: the compiled state, and the key cache, stay.
                var settings = ReloadableSettings(reloaded);
                if (settings is not null && settings == _lastApplied)
                {
                    _lastRejection = null;
                    return;
                }

                var errors = new List<string>(_validator.ReloadErrors(reloaded) ?? []);
                CompiledOptions? compiled = null;
                if (errors.Count == 0)
                {
                    KeepRestartOnlySettings(reloaded, _running.Startup.Book.Options);
                    compiled = _validator.Recompile(reloaded, errors);

                    // As at start-up: an endpoint's RequirePlan naming a plan the reload removes would refuse every key.
                    if (_services.GetService<EndpointDataSource>() is { } endpoints)
                    {
                        errors.AddRange(PlanRequirementCheck.Problems(endpoints.Endpoints, reloaded));
                    }
                }

                if (errors.Count > 0 || compiled is null)
                {
                    // Once per problem set: a configuration reload often notifies twice (the file, then its root).
                    var problems = string.Join(Environment.NewLine, errors);
                    if (problems != _lastRejection)
                    {
                        Log.ReloadRejected(_logger, errors.Count, problems);
                    }

                    _lastRejection = problems;
                    return;
                }

                _lastRejection = null;
                _lastApplied = settings;
                _running.Apply(compiled);

                // Keys a key store answered were bound to the plans just replaced: the next request looks them up again.
                _services.GetService<KeyResolver>()?.Invalidate(KeyInvalidation.All);
                Log.Reloaded(_logger, compiled.Book.Plans.Count, compiled.Keys.Count);
            }
            catch (Exception ex)
            {
                // A reload must never take the application down; the requests go on with the last good configuration.
                Log.ReloadFailed(_logger, ex);
            }
        }
    }

    /// <summary>
    /// Sets every restart-only setting of <paramref name="reloaded"/> back to its running value, so the options it
    /// compiles to describe what runs (the docs page and OpenAPI read them). Every setting but the reloadable ones, a
    /// setting added later included, so none is half-applied by accident.
    /// </summary>
    private static void KeepRestartOnlySettings(ApiErrorCatalogOptions reloaded, ApiErrorCatalogOptions running)
    {
        foreach (var property in RestartOnlyProperties)
        {
            property.SetValue(reloaded, property.GetValue(running));
        }
    }

    /// <summary>Logs the restart-only settings the configuration now sets otherwise than at start-up, once per change.</summary>
    private void WarnRestartOnlyChanges()
    {
        var now = RestartOnlySettings();
        var changed = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (path, value) in now)
        {
            if (!_restartOnlyAtStart.TryGetValue(path, out var before) || before != value)
            {
                changed.Add(path);
            }
        }

        foreach (var path in _restartOnlyAtStart.Keys)
        {
            if (!now.ContainsKey(path))
            {
                changed.Add(path);
            }
        }

        var warning = string.Join(", ", changed.Select(p => $"{_validator.Path}:{p}"));
        if (changed.Count > 0 && warning != _lastRestartWarning)
        {
            Log.RestartRequired(_logger, warning);
        }

        _lastRestartWarning = warning;
    }

    /// <summary>The configured values of every restart-only setting, by path under the section.</summary>
    private Dictionary<string, string?> RestartOnlySettings() => Settings(reloadable: false);

    /// <summary>
    /// The reloadable settings as bound (configuration and code alike), as one text, read before they are compiled;
    /// null when they cannot be written out, so the reload is applied.
    /// </summary>
    private static string? ReloadableSettings(ApiErrorCatalogOptions options)
    {
        try
        {
            return JsonSerializer.Serialize(new { options.Plans, options.Subscriptions, options.ApiKeys, options.IpLimit, options.DefaultCredits });
        }
        catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException)
        {
            return null;
        }
    }

    private Dictionary<string, string?> Settings(bool reloadable)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (_validator.Section is not { } configuration)
        {
            return settings;
        }

        // Paths relative to the section, so the warning names them under the options' path.
        var prefix = configuration is IConfigurationSection { Path.Length: > 0 } section ? section.Path.Length + 1 : 0;
        foreach (var child in configuration.GetChildren())
        {
            if (Reloadable.Contains(child.Key) != reloadable)
            {
                continue;
            }

            foreach (var (path, value) in child.AsEnumerable())
            {
                if (value is not null)
                {
                    settings[path[prefix..]] = value;
                }
            }
        }

        return settings;
    }

    private static partial class Log
    {
        [LoggerMessage(70, LogLevel.Information,
            "The reloaded configuration applies from the next request: {PlanCount} plans, {KeyCount} configured keys",
            EventName = "ConfigurationReloaded")]
        public static partial void Reloaded(ILogger logger, int planCount, int keyCount);

        [LoggerMessage(71, LogLevel.Error,
            "The reloaded configuration is not applied, and requests go on with the last configuration that validated; problems ({ProblemCount}), one per line:\n{Problems}",
            EventName = "ConfigurationReloadRejected")]
        public static partial void ReloadRejected(ILogger logger, int problemCount, string problems);

        [LoggerMessage(72, LogLevel.Warning,
            "The reloaded configuration changes settings read only at start-up, which keep their running values until the application restarts: {Settings}",
            EventName = "ConfigurationRestartRequired")]
        public static partial void RestartRequired(ILogger logger, string settings);

        [LoggerMessage(73, LogLevel.Error,
            "The reloaded configuration could not be applied; requests go on with the last configuration that validated",
            EventName = "ConfigurationReloadFailed")]
        public static partial void ReloadFailed(ILogger logger, Exception exception);
    }
}
