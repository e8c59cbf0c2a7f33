using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using ErrorCatalog.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ErrorCatalog.Generator;

// YAML access and template parsing, each reporting at the node it read.
internal sealed partial class Parser
{
    private static string KeyOf(YamlNode key) => key is YamlScalarNode scalar ? scalar.Value ?? string.Empty : key.ToString();

    private static YamlNode? ValueOf(YamlMappingNode map, string key) =>
        map.Children.FirstOrDefault(e => KeyOf(e.Key) == key).Value;

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain, Value: null or "" or "~" or "null" };

    private string? RequireField(YamlMappingNode map, string key)
    {
        var node = ValueOf(map, key);
        if (node is null || IsNull(node))
        {
            Report(DiagnosticDescriptors.MissingField, node ?? map, key);
            return null;
        }

        var value = RequireScalar(node, key);
        if (value is { Length: 0 })
        {
            Report(DiagnosticDescriptors.MissingField, node, key);
            return null;
        }

        return value;
    }

    private string? OptionalScalar(YamlMappingNode map, string key)
    {
        var node = ValueOf(map, key);
        return node is null || IsNull(node) ? null : RequireScalar(node, key);
    }

    private string? RequireScalar(YamlNode node, string key)
    {
        if (node is YamlScalarNode scalar)
        {
            return scalar.Value ?? string.Empty;
        }

        Report(DiagnosticDescriptors.InvalidValue, node, key, "a single value");
        return null;
    }

    private string? RequireIdentifierPath(YamlNode node, string key)
    {
        var value = RequireScalar(node, key);
        if (value is null)
        {
            return null;
        }

        if (value.Split('.').All(IsIdentifier))
        {
            return value;
        }

        Report(DiagnosticDescriptors.InvalidValue, node, key, "a C# identifier (or dotted namespace)");
        return null;
    }

    /// <summary>
    /// Splits "You have used {used:int}/{limit} ({$plan})" into segments. <c>{{</c> and <c>}}</c> are literal
    /// braces. Inline types (<c>{used:int}</c>) are returned in <paramref name="inline"/>.
    /// </summary>
    private List<SegmentModel> ParseTemplate(string text, YamlNode node, bool allowSystem, out List<(string Name, string Type)> inline)
    {
        inline = [];
        var segments = new List<SegmentModel>();
        var literal = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '{' && i + 1 < text.Length && text[i + 1] == '{')
            {
                literal.Append('{');
                i++;
                continue;
            }

            if (c == '}' && i + 1 < text.Length && text[i + 1] == '}')
            {
                literal.Append('}');
                i++;
                continue;
            }

            if (c == '}')
            {
                Report(DiagnosticDescriptors.MalformedTemplate, node, text, "'}' without '{' (write '}}' for a literal brace)");
                return segments;
            }

            if (c != '{')
            {
                literal.Append(c);
                continue;
            }

            var end = text.IndexOf('}', i + 1);
            if (end < 0)
            {
                Report(DiagnosticDescriptors.MalformedTemplate, node, text, "'{' is never closed (write '{{' for a literal brace)");
                return segments;
            }

            if (literal.Length > 0)
            {
                segments.Add(new SegmentModel(SegmentKind.Literal, literal.ToString()));
                literal.Clear();
            }

            var body = text.Substring(i + 1, end - i - 1).Trim();
            i = end;
            if (body.StartsWith("$", StringComparison.Ordinal))
            {
                var name = body.Substring(1);
                if (!SystemValues.Contains(name) || name == "args" || (!allowSystem && name == "detail"))
                {
                    Report(DiagnosticDescriptors.UnknownSystemValue, node, name, string.Join(", ", SystemValues.Where(v => v != "args").Select(v => "$" + v)));
                    continue;
                }

                segments.Add(new SegmentModel(SegmentKind.System, name));
                continue;
            }

            var colon = body.IndexOf(':');
            var argument = colon < 0 ? body : body.Substring(0, colon).Trim();
            if (!IsIdentifier(argument))
            {
                Report(DiagnosticDescriptors.InvalidPlaceholderName, node, argument);
                continue;
            }

            if (colon >= 0)
            {
                inline.Add((argument, body.Substring(colon + 1).Trim()));
            }

            segments.Add(new SegmentModel(SegmentKind.Argument, argument));
        }

        if (literal.Length > 0 || segments.Count == 0)
        {
            segments.Add(new SegmentModel(SegmentKind.Literal, literal.ToString()));
        }

        return segments;
    }

    private void Report(DiagnosticDescriptor descriptor, YamlNode? node, params string[] args)
    {
        if (node is null)
        {
            Report(descriptor, Mark.Empty, Mark.Empty, args);
        }
        else
        {
            Report(descriptor, node.Start, node.End, args);
        }
    }

    private void Report(DiagnosticDescriptor descriptor, Mark start, Mark end, params string[] args)
    {
        // YamlDotNet marks are 1-based lines and columns; Roslyn's are 0-based.
        var startPosition = new LinePosition((int)Math.Max(0, start.Line - 1), (int)Math.Max(0, start.Column - 1));
        var endPosition = end.Line >= start.Line && end.Index >= start.Index
            ? new LinePosition((int)Math.Max(0, end.Line - 1), (int)Math.Max(0, end.Column - 1))
            : startPosition;
        var startIndex = (int)Math.Min(Math.Max(0, start.Index), _text.Length);
        var length = (int)Math.Min(Math.Max(0, end.Index - start.Index), _text.Length - startIndex);
        _diagnostics.Add(new DiagnosticInfo(
            descriptor.Id,
            new EquatableArray<string>(args),
            _path,
            new TextSpan(startIndex, length),
            new LinePositionSpan(startPosition, endPosition)));
    }
}
