namespace ErrorCatalog.Generator;

// headers: name -> template sent with the error, using the entry's placeholders and system values.
internal sealed partial class Parser
{
    private bool TryParseHeaders(YamlMappingNode entry, string code, EntryPlaceholders placeholders, out List<HeaderModel> headers)
    {
        headers = [];
        if (ValueOf(entry, "headers") is not { } headersNode)
        {
            return true;
        }

        if (headersNode is not YamlMappingNode headerMap)
        {
            Report(DiagnosticDescriptors.InvalidValue, headersNode, "headers", "a mapping of header names to templates");
            return false;
        }

        var ok = true;
        foreach (var header in headerMap.Children)
        {
            var name = KeyOf(header.Key);
            if (!IsToken(name))
            {
                Report(DiagnosticDescriptors.InvalidHeaderName, header.Key, name);
                ok = false;
                continue;
            }

            var value = ParseTemplate(RequireScalar(header.Value, name) ?? string.Empty, header.Value, allowSystem: true, out var inline);
            if (value.Any(s => s.Kind == SegmentKind.Literal && s.Text.Any(c => c is (< ' ' and not '\t') or > '~')))
            {
                // A line break would end the header and start another one in the response.
                Report(DiagnosticDescriptors.InvalidHeaderValue, header.Value, name, code);
                ok = false;
            }

            foreach (var undeclared in placeholders.Use(value))
            {
                Report(DiagnosticDescriptors.UnknownHeaderPlaceholder, header.Value, name, code, undeclared);
                ok = false;
            }

            if (inline.Count > 0)
            {
                Report(DiagnosticDescriptors.MalformedTemplate, header.Value, header.Value.ToString(), "declare placeholder types in the detail or under args, not in a header");
                ok = false;
            }

            headers.Add(new HeaderModel(name, new EquatableArray<SegmentModel>(value)));
        }

        return ok;
    }

    private static bool IsToken(string name) => name.Length > 0 && name.All(IsTokenChar);

    private static bool IsTokenChar(char c) => c is > ' ' and < (char)127 && "\"(),/:;<=>?@[\\]{}".IndexOf(c) < 0;
}
