using System.Net;
using System.Text;
using System.Text.Json;
using CoinApi;
using CoinApi.Node;
using ErrorCatalog.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Samples.CoinApi.Tests;

/// <summary>
/// The CoinAPI-style node sample's host: its demo keys, key header and clock start, and JSON-RPC calls.
/// </summary>
internal sealed class NodeFactory(DateTimeOffset? start = null, IReadOnlyDictionary<string, string?>? settings = null)
    : SampleHost<NodeApi>(start ?? DefaultStart, settings)
{
    /// <summary>18:00 UTC: six hours (21600 s) before the 24-hour window resets at midnight.</summary>
    public static readonly DateTimeOffset DefaultStart = new(2026, 3, 10, 18, 0, 0, TimeSpan.Zero);

    // The demo keys of samples/CoinApi/appsettings.json (configured there as SHA-256 hashes only).
    public const string TeamKeyOne = "coin_team_key_one_demo_0001";
    public const string TeamKeyTwo = "coin_team_key_two_demo_0002";
    public const string OverageKey = "coin_flex_overage_demo_0003";
    public const string RevokedKey = "coin_team_revoked_demo_0004";

    public Chain Chain => Services.GetRequiredService<Chain>();

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
    public Task<HttpResponseMessage> PostAsync(string? key, string body, HttpClient? client = null, string path = "/") =>
        RequestAsync(HttpMethod.Post, path, new StringContent(body, Encoding.UTF8, "application/json"), client, ("X-CoinAPI-Key", key));

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
