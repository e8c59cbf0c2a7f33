using System.Globalization;
using System.Text;
using System.Text.Json;
using ErrorCatalog;

namespace ErrorCatalog.Middleware;

/// <summary>
/// The catalog the API answers with as an errors.yaml a client's generator reads: the entries the page lists (the
/// app's own and the defaults that answer for it) and the one the page itself answers an unknown entry with, each in
/// the body shape it is written in, with every shape they use.
/// </summary>
/// <remarks>
/// Written from the runtime descriptors, not from the app's file, so a default entry comes out as the API sends it (in
/// the app's shape). Every string is double-quoted and escaped, and a template's literal braces are doubled, so no
/// text can change the structure or be read as a placeholder. There is no namespace or class name: the client names it.
/// </remarks>
internal static class DocsYaml
{
    public static byte[] Write(DocsModel model, ApiErrorCatalog catalog, ErrorDescriptor? notFound)
    {
        ErrorDescriptor[] errors = [.. model.Entries.Select(static e => e.Error)];
        if (notFound is not null && !errors.Contains(notFound))
        {
            // The page's own 404 may be a default no other answer uses (NOT_FOUND): a client reads it too.
            errors = [.. errors, notFound];
        }

        var yaml = new StringBuilder();
        yaml.Append("# The errors this API answers with, for a client: include this file in a project that references ErrorCatalog.Client.\n");
        var defaultShape = catalog.DefaultShape;
        if (defaultShape.Name != BodyShape.ProblemName)
        {
            yaml.Append("defaultShape: ").Append(Quote(defaultShape.Name)).Append('\n');
        }

        var shapes = Shapes(errors, catalog);
        if (shapes.Count > 0)
        {
            yaml.Append("shapes:\n");
            foreach (var shape in shapes)
            {
                yaml.Append("  ").Append(Quote(shape.Name)).Append(":\n");
                yaml.Append("    contentType: ").Append(Quote(shape.ContentType)).Append('\n');
                yaml.Append("    body:");
                WriteChildren(yaml, shape.Root, 6);
            }
        }

        yaml.Append("errors:\n");
        var numbers = new HashSet<int>();
        foreach (var error in errors)
        {
            WriteEntry(yaml, error, defaultShape, numbers);
        }

        return Encoding.UTF8.GetBytes(yaml.ToString());
    }

    /// <summary>The app's own shapes and every shape a listed entry is written in, but the built-in problem, by name.</summary>
    private static List<BodyShape> Shapes(ErrorDescriptor[] errors, ApiErrorCatalog catalog)
    {
        var shapes = new SortedDictionary<string, BodyShape>(StringComparer.Ordinal);
        foreach (var shape in catalog.Declared.Shapes.Values.Append(catalog.DefaultShape).Concat(errors.Select(static e => e.Shape)))
        {
            if (shape.Name != BodyShape.ProblemName)
            {
                shapes.TryAdd(shape.Name, shape);
            }
        }

        return [.. shapes.Values];
    }

    private static void WriteEntry(StringBuilder yaml, ErrorDescriptor error, BodyShape defaultShape, HashSet<int> numbers)
    {
        yaml.Append("  - code: ").Append(Quote(error.Code)).Append('\n');
        if (error.NumericCode is { } number)
        {
            // A default entry may write a number the app's own entry has; a lookup by that number finds the app's
            // entry on the server, and a catalog file may hold each number once: the first, the app's, keeps it.
            yaml.Append(numbers.Add(number) ? "    numericCode: " : "    # also writes numericCode ").Append(number.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        yaml.Append("    status: ").Append(error.Status.ToString(CultureInfo.InvariantCulture)).Append('\n');
        yaml.Append("    title: ").Append(Quote(error.Title)).Append('\n');
        yaml.Append("    detail: ").Append(Quote(Template(error.Detail))).Append('\n');
        if (error.Resolution is { } resolution)
        {
            yaml.Append("    resolution: ").Append(Quote(resolution)).Append('\n');
        }

        yaml.Append("    type: ").Append(Quote(error.Type)).Append('\n');
        if (error.Refusal != Refusal.None)
        {
            yaml.Append("    refusal: ").Append(error.Refusal.ToString()).Append('\n');
        }

        if (error.Shape.Name != defaultShape.Name)
        {
            yaml.Append("    shape: ").Append(Quote(error.Shape.Name)).Append('\n');
        }

        // Every placeholder typed under args, in the descriptor's order: the detail names them untyped.
        if (error.Placeholders.Length > 0)
        {
            yaml.Append("    args:\n");
            foreach (var placeholder in error.Placeholders)
            {
                yaml.Append("      ").Append(Quote(placeholder.Name)).Append(": ").Append(DocsHtml.TypeName(placeholder.Kind)).Append('\n');
            }
        }

        if (error.Headers.Length > 0)
        {
            yaml.Append("    headers:\n");
            foreach (var header in error.Headers)
            {
                yaml.Append("      ").Append(Quote(header.Name)).Append(": ").Append(Quote(Template(header.Value))).Append('\n');
            }
        }
    }

    /// <summary>An object's properties, each on its own line at <paramref name="indent"/>; <c>{}</c> for none.</summary>
    private static void WriteChildren(StringBuilder yaml, ShapeNode node, int indent)
    {
        if (node.Children.Length == 0)
        {
            yaml.Append(" {}\n");
            return;
        }

        yaml.Append('\n');
        foreach (var child in node.Children)
        {
            yaml.Append(' ', indent);
            if (child.Kind == ShapeNodeKind.Arguments)
            {
                yaml.Append("$args: true\n");
                continue;
            }

            yaml.Append(Quote(child.Name ?? string.Empty)).Append(':');
            switch (child.Kind)
            {
                case ShapeNodeKind.Object:
                    WriteChildren(yaml, child, indent + 2);
                    continue;
                case ShapeNodeKind.Literal:
                    yaml.Append(' ').Append(Literal(child.LiteralJson));
                    break;
                case ShapeNodeKind.Template:
                    yaml.Append(' ').Append(Quote(Template(child.Template)));
                    break;
                default:
                    yaml.Append(' ').Append(Quote(child.Placeholder is { } placeholder ? "{" + placeholder + "}" : "{$" + SystemName(child.System) + "}"));
                    break;
            }

            yaml.Append('\n');
        }
    }

    /// <summary>A constant: a JSON string as a quoted text (braces doubled, or it would read as a template), else the JSON as it is.</summary>
    private static string Literal(byte[] json)
    {
        var reader = new Utf8JsonReader(json);
        reader.Read();
        return reader.TokenType == JsonTokenType.String
            ? Quote(reader.GetString()!.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal))
            : Encoding.UTF8.GetString(json);
    }

    /// <summary>A template as errors.yaml writes it: <c>{name}</c>, <c>{$code}</c>, literal braces doubled.</summary>
    private static string Template(TemplateSegment[] segments)
    {
        var text = new StringBuilder();
        foreach (var segment in segments)
        {
            if (segment.Utf8 is { } literal)
            {
                text.Append(Encoding.UTF8.GetString(literal).Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal));
            }
            else if (segment.Placeholder is { } name)
            {
                text.Append('{').Append(name).Append('}');
            }
            else
            {
                text.Append("{$").Append(SystemName(segment.System)).Append('}');
            }
        }

        return text.ToString();
    }

    /// <summary><c>RequestId</c> reads <c>requestId</c>, as errors.yaml names the value.</summary>
    private static string SystemName(SystemValue value)
    {
        var name = value.ToString();
        return char.ToLowerInvariant(name[0]) + name[1..];
    }

    /// <summary>A YAML double-quoted scalar: quotes, backslashes and every control or line-breaking character escaped.</summary>
    internal static string Quote(string text)
    {
        var quoted = new StringBuilder(text.Length + 2).Append('"');
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '"': quoted.Append("\\\""); break;
                case '\\': quoted.Append("\\\\"); break;
                case '\n': quoted.Append("\\n"); break;
                case '\r': quoted.Append("\\r"); break;
                case '\t': quoted.Append("\\t"); break;
                case var _ when char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]):
                    quoted.Append(c).Append(text[++i]);
                    break;
                case var _ when char.IsSurrogate(c):
                    quoted.Append('\uFFFD'); // a lone surrogate has no UTF-8 form
                    break;
                case var _ when char.IsControl(c) || c is '\u2028' or '\u2029' or '\uFEFF':
                    quoted.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                    break;
                default:
                    quoted.Append(c);
                    break;
            }
        }

        return quoted.Append('"').ToString();
    }
}
