using System.Net;
using System.Text.Json;
using ErrorCatalog.Testing;

namespace Samples.Proceeds.Tests;

/// <summary>Assertions on the Proceeds bodies.</summary>
internal static class Envelope
{
    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    /// <summary>
    /// Asserts the page's error shape exactly: status, <c>application/json</c>, the properties error, code, details
    /// and meta {requestId, timestamp} in that order and no others, with the given values. Returns the body.
    /// </summary>
    public static async Task<JsonElement> AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string code, string error, DateTimeOffset? time = null)
    {
        var body = await ResponseAssert.JsonBodyAsync(response, status, "application/json", code);

        Assert.Equal(["error", "code", "details", "meta"], Names(body));
        Assert.Equal(error, body.GetProperty("error").GetString());
        Assert.Equal(code, body.GetProperty("code").GetString());
        var meta = body.GetProperty("meta");
        Assert.Equal(["requestId", "timestamp"], Names(meta));
        Assert.Matches("^req_[0-9a-f]{32}$", meta.GetProperty("requestId").GetString());
        Assert.Equal((time ?? ProceedsFactory.PageExampleTime).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture), meta.GetProperty("timestamp").GetString());
        return body;
    }

    /// <summary>As <see cref="AssertErrorAsync"/>, with <c>details</c> null.</summary>
    public static async Task<JsonElement> AssertPlainErrorAsync(HttpResponseMessage response, HttpStatusCode status, string code, string error, DateTimeOffset? time = null)
    {
        var body = await AssertErrorAsync(response, status, code, error, time);
        Assert.Equal(JsonValueKind.Null, body.GetProperty("details").ValueKind);
        return body;
    }

    /// <summary>A success: <c>{data, meta}</c>; returns data.</summary>
    public static async Task<JsonElement> AssertDataAsync(HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.OK)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {text}");
        using var document = JsonDocument.Parse(text);
        var body = document.RootElement.Clone();
        Assert.Equal(["data", "meta"], Names(body));
        Assert.Matches("^req_[0-9a-f]{32}$", body.GetProperty("meta").GetProperty("requestId").GetString());
        return body.GetProperty("data");
    }

    public static string RequestId(JsonElement body) => body.GetProperty("meta").GetProperty("requestId").GetString()!;

    public static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values)
        : response.Content.Headers.TryGetValues(name, out values) ? string.Join(", ", values)
        : null;

    public static string[] Names(JsonElement element) => [.. element.EnumerateObject().Select(static p => p.Name)];
}
