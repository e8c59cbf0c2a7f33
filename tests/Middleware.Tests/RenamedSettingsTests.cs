using System.Net;
using static ErrorCatalog.Middleware.Tests.TestApi;

namespace ErrorCatalog.Middleware.Tests;

/// <summary>
/// A setting renamed in configuration (<c>Keys</c> is now <c>KeyReading</c>) is still read under its former name, and
/// the start-up log says which name to use.
/// </summary>
public sealed class RenamedSettingsTests
{
    private static string Config(string key, string section) => $$"""
        {
          "ApiErrorCatalog": {
            "{{section}}": { "Headers": [ "X-Old-Or-New" ] },
            "Plans": { "free": { "Unlimited": true } },
            "ApiKeys": [ { "Id": "free-key", "Hash": "{{Hash(key)}}", "Plan": "free" } ]
          }
        }
        """;

    [Fact]
    public async Task FormerName_IsStillReadAndWarnsNamingBothSettings()
    {
        var key = NewKey();
        await using var api = await StartAsync(Config(key, "Keys"));

        using var response = await SendWithHeaderAsync(api, "X-Old-Or-New", key);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var warning = Assert.Single(api.Logs.GetSnapshot(), static r => r.Id.Name == "SettingRenamed");
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, warning.Level);
        Assert.Contains("ApiErrorCatalog:Keys", warning.Message);
        Assert.Contains("ApiErrorCatalog:KeyReading", warning.Message);
    }

    [Fact]
    public async Task CurrentName_IsReadWithoutWarning()
    {
        var key = NewKey();
        await using var api = await StartAsync(Config(key, "KeyReading"));

        using var response = await SendWithHeaderAsync(api, "X-Old-Or-New", key);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(api.Logs.GetSnapshot(), static r => r.Id.Name == "SettingRenamed");
    }

    [Fact]
    public async Task FormerName_WithAnUnknownSetting_FailsStartUpWithTheFormerPath()
    {
        var config = Config(NewKey(), "Keys").Replace("\"Headers\"", "\"Hedaers\"", StringComparison.Ordinal);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => StartAsync(config));

        Assert.Contains("ApiErrorCatalog:Keys:Hedaers", error.ToString());
    }

    [Fact]
    public async Task FormerAndCurrentName_BothSet_FailStartUp_NamingBoth()
    {
        // Both would bind into one object, the former name last, so neither would mean what it says.
        var config = Config(NewKey(), "KeyReading").Replace("\"KeyReading\":", "\"Keys\": { \"MaxLength\": 64 }, \"KeyReading\":", StringComparison.Ordinal);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => StartAsync(config));

        Assert.Contains("ApiErrorCatalog:Keys is the former name of ApiErrorCatalog:KeyReading, and both are set", error.ToString());
    }

    private static Task<HttpResponseMessage> SendWithHeaderAsync(TestApi api, string header, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/ok");
        request.Headers.Add(header, key);
        return api.Client.SendAsync(request);
    }
}
