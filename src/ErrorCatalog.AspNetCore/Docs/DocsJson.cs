using System.Buffers;
using System.Text.Json;
using ErrorCatalog;

namespace ErrorCatalog.Middleware;

/// <summary>The docs as JSON for machines: every entry, the plans and their limits, endpoint costs and the headers.</summary>
internal static class DocsJson
{
    /// <summary>Indented, with the catalog's encoder, so texts read as they do in responses ("You've").</summary>
    public static JsonSerializerOptions Indented { get; } = new() { WriteIndented = true, Encoder = CatalogJson.Encoder };

    public static byte[] Write(DocsModel model)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = CatalogJson.Encoder }))
        {
            json.WriteStartObject();
            json.WriteStartArray("errors");
            foreach (var entry in model.Entries)
            {
                WriteEntry(json, model, entry);
            }

            json.WriteEndArray();
            WritePlans(json, model);
            json.WriteStartArray("endpoints");
            foreach (var endpoint in model.Endpoints)
            {
                json.WriteStartObject();
                json.WriteString("route", endpoint.Route);
                json.WriteString("methods", endpoint.Methods);
                WriteNumber(json, "credits", endpoint.Credits);
                json.WriteBoolean("jsonRpcCredits", endpoint.JsonRpc);
                WriteStrings(json, "plans", endpoint.Plans);
                WriteStrings(json, "scopes", endpoint.Scopes);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("headers");
            foreach (var header in model.Headers)
            {
                json.WriteStartObject();
                json.WriteString("name", header.Name);
                json.WriteString("meaning", header.Meaning);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteEntry(Utf8JsonWriter json, DocsModel model, DocsEntry entry)
    {
        var error = entry.Error;
        json.WriteStartObject();
        json.WriteString("code", error.Code);
        WriteNumber(json, "numericCode", error.NumericCode);
        json.WriteNumber("status", error.Status);
        json.WriteString("title", error.Title);
        json.WriteString("detail", entry.DetailTemplate);
        json.WriteString("resolution", error.Resolution);
        json.WriteString("type", error.Type);
        json.WriteString("docs", DocsSlug.Url(model.Pattern, entry.Slug));
        json.WriteString("refusal", error.Refusal == Refusal.None ? null : error.Refusal.ToString());
        json.WriteString("shape", error.Shape.Name);
        json.WriteString("contentType", error.Shape.ContentType);
        json.WriteStartArray("placeholders");
        foreach (var placeholder in error.Placeholders)
        {
            json.WriteStartObject();
            json.WriteString("name", placeholder.Name);
            json.WriteString("type", DocsHtml.TypeName(placeholder.Kind));
            json.WriteEndObject();
        }

        json.WriteEndArray();
        WriteStrings(json, "headers", [.. error.Headers.Select(static h => h.Name)]);
        json.WriteEndObject();
    }

    private static void WritePlans(Utf8JsonWriter json, DocsModel model)
    {
        json.WriteStartArray("plans");
        foreach (var plan in model.Book.Plans.Values)
        {
            json.WriteStartObject();
            json.WriteString("name", plan.Name);
            WriteStrings(json, "features", [.. plan.Features.Where(f => f != plan.Name).Order(StringComparer.Ordinal)]);
            json.WriteBoolean("unlimited", plan.Limits.Length == 0);
            json.WriteBoolean("overage", model.OverageOffered(plan));
            WriteLimits(json, "limits", plan.Limits);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        WriteLimits(json, "ipLimit", model.Book.IpLimit is { } ip ? [ip] : []);
        json.WriteNumber("defaultCredits", model.Options.DefaultCredits);
        json.WriteStartObject("jsonRpcCosts");
        foreach (var (method, cost) in model.Options.JsonRpc.Methods)
        {
            json.WriteNumber(method, cost);
        }

        json.WriteEndObject();
    }

    private static void WriteLimits(Utf8JsonWriter json, string name, LimitDefinition[] limits)
    {
        json.WriteStartArray(name);
        foreach (var limit in limits)
        {
            json.WriteStartObject();
            json.WriteString("name", limit.Name);
            json.WriteString("kind", limit.Kind.ToString());
            json.WriteNumber("permitLimit", limit.PermitLimit);
            if (limit.Kind != LimitKind.Concurrency)
            {
                json.WriteString("window", limit.Window.Name);
                if (!limit.Window.CalendarMonth)
                {
                    json.WriteNumber("windowSeconds", limit.Window.Seconds); // a calendar month has no fixed length
                }
                json.WriteBoolean("sliding", limit.Sliding);
            }

            json.WriteString("scope", limit.Scope.ToString());
            json.WriteString("description", limit.Description);
            json.WriteString("error", limit.Error.Code);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static void WriteNumber(Utf8JsonWriter json, string name, long? value)
    {
        if (value is { } number)
        {
            json.WriteNumber(name, number);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void WriteStrings(Utf8JsonWriter json, string name, string[] values)
    {
        json.WriteStartArray(name);
        foreach (var value in values)
        {
            json.WriteStringValue(value);
        }

        json.WriteEndArray();
    }
}
