using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using static ErrorCatalog.Middleware.Tests.TestApi;

namespace ErrorCatalog.Middleware.Tests;

/// <summary>
/// Keys sent in the query string: no line this library logs carries one, and where the framework's own
/// "Request starting" line would, a warning says so at start-up.
/// </summary>
public sealed class KeyLoggingTests
{
    private const string HostingCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    private static string Config(string key, string? queryParameter) => $$"""
        {
          "ApiErrorCatalog": {
            "KeyReading": { "QueryParameter": {{(queryParameter is null ? "null" : $"\"{queryParameter}\"")}} },
            "Plans": { "free": { "Limits": { "minute": { "PermitLimit": 1, "Window": "minute" } } }, "pro": { "Unlimited": true } },
            "ApiKeys": [ { "Id": "free-key", "Hash": "{{Hash(key)}}", "Plan": "free" } ]
          }
        }
        """;

    private static List<FakeLogRecord> Warnings(TestApi api) =>
        [.. api.Logs.GetSnapshot().Where(static r => r.Id.Name == "QueryKeysLogged")];

    [Fact]
    public async Task QueryKeysWithHostingDiagnosticsAtInformation_WarnsOnceAtStartUp()
    {
        await using var api = await StartAsync(
            Config(NewKey(), "CMC_PRO_API_KEY"),
            configure: static b => b.Logging.AddFilter(HostingCategory, LogLevel.Information));

        var warning = Assert.Single(Warnings(api));

        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Equal("ErrorCatalog.Middleware.QueryKeyLoggingCheck", warning.Category);
        Assert.Contains("KeyReading:QueryParameter is 'CMC_PRO_API_KEY'", warning.Message);
        Assert.Contains(HostingCategory + " logs at Information", warning.Message);
    }

    [Fact]
    public async Task QueryKeysWithMicrosoftAspNetCoreAtWarning_DoNotWarn()
    {
        await using var api = await StartAsync(
            Config(NewKey(), "CMC_PRO_API_KEY"),
            configure: static b => b.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning));

        Assert.Empty(Warnings(api));
    }

    [Fact]
    public async Task HeaderKeysOnly_DoNotWarn()
    {
        await using var api = await StartAsync(
            Config(NewKey(), queryParameter: null),
            configure: static b => b.Logging.AddFilter(HostingCategory, LogLevel.Information));

        Assert.Empty(Warnings(api));
    }

    [Fact]
    public async Task KeysInTheQueryString_AppearInNoLineTheLibraryLogs()
    {
        var key = NewKey();
        var unknown = NewKey("unknown");
        await using var api = await StartAsync(
            Config(key, "apikey"),
            configure: static b => b.Logging.SetMinimumLevel(LogLevel.Trace).AddFilter("Microsoft.AspNetCore", LogLevel.Trace));

        using var admitted = await api.GetAsync($"/ok?apikey={key}", key: null);
        using var refused = await api.GetAsync($"/ok?apikey={key}", key: null);
        using var invalid = await api.GetAsync($"/ok?apikey={unknown}", key: null);
        using var forbidden = await api.GetAsync($"/pro?apikey={key}", key: null);

        Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, invalid.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        var records = api.Logs.GetSnapshot();
        // The framework's own line carries the key (hence the start-up warning); the test sees every level.
        Assert.Contains(records, r => r.Category == HostingCategory && r.Message.Contains(key, StringComparison.Ordinal));
        var library = records.Where(static r => r.Category?.StartsWith("ErrorCatalog.", StringComparison.Ordinal) == true).ToList();
        Assert.Contains(library, static r => r.Id.Name == "RequestRefused");
        foreach (var record in library)
        {
            foreach (var secret in new[] { key, unknown })
            {
                Assert.DoesNotContain(secret, record.Message, StringComparison.Ordinal);
                Assert.DoesNotContain(record.StructuredState ?? [], pair => pair.Value?.Contains(secret, StringComparison.Ordinal) == true);
                Assert.DoesNotContain(secret, record.Exception?.ToString() ?? string.Empty, StringComparison.Ordinal);
            }
        }
    }
}
