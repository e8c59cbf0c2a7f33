using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ErrorCatalog.Middleware;

/// <summary>
/// Warns once at start-up when keys may be sent in the query string and the framework's hosting diagnostics log at
/// Information: their "Request starting" and "Request finished" lines carry the whole query string, so such a key
/// reaches the logs before any middleware runs, and nothing this library does can take it out.
/// </summary>
internal sealed partial class QueryKeyLoggingCheck(IOptionsMonitor<ApiErrorCatalogOptions> options, ILoggerFactory loggers) : IHostedService
{
    /// <summary>The category of the framework's per-request lines (HostingApplicationDiagnostics).</summary>
    internal const string HostingDiagnosticsCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.CurrentValue.KeyReading.QueryParameter is { } parameter
            && loggers.CreateLogger(HostingDiagnosticsCategory).IsEnabled(LogLevel.Information))
        {
            Log.QueryKeysLogged(loggers.CreateLogger<QueryKeyLoggingCheck>(), parameter, HostingDiagnosticsCategory);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(30, LogLevel.Warning,
            "Keys are accepted in the query string (KeyReading:QueryParameter is '{Parameter}') and {Category} logs at Information: "
            + "its \"Request starting\" and \"Request finished\" lines carry the query string, keys included. Set that "
            + "category to Warning, or accept keys in headers only.",
            EventName = "QueryKeysLogged")]
        public static partial void QueryKeysLogged(ILogger logger, string parameter, string category);
    }
}
