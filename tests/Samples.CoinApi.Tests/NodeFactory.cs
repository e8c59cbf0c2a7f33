using System.Net;
using System.Text;
using System.Text.Json;
using CoinApi;
using CoinApi.Node;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace Samples.CoinApi.Tests;

/// <summary>
/// The CoinAPI-style node sample as its appsettings.json configures it (plus <paramref name="settings"/>, if any), on a
/// fake clock; one per test.
/// </summary>
internal sealed class NodeFactory(DateTimeOffset? start = null, IReadOnlyDictionary<string, string?>? settings = null) : WebApplicationFactory<NodeApi>
{
    /// <summary>18:00 UTC: six hours (21600 s) before the 24-hour window resets at midnight.</summary>
    public static readonly DateTimeOffset DefaultStart = new(2026, 3, 10, 18, 0, 0, TimeSpan.Zero);

    // The demo keys of samples/CoinApi/appsettings.json (configured there as SHA-256 hashes only).
    public const string TeamKeyOne = "coin_team_key_one_demo_0001";
    public const string TeamKeyTwo = "coin_team_key_two_demo_0002";
    public const string OverageKey = "coin_flex_overage_demo_0003";
    public const string RevokedKey = "coin_team_revoked_demo_0004";

    public FakeTimeProvider Time { get; } = new(start ?? DefaultStart);

    public Chain Chain => Services.GetRequiredService<Chain>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        if (settings is not null)
        {
            builder.ConfigureAppConfiguration((_, configuration) => configuration.AddInMemoryCollection(settings));
        }

        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Time);
        });
    }

    /// <summary>A JSON-RPC request body.</summary>
    public static string Call(string method, object? parameters = null, object? id = null) =>
        JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["jsonrpc"] = "2.0",
            ["method"] = method,
            ["params"] = parameters ?? Array.Empty<object>(),
            ["id"] = id ?? 1,
        });

    /// <summary>Posts <paramref name="body"/> to <c>/</c> with the key in X-CoinAPI-Key (or none).</summary>
    public Task<HttpResponseMessage> PostAsync(string? key, string body, HttpClient? client = null, string path = "/")
    {
        client ??= CreateClient();
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (key is not null)
        {
            request.Headers.Add("X-CoinAPI-Key", key);
        }

        return client.SendAsync(request);
    }

    public Task<HttpResponseMessage> RpcAsync(string? key, string method, object? parameters = null, HttpClient? client = null) =>
        PostAsync(key, Call(method, parameters), client);

    /// <summary>Calls <paramref name="method"/> <paramref name="times"/> times, each admitted.</summary>
    public async Task SpendAsync(string key, string method, int times)
    {
        using var client = CreateClient();
        for (var i = 0; i < times; i++)
        {
            using var response = await RpcAsync(key, method, client: client);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{method} call {i + 1}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    /// <summary>Waits (bounded) until <paramref name="count"/> requests are held in waitfornewblock.</summary>
    public async Task WaitForWaitersAsync(int count)
    {
        for (var attempt = 0; attempt < 1000 && Chain.Waiting != count; attempt++)
        {
            await Task.Delay(10); // the server's threads, not the clock
        }

        Assert.Equal(count, Chain.Waiting);
    }
}

/// <summary>Assertions on JSON-RPC bodies and the X-UnitsLimit-* headers.</summary>
internal static class Rpc
{
    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }

    /// <summary>A success: <c>{"jsonrpc": "2.0", "result": …, "id": …}</c>; returns result.</summary>
    public static async Task<JsonElement> AssertResultAsync(HttpResponseMessage response, object? id = null)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Expected 200, got {(int)response.StatusCode}: {text}");
        using var document = JsonDocument.Parse(text);
        var body = document.RootElement.Clone();
        Assert.Equal(["jsonrpc", "result", "id"], Names(body));
        Assert.Equal("2.0", body.GetProperty("jsonrpc").GetString());
        Assert.Equal(JsonSerializer.Serialize(id ?? 1), body.GetProperty("id").GetRawText());
        return body.GetProperty("result");
    }

    /// <summary>
    /// A catalog error as a JSON-RPC error response: <c>{"jsonrpc": "2.0", "error": {"code", "message", "data":
    /// {"error", "detail"?, …}}, "id": null}</c> with the HTTP status. Returns error.data.
    /// </summary>
    public static async Task<JsonElement> AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, int code, string message, string machineCode)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status} {machineCode}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Encoding.UTF8.GetByteCount(text), response.Content.Headers.ContentLength);
        using var document = JsonDocument.Parse(text);
        var body = document.RootElement.Clone();
        Assert.Equal(["jsonrpc", "error", "id"], Names(body));
        Assert.Equal("2.0", body.GetProperty("jsonrpc").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("id").ValueKind);
        var error = body.GetProperty("error");
        Assert.Equal(["code", "message", "data"], Names(error));
        Assert.Equal(code, error.GetProperty("code").GetInt32());
        Assert.Equal(message, error.GetProperty("message").GetString());
        var data = error.GetProperty("data");
        Assert.Equal(machineCode, data.GetProperty("error").GetString());
        return data;
    }

    /// <summary>X-UnitsLimit-Quota-Overage, -Quota-Allocated, X-UnitsLimit-Used, -Quota-Remaining.</summary>
    public static (string? Overage, string? Allocated, string? Used, string? Remaining) Units(HttpResponseMessage response) =>
        (Header(response, "X-UnitsLimit-Quota-Overage"), Header(response, "X-UnitsLimit-Quota-Allocated"),
         Header(response, "X-UnitsLimit-Used"), Header(response, "X-UnitsLimit-Quota-Remaining"));

    public static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values)
        : response.Content.Headers.TryGetValues(name, out values) ? string.Join(", ", values)
        : null;

    public static string[] Names(JsonElement element) => [.. element.EnumerateObject().Select(static p => p.Name)];
}
