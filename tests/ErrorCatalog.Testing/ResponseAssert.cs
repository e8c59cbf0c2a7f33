using System.Net;
using System.Text;
using System.Text.Json;
using Xunit;

namespace ErrorCatalog.Testing;

/// <summary>The checks every error shape's response shares, before each shape's own.</summary>
public static class ResponseAssert
{
    /// <summary>
    /// The JSON body of <paramref name="response"/>, after asserting its status (the body is in the message when it
    /// differs, naming <paramref name="expected"/>), its media type and a Content-Length that matches the body.
    /// </summary>
    public static async Task<JsonElement> JsonBodyAsync(HttpResponseMessage response, HttpStatusCode status, string mediaType, string expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status} {expected}, got {(int)response.StatusCode}: {text}");
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Encoding.UTF8.GetByteCount(text), response.Content.Headers.ContentLength);
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }
}
