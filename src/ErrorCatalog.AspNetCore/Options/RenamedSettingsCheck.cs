using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ErrorCatalog.Middleware;

/// <summary>
/// Warns once at start-up for each setting the configuration still writes under a former name: the old name is read
/// (an alias property binds it), so existing appsettings keep working while the log says what to rename.
/// </summary>
internal sealed partial class RenamedSettingsCheck(IConfiguration section, string path, ILogger<RenamedSettingsCheck> logger) : IHostedService
{
    /// <summary>Former and current names, relative to the options section.</summary>
    internal static readonly (string Old, string New)[] Renamed =
    [
        ("Keys", nameof(ApiErrorCatalogOptions.KeyReading)),
    ];

    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var (old, current) in Renamed)
        {
            if (section.GetSection(old).Exists())
            {
                Log.SettingRenamed(logger, $"{path}:{old}", $"{path}:{current}");
            }
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(40, LogLevel.Warning,
            "The setting {OldName} is renamed {NewName}; the old name is still read, rename it in the configuration.",
            EventName = "SettingRenamed")]
        public static partial void SettingRenamed(ILogger logger, string oldName, string newName);
    }
}
