using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using YamlDotNet.Core;

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

        if (value.Split('.').All(part => IsIdentifier(part) && SyntaxFacts.GetKeywordKind(part) == SyntaxKind.None))
        {
            return value;
        }

        Report(DiagnosticDescriptors.InvalidValue, node, key, "a C# identifier or dotted namespace, without keywords");
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

    /// <summary>YamlDotNet's wording of common mistakes, and what each means in an errors.yaml.</summary>
    private static readonly (string Yaml, string Meaning)[] Meanings =
    [
        ("double-quoted scalar, found wrong indentation", "the quoted value opened here runs on past its line: close the quote"),
        ("single-quoted scalar, found wrong indentation", "the quoted value opened here runs on past its line: close the quote"),
        ("did not find expected '-' indicator", "this line does not continue the list above it: check its indentation"),
        ("did not find expected key", "this line does not continue the entry above it: check its indentation, or a value holding ': ' or '#' that needs quotes"),
        ("mapping values are not allowed in this context", "a second ': ' on one line: quote a value that contains ': '"),
        ("found character that cannot start any token", "a value cannot start with this character unquoted: quote the value"),
        ("did not find expected <document start>", "text after the end of the top-level mapping: check its indentation"),
        ("did not find expected node content", "a key or '-' without a value where one is needed"),
        ("plain scalar value, found invalid mapping", "a 'key:' inside the value above: indent this line like the keys beside it, or quote a value that contains ': '"),
        ("multiline plain scalar, found invalid mapping", "a 'key:' inside the value above: indent this line like the keys beside it, or quote a value that contains ': '"),
        ("simple key, could not find expected ':'", "a line that is neither 'key: value' nor '- item': add the ':' or join it to the value above"),
    ];

    /// <summary>Where a YAML syntax error is and what it means for the file, in place of YamlDotNet's parser-state wording.</summary>
    private (Mark Start, Mark End, string Message) Describe(YamlException ex, Mark lastEnd)
    {
        var message = ex.InnerException?.Message ?? ex.Message;
        var start = ex.Start;
        var end = ex.End;
        if (start.Index == 0 && end.Index == 0)
        {
            start = end = lastEnd;
        }

        if (message.IndexOf("tab", StringComparison.OrdinalIgnoreCase) >= 0)
        {
            var tab = TabIndentedLine(end.Index > start.Index ? start : lastEnd);
            return (tab, tab, "a tab indents this line; indent errors.yaml with spaces");
        }

        if (message.IndexOf("quoted scalar, found unexpected end of stream", StringComparison.Ordinal) >= 0)
        {
            return (start, start, "the quoted value opened here is never closed");
        }

        if (message.StartsWith("Duplicate key ", StringComparison.Ordinal))
        {
            return (start, end, $"the key '{message.Substring("Duplicate key ".Length)}' appears twice in this mapping");
        }

        foreach (var (yaml, meaning) in Meanings)
        {
            if (message.IndexOf(yaml, StringComparison.Ordinal) >= 0)
            {
                return (start, end, $"{meaning} ({message.TrimEnd('.')})");
            }
        }

        return (start, end, message);
    }

    /// <summary>A value as a message shows it: a line break or control character in it would split the build's output line.</summary>
    private static string Printable(string text)
    {
        if (!text.Any(c => char.IsControl(c) || c is '\u2028' or '\u2029'))
        {
            return text;
        }

        var sb = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            _ = c switch
            {
                '\r' => sb.Append("\\r"),
                '\n' => sb.Append("\\n"),
                '\t' => sb.Append("\\t"),
                _ when char.IsControl(c) || c is '\u2028' or '\u2029' => sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)),
                _ => sb.Append(c),
            };
        }

        return sb.ToString();
    }

    /// <summary>The first tab in a line's indentation, from the line holding <paramref name="from"/> on.</summary>
    private Mark TabIndentedLine(Mark from)
    {
        var index = (int)Math.Min(Math.Max(0, from.Index), _text.Length);
        var lineStart = index == 0 ? 0 : _text.LastIndexOf('\n', index - 1) + 1;
        var line = Math.Max(1, from.Line);
        while (lineStart < _text.Length)
        {
            for (var i = lineStart; i < _text.Length && _text[i] is ' ' or '-' or '\t'; i++)
            {
                if (_text[i] == '\t')
                {
                    return new Mark(i, line, i - lineStart + 1);
                }
            }

            var next = _text.IndexOf('\n', lineStart);
            if (next < 0)
            {
                break;
            }

            lineStart = next + 1;
            line++;
        }

        return from;
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
            new EquatableArray<string>(args.Select(Printable)),
            _path,
            new TextSpan(startIndex, length),
            new LinePositionSpan(startPosition, endPosition)));
    }
}
