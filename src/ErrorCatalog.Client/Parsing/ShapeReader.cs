using System.Globalization;
using System.Text.Json;

namespace ErrorCatalog.Client.Parsing;

/// <summary>Reads a JSON body by a catalog's body shape: the inverse of the server's writer.</summary>
internal static class ShapeReader
{
    public static BodyFields Read(BodyShape shape, JsonElement body)
    {
        var fields = new BodyFields();
        if (body.ValueKind == JsonValueKind.Object)
        {
            ReadObject(shape.Root, body, fields);
        }

        return fields;
    }

    private static void ReadObject(ShapeNode node, JsonElement json, BodyFields fields)
    {
        foreach (var child in node.Children)
        {
            if (child.Kind == ShapeNodeKind.Arguments)
            {
                foreach (var property in json.EnumerateObject())
                {
                    if (Text(property.Value) is { } spread)
                    {
                        fields.Spread[property.Name] = spread;
                    }
                }

                continue;
            }

            if (child.Name is null || !json.TryGetProperty(child.Name, out var value))
            {
                continue;
            }

            switch (child.Kind)
            {
                case ShapeNodeKind.Object when value.ValueKind == JsonValueKind.Object:
                    ReadObject(child, value, fields);
                    break;
                case ShapeNodeKind.Value when child.Placeholder is { } placeholder:
                    if (Text(value) is { } text)
                    {
                        fields.Arguments[placeholder] = text;
                    }

                    break;
                case ShapeNodeKind.Value:
                    ReadSystem(child.System, value, fields);
                    break;
                case ShapeNodeKind.Template when value.ValueKind == JsonValueKind.String:
                    TemplateReader.Match(child.Template, value.GetString()!, fields);
                    break;
            }
        }
    }

    private static void ReadSystem(SystemValue system, JsonElement value, BodyFields fields)
    {
        switch (system)
        {
            case SystemValue.Code:
                fields.Code = Text(value);
                break;
            case SystemValue.NumericCode when value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number):
                fields.NumericCode = number;
                break;
            case SystemValue.Title:
                fields.Title = Text(value);
                break;
            case SystemValue.Detail:
                fields.Detail = Text(value);
                break;
            case SystemValue.CreditCount when value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var credits):
                fields.CreditCount = credits;
                break;
            case SystemValue.Data:
                fields.Data = value.Clone();
                break;
        }
    }

    /// <summary>A scalar's text (a string's value, a number's or a boolean's JSON); null for null, objects and arrays.</summary>
    internal static string? Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => bool.TrueString.ToLower(CultureInfo.InvariantCulture),
        JsonValueKind.False => bool.FalseString.ToLower(CultureInfo.InvariantCulture),
        _ => null,
    };
}
