using System.Text;
using System.Text.Json;
using ErrorCatalog;
using Microsoft.AspNetCore.Http;

namespace ErrorCatalog.Middleware;

/// <summary>
/// One catalog entry as the docs show it: its slug, its detail template with the placeholders named, and an example
/// body and headers written by the real writer, in the entry's own shape, from example values.
/// </summary>
internal sealed class DocsEntry
{
    private static readonly DateTimeOffset ExampleTime = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private DocsEntry(ErrorDescriptor error, string slug, string exampleBody, KeyValuePair<string, string>[] exampleHeaders)
    {
        Error = error;
        Slug = slug;
        DetailTemplate = Template(error.Detail);
        ExampleBody = exampleBody;
        ExampleHeaders = exampleHeaders;
    }

    public ErrorDescriptor Error { get; }

    public string Slug { get; }

    /// <summary>The detail as written in errors.yaml: placeholders as <c>{used}</c>, request values as <c>{$code}</c>.</summary>
    public string DetailTemplate { get; }

    /// <summary>The example body, indented for reading.</summary>
    public string ExampleBody { get; }

    public KeyValuePair<string, string>[] ExampleHeaders { get; }

    /// <summary>Whether the middleware answers a limit with this entry, so the rate-limit headers come with it.</summary>
    public bool IsLimitRefusal => Error.Refusal is Refusal.MinuteLimit or Refusal.DailyLimit or Refusal.MonthlyLimit or Refusal.IpLimit
        or Refusal.ConcurrencyLimit or Refusal.CreditsLimit or Refusal.SubscriptionLimit;

    public static DocsEntry Create(ErrorDescriptor error, string slug, Func<string, string?> exampleText)
    {
        var example = new ApiError(error);
        var placeholders = error.Placeholders;
        for (var i = 0; i < placeholders.Length; i++)
        {
            var name = placeholders[i].Name;
            switch (placeholders[i].Kind)
            {
                case PlaceholderKind.String: example.Set(i, exampleText(name) ?? name); break;
                case PlaceholderKind.Seconds: example.Set(i, TimeSpan.FromSeconds(42)); break;
                case PlaceholderKind.Timestamp or PlaceholderKind.UnixTime: example.Set(i, ExampleTime); break;
                case PlaceholderKind.Boolean: example.Set(i, true); break;
                default: example.Set(i, name.Contains("remaining", StringComparison.OrdinalIgnoreCase) ? 0L : 10L); break;
            }
        }

        var context = new ErrorContext
        {
            RequestId = "0HNEXAMPLE0:00000001",
            Instance = "/v1/example",
            Timestamp = ExampleTime,
            ElapsedMilliseconds = 3,
            CreditCount = 0,
            Plan = exampleText("$plan"),
        };
        var headers = new HeaderDictionary();
        ApiErrorWriter.WriteHeaders(headers, example, context);
        return new DocsEntry(error, slug, Indent(ApiErrorWriter.GetBodyBytes(example, context)), [.. headers.Select(static h => KeyValuePair.Create(h.Key, h.Value.ToString()))]);
    }

    private static string Indent(byte[] body)
    {
        using var document = JsonDocument.Parse(body);
        return JsonSerializer.Serialize(document.RootElement, DocsJson.Indented);
    }

    private static string Template(TemplateSegment[] segments)
    {
        var text = new StringBuilder();
        foreach (var segment in segments)
        {
            if (segment.Utf8 is { } literal)
            {
                text.Append(Encoding.UTF8.GetString(literal));
            }
            else if (segment.Placeholder is { } name)
            {
                text.Append('{').Append(name).Append('}');
            }
            else
            {
                var system = segment.System.ToString();
                text.Append("{$").Append(char.ToLowerInvariant(system[0])).Append(system.AsSpan(1)).Append('}');
            }
        }

        return text.ToString();
    }
}
