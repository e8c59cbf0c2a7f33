using System.Text;
using System.Text.Json;
using Microsoft.OpenApi;

namespace ErrorCatalog.OpenApi;

/// <summary>
/// The JSON schema of a body shape, a component per shape: RFC 9457 problem details with the catalog's members, or
/// an errors.yaml shape walked node by node. Placeholders are typed by the entries that declare them.
/// </summary>
internal static class ErrorSchemas
{
    /// <summary>The component id of <paramref name="shape"/>'s schema: <c>ApiError</c> for problem details, <c>ApiError.name</c> otherwise.</summary>
    public static string ComponentId(BodyShape shape)
    {
        if (shape.Name == BodyShape.ProblemName)
        {
            return "ApiError";
        }

        // Component names allow letters, digits, '.', '-' and '_'.
        var id = new StringBuilder("ApiError.");
        foreach (var c in shape.Name)
        {
            id.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_');
        }

        return id.ToString();
    }

    /// <summary>A reference to <paramref name="shape"/>'s schema, adding the component on first use.</summary>
    public static IOpenApiSchema Reference(OpenApiDocument document, BodyShape shape, ApiErrorCatalog catalog)
    {
        var id = ComponentId(shape);
        if (document.Components?.Schemas?.ContainsKey(id) != true)
        {
            var schema = Object(shape.Root, catalog);
            schema.Description = shape.Name == BodyShape.ProblemName
                ? "An error from the API's catalog as RFC 9457 problem details: the standard members, the catalog's code, numericCode and requestId, and the entry's placeholders."
                : $"An error from the API's catalog in its '{shape.Name}' shape.";
            document.AddComponent<IOpenApiSchema>(id, schema);
        }

        return new OpenApiSchemaReference(id, document);
    }

    private static OpenApiSchema Object(ShapeNode node, ApiErrorCatalog catalog)
    {
        var schema = new OpenApiSchema { Type = JsonSchemaType.Object, Properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal) };
        var open = false;
        foreach (var child in node.Children)
        {
            if (child.Kind == ShapeNodeKind.Arguments)
            {
                open = true; // the entry's placeholders, by name
                continue;
            }

            if (child.Name is { } name)
            {
                schema.Properties[name] = Property(child, catalog);
            }
        }

        // Placeholders spread here differ per entry; a shape of fixed members says so.
        schema.AdditionalPropertiesAllowed = open;
        if (ReferenceEquals(node, BodyShape.Problem.Root))
        {
            schema.Required = new HashSet<string>(StringComparer.Ordinal) { "type", "title", "status", "detail", "code" };
        }

        return schema;
    }

    private static OpenApiSchema Property(ShapeNode node, ApiErrorCatalog catalog) => node.Kind switch
    {
        ShapeNodeKind.Object => Object(node, catalog),
        ShapeNodeKind.Literal => Literal(node.LiteralJson),
        ShapeNodeKind.Template => new OpenApiSchema { Type = JsonSchemaType.String },
        _ when node.Placeholder is { } placeholder => Placeholder(placeholder, catalog),
        _ => System(node.System),
    };

    private static OpenApiSchema System(SystemValue value) => value switch
    {
        SystemValue.Type => new() { Type = JsonSchemaType.String, Format = "uri-reference", Description = "The problem type: a URI identifying the error, documented at that address." },
        SystemValue.Title => new() { Type = JsonSchemaType.String, Description = "A short summary of the error, the same for every occurrence." },
        SystemValue.Status => new() { Type = JsonSchemaType.Integer, Format = "int32", Description = "The HTTP status." },
        SystemValue.Detail => new() { Type = JsonSchemaType.String, Description = "This occurrence's explanation, with its values filled in." },
        SystemValue.Instance => new() { Type = JsonSchemaType.String, Format = "uri-reference", Description = "The request path." },
        SystemValue.Code => new() { Type = JsonSchemaType.String, Description = "The stable machine code to branch on." },
        SystemValue.NumericCode => new() { Type = JsonSchemaType.Integer, Format = "int32", Description = "The entry's numeric code, where it has one." },
        SystemValue.Resolution => new() { Type = JsonSchemaType.String, Description = "What the client can do about it." },
        SystemValue.RequestId => new() { Type = JsonSchemaType.String, Description = "The request's id, as in the server's log." },
        SystemValue.Timestamp => new() { Type = JsonSchemaType.String, Format = "date-time", Description = "When the answer was written." },
        SystemValue.Elapsed => new() { Type = JsonSchemaType.Integer, Format = "int64", Description = "Milliseconds the request took." },
        SystemValue.CreditCount => new() { Type = JsonSchemaType.Integer, Format = "int64", Description = "Credits the request was charged." },
        SystemValue.Plan => new() { Type = JsonSchemaType.String | JsonSchemaType.Null, Description = "The plan of the caller's key." },
        SystemValue.Details => new()
        {
            Type = JsonSchemaType.Object,
            Description = "Validation errors by field.",
            AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
        },
        SystemValue.Arguments => new() { Type = JsonSchemaType.Object, Description = "The entry's placeholders by name." },
        _ => new(),
    };

    private static OpenApiSchema Literal(byte[] json)
    {
        using var parsed = JsonDocument.Parse(json);
        return new OpenApiSchema
        {
            Type = parsed.RootElement.ValueKind switch
            {
                JsonValueKind.String => JsonSchemaType.String,
                JsonValueKind.Number => JsonSchemaType.Number,
                JsonValueKind.True or JsonValueKind.False => JsonSchemaType.Boolean,
                JsonValueKind.Array => JsonSchemaType.Array,
                JsonValueKind.Object => JsonSchemaType.Object,
                _ => JsonSchemaType.Null,
            },
            Description = $"Always {Encoding.UTF8.GetString(json)}.",
        };
    }

    // A placeholder's type is the one the entries declaring it give it (the generator keeps a name's type consistent within a shape).
    private static OpenApiSchema Placeholder(string name, ApiErrorCatalog catalog)
    {
        foreach (var entry in catalog.Errors)
        {
            foreach (var placeholder in entry.Placeholders)
            {
                if (placeholder.Name == name)
                {
                    return Kind(placeholder.Kind);
                }
            }
        }

        return new OpenApiSchema();
    }

    public static OpenApiSchema Kind(PlaceholderKind kind) => kind switch
    {
        PlaceholderKind.String => new() { Type = JsonSchemaType.String },
        PlaceholderKind.Int32 => new() { Type = JsonSchemaType.Integer, Format = "int32" },
        PlaceholderKind.Int64 => new() { Type = JsonSchemaType.Integer, Format = "int64" },
        PlaceholderKind.Seconds => new() { Type = JsonSchemaType.Integer, Format = "int64", Description = "Seconds." },
        PlaceholderKind.Timestamp => new() { Type = JsonSchemaType.String, Format = "date-time" },
        PlaceholderKind.UnixTime => new() { Type = JsonSchemaType.Integer, Format = "int64", Description = "Unix seconds." },
        PlaceholderKind.Boolean => new() { Type = JsonSchemaType.Boolean },
        _ => new(),
    };
}
