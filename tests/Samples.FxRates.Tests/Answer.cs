using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Samples.FxRates.Tests;

/// <summary>A response: status, JSON body, headers and media type.</summary>
internal sealed record Answer(HttpStatusCode Status, JsonElement Body, IReadOnlyDictionary<string, string> Headers, string? MediaType)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    /// <summary>
    /// Asserts the flat error body: exactly <paramref name="fields"/>, in the page's order
    /// (error, detail, retry_after_seconds, tier, tier_limit, upgrade_url), with these values.
    /// </summary>
    public void AssertError(HttpStatusCode status, params (string Name, object Value)[] fields)
    {
        Assert.Equal(status, Status);
        Assert.Equal("application/json", MediaType);
        Assert.Equal(fields.Select(f => f.Name), Body.EnumerateObject().Select(p => p.Name));
        foreach (var (name, value) in fields)
        {
            var actual = Body.GetProperty(name);
            switch (value)
            {
                case int number:
                    Assert.Equal(JsonValueKind.Number, actual.ValueKind);
                    Assert.Equal(number, actual.GetInt64());
                    break;
                default:
                    Assert.Equal(JsonValueKind.String, actual.ValueKind);
                    Assert.Equal((string)value, actual.GetString());
                    break;
            }
        }
    }

    /// <summary>Asserts X-RateLimit-Limit, -Remaining and -Reset.</summary>
    public void AssertRateLimit(int limit, int remaining, DateTimeOffset reset)
    {
        Assert.Equal(limit.ToString(CultureInfo.InvariantCulture), Header("X-RateLimit-Limit"));
        Assert.Equal(remaining.ToString(CultureInfo.InvariantCulture), Header("X-RateLimit-Remaining"));
        Assert.Equal(FxRatesHost.Unix(reset), Header("X-RateLimit-Reset"));
    }
}
