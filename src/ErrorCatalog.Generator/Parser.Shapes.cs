using System.Globalization;
using YamlDotNet.Core;

namespace ErrorCatalog.Generator;

// shapes: name -> { contentType, body }. A body is a JSON object template:
//   "{name}" / "{$code}" alone -> that value with its own JSON type (left out when absent);
//   text with placeholders     -> a string;
//   plain 0, true, null, 1.5   -> that JSON literal; quoted or other text -> a string literal;
//   key "$args"                -> every placeholder of the error, spread into the object.
internal sealed partial class Parser
{
    private List<ShapeModel> ParseShapes(YamlMappingNode shapesNode)
    {
        _shapesNode = shapesNode;
        var shapes = new List<ShapeModel>();
        foreach (var entry in shapesNode.Children)
        {
            var name = KeyOf(entry.Key);
            if (entry.Value is not YamlMappingNode shape)
            {
                Report(DiagnosticDescriptors.InvalidValue, entry.Value, name, "a mapping with contentType and body");
                continue;
            }

            foreach (var key in shape.Children.Keys.Where(k => KeyOf(k) is not ("contentType" or "body")))
            {
                Report(DiagnosticDescriptors.UnknownKey, key, KeyOf(key));
            }

            var contentType = OptionalScalar(shape, "contentType") ?? "application/json";
            if (!IsMediaType(contentType))
            {
                // It becomes the Content-Type header and a string literal: a line break there splits both.
                Report(DiagnosticDescriptors.InvalidContentType, ValueOf(shape, "contentType"), contentType, name);
            }

            if (ValueOf(shape, "body") is not YamlMappingNode body)
            {
                Report(DiagnosticDescriptors.InvalidValue, ValueOf(shape, "body") ?? shape, name + ".body", "a mapping of JSON property names to values");
                continue;
            }

            shapes.Add(new ShapeModel(name, contentType, ParseObject(null, body)));
        }

        return shapes;
    }

    /// <summary>A shape placeholder no entry declares would never be filled: the shape names it by mistake.</summary>
    private void ReportShapePlaceholdersNeverDeclared(List<ShapeModel> shapes, List<ErrorModel> errors)
    {
        foreach (var shape in shapes)
        {
            foreach (var name in ArgumentNames(shape.Root).Distinct(StringComparer.Ordinal))
            {
                if (!errors.Any(e => e.Placeholders.Any(p => p.Name == name)))
                {
                    Report(DiagnosticDescriptors.ShapePlaceholderNeverDeclared, FindShapeNode(shape.Name), shape.Name, name);
                }
            }
        }
    }

    private YamlNode? FindShapeNode(string name) =>
        _shapesNode is YamlMappingNode map ? map.Children.FirstOrDefault(e => KeyOf(e.Key) == name).Key : null;

    private static IEnumerable<string> ArgumentNames(NodeModel node) =>
        node.Kind switch
        {
            NodeKind.Argument => [node.Text],
            NodeKind.Template => node.Template.Where(s => s.Kind == SegmentKind.Argument).Select(s => s.Text),
            NodeKind.Object => node.Children.SelectMany(ArgumentNames),
            _ => [],
        };

    private NodeModel ParseObject(string? name, YamlMappingNode map)
    {
        var children = new List<NodeModel>();
        foreach (var entry in map.Children)
        {
            var key = KeyOf(entry.Key);
            if (key == "$args")
            {
                children.Add(new NodeModel(NodeKind.Arguments, null, string.Empty, default, default));
                continue;
            }

            switch (entry.Value)
            {
                case YamlMappingNode child:
                    children.Add(ParseObject(key, child));
                    break;
                case YamlScalarNode scalar:
                    if (ParseScalar(key, scalar) is { } node)
                    {
                        children.Add(node);
                    }

                    break;
                default:
                    Report(DiagnosticDescriptors.InvalidValue, entry.Value, key, "an object, a value or a template (lists are not supported)");
                    break;
            }
        }

        return new NodeModel(NodeKind.Object, name, string.Empty, default, new EquatableArray<NodeModel>(children));
    }

    private NodeModel? ParseScalar(string name, YamlScalarNode scalar)
    {
        var text = scalar.Value ?? string.Empty;
        if (scalar.Style == ScalarStyle.Plain && IsJsonLiteral(text))
        {
            return new NodeModel(NodeKind.Literal, name, text is "~" or "" ? "null" : text, default, default);
        }

        if (!text.Contains('{') && !text.Contains('}'))
        {
            return new NodeModel(NodeKind.Literal, name, Emitter.JsonString(text), default, default);
        }

        var segments = ParseTemplate(text, scalar, allowSystem: true, out var inline);
        if (inline.Count > 0)
        {
            Report(DiagnosticDescriptors.MalformedTemplate, scalar, text, "declare placeholder types in an error's detail or args, not in a shape");
        }

        if (segments.Count == 1 && segments[0].Kind == SegmentKind.Argument)
        {
            return new NodeModel(NodeKind.Argument, name, segments[0].Text, default, default);
        }

        if (segments.Count == 1 && segments[0].Kind == SegmentKind.System)
        {
            return new NodeModel(NodeKind.System, name, segments[0].Text, default, default);
        }

        return new NodeModel(NodeKind.Template, name, string.Empty, new EquatableArray<SegmentModel>(segments), default);
    }

    /// <summary>RFC 9110 media-type: token "/" token *( OWS ";" OWS token "=" ( token / quoted-string ) ).</summary>
    internal static bool IsMediaType(string text)
    {
        var i = 0;
        if (!Token(text, ref i) || i >= text.Length || text[i++] != '/' || !Token(text, ref i))
        {
            return false;
        }

        while (true)
        {
            SkipSpaces(text, ref i);
            if (i == text.Length)
            {
                return true;
            }

            if (text[i++] != ';')
            {
                return false;
            }

            SkipSpaces(text, ref i);
            if (!Token(text, ref i) || i >= text.Length || text[i++] != '=')
            {
                return false;
            }

            if (i < text.Length && text[i] == '"')
            {
                for (i++; i < text.Length && text[i] != '"'; i++)
                {
                    if (text[i] == '\\')
                    {
                        i++;
                    }

                    if (i >= text.Length || text[i] is < ' ' and not '\t' or (char)127 or > '~')
                    {
                        return false;
                    }
                }

                if (i++ >= text.Length)
                {
                    return false;
                }
            }
            else if (!Token(text, ref i))
            {
                return false;
            }
        }
    }

    private static bool Token(string text, ref int i)
    {
        var start = i;
        while (i < text.Length && IsTokenChar(text[i]))
        {
            i++;
        }

        return i > start;
    }

    private static void SkipSpaces(string text, ref int i)
    {
        while (i < text.Length && text[i] is ' ' or '\t')
        {
            i++;
        }
    }

    private static bool IsJsonLiteral(string text) =>
        text is "null" or "~" or "" or "true" or "false"
        || (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _) && text.All(c => char.IsDigit(c) || c is '-' or '.' or 'e' or 'E' or '+') && char.IsDigit(text[text.Length - 1]) && (char.IsDigit(text[0]) || text[0] == '-'));
}
