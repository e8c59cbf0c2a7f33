using System.Text.Json;
using ErrorCatalog;
using Microsoft.AspNetCore.Http;

namespace ErrorCatalog.Middleware;

/// <summary>An <see cref="ApiUsageReport"/> as the usage endpoint answers it: camelCase names, enums as lowercase words, times in ISO 8601.</summary>
internal static class UsageJson
{
    private static readonly JsonWriterOptions Options = new() { Encoder = CatalogJson.Encoder };

    public static async Task WriteAsync(HttpResponse response, ApiUsageReport report)
    {
        response.ContentType = "application/json; charset=utf-8";
        response.Headers.CacheControl = "no-store"; // one key's figures, asked for with its key: never for a shared cache
        await using (var json = new Utf8JsonWriter(response.BodyWriter, Options))
        {
            Write(json, report);
        }

        await response.BodyWriter.FlushAsync(response.HttpContext.RequestAborted).ConfigureAwait(false);
    }

    public static void Write(Utf8JsonWriter json, ApiUsageReport report)
    {
        json.WriteStartObject();
        WriteText(json, "keyId", report.KeyId);
        WriteText(json, "subscriptionId", report.SubscriptionId);
        WriteText(json, "plan", report.Plan);
        json.WriteBoolean("overageEnabled", report.OverageEnabled);
        json.WriteString("at", report.At);
        json.WriteStartArray("limits");
        foreach (var limit in report.Limits)
        {
            json.WriteStartObject();
            json.WriteString("name", limit.Name);
            json.WriteString("scope", Word(limit.Scope));
            json.WriteString("kind", Word(limit.Kind));
            json.WriteNumber("limit", limit.Limit);
            json.WriteNumber("used", limit.Used);
            json.WriteNumber("remaining", limit.Remaining);
            if (limit.Reset is { } reset)
            {
                json.WriteString("reset", reset);
                json.WriteNumber("resetSeconds", Math.Max(0, ApiError.ToWholeSeconds(reset - report.At)));
            }
            else
            {
                json.WriteNull("reset");
                json.WriteNull("resetSeconds");
            }

            WriteText(json, "window", limit.Window);
            json.WriteBoolean("sliding", limit.Sliding);
            json.WriteBoolean("overage", limit.Overage);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteText(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }

    private static string Word(LimitScope scope) => scope switch
    {
        LimitScope.Subscription => "subscription",
        LimitScope.Ip => "ip",
        _ => "key",
    };

    private static string Word(LimitKind kind) => kind switch
    {
        LimitKind.Credits => "credits",
        LimitKind.Concurrency => "concurrency",
        _ => "requests",
    };
}
