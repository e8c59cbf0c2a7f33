using System.Net;
using System.Text.Json;
using ErrorCatalog.Testing;

namespace Samples.CoinApi.Tests;

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
        var body = await ResponseAssert.JsonBodyAsync(response, status, "application/json", machineCode);
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
