using System.Net;
using System.Text.Json;

namespace Samples.CoinMarketCap.Tests;

/// <summary>A response: status, JSON body, Retry-After, media type and every header.</summary>
internal sealed record Answer(HttpStatusCode Status, JsonElement Body, TimeSpan? RetryAfter, string? MediaType, IReadOnlyDictionary<string, string>? Headers = null)
{
    public string? Header(string name) => Headers is not null && Headers.TryGetValue(name, out var value) ? value : null;

    /// <summary>The body's <c>status</c> object.</summary>
    public JsonElement StatusObject => Body.GetProperty("status");

    /// <summary>Asserts the status object of an error: exact fields in the page's order, code, message and cost.</summary>
    public void AssertError(HttpStatusCode status, int errorCode, string message, string timestamp, long creditCount = 0)
    {
        Assert.Equal(status, Status);
        Assert.Equal("application/json", MediaType);
        Assert.Equal(["status"], Body.EnumerateObject().Select(p => p.Name));
        AssertStatusObject(errorCode, message, timestamp, creditCount);
    }

    /// <summary>Asserts a success: the status object with error_code 0 and error_message null, then data.</summary>
    public JsonElement AssertSuccess(string timestamp, long creditCount)
    {
        Assert.Equal(HttpStatusCode.OK, Status);
        Assert.Equal("application/json", MediaType);
        Assert.Equal(["status", "data"], Body.EnumerateObject().Select(p => p.Name));
        AssertStatusObject(0, null, timestamp, creditCount);
        return Body.GetProperty("data");
    }

    private void AssertStatusObject(int errorCode, string? message, string timestamp, long creditCount)
    {
        var status = StatusObject;
        Assert.Equal(["timestamp", "error_code", "error_message", "elapsed", "credit_count"], status.EnumerateObject().Select(p => p.Name));
        Assert.Equal(timestamp, status.GetProperty("timestamp").GetString());
        Assert.Equal(errorCode, status.GetProperty("error_code").GetInt32());
        if (message is null)
        {
            Assert.Equal(JsonValueKind.Null, status.GetProperty("error_message").ValueKind);
        }
        else
        {
            Assert.Equal(message, status.GetProperty("error_message").GetString());
        }

        // The fake clock does not move during a request.
        Assert.Equal(0, status.GetProperty("elapsed").GetInt64());
        Assert.Equal(creditCount, status.GetProperty("credit_count").GetInt64());
    }
}
