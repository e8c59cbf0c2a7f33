using System.Globalization;

namespace ErrorCatalog.Generator;

// An entry's placeholders: declared inline in its detail ({used:int}) or under args, used by its detail and headers.
internal sealed partial class Parser
{
    /// <summary>ErrorArguments.Capacity: an error holds its placeholder values inline, without a heap array.</summary>
    private const int MaxPlaceholders = 8;

    /// <summary>The detail (the title when there is none) as a template, declaring the entry's placeholders.</summary>
    private bool TryParseDetail(YamlMappingNode entry, string code, string title, EntryPlaceholders placeholders, out List<SegmentModel> detail, out YamlNode detailNode)
    {
        var ok = true;
        var detailText = OptionalScalar(entry, "detail") ?? title;
        detailNode = ValueOf(entry, "detail") ?? ValueOf(entry, "title")!;
        detail = ParseTemplate(detailText, detailNode, allowSystem: false, out var detailInline);
        foreach (var (inlineName, inlineType) in detailInline)
        {
            ok &= Declare(placeholders, inlineName, inlineType, code, detailNode);
        }

        if (ValueOf(entry, "args") is { } argsNode)
        {
            if (argsNode is YamlMappingNode args)
            {
                foreach (var arg in args.Children)
                {
                    ok &= Declare(placeholders, KeyOf(arg.Key), RequireScalar(arg.Value, KeyOf(arg.Key)) ?? "string", code, arg.Key);
                }
            }
            else if (!IsNull(argsNode))
            {
                Report(DiagnosticDescriptors.InvalidValue, argsNode, "args", "a mapping of placeholder names to types");
                ok = false;
            }
        }

        if (placeholders.Declared.Count > MaxPlaceholders)
        {
            Report(DiagnosticDescriptors.TooManyPlaceholders, ValueOf(entry, "code"), code, placeholders.Declared.Count.ToString(CultureInfo.InvariantCulture));
            ok = false;
        }

        foreach (var name in placeholders.Use(detail))
        {
            Report(DiagnosticDescriptors.UndeclaredPlaceholder, detailNode, name, code);
            ok = false;
        }

        return ok;
    }

    private bool Declare(EntryPlaceholders placeholders, string name, string type, string code, YamlNode node)
    {
        if (!IsIdentifier(name))
        {
            Report(DiagnosticDescriptors.InvalidPlaceholderName, node, name);
            return false;
        }

        if (name == "Descriptors")
        {
            // A parameter of that name would hide the nested class the factory reads its descriptor from.
            Report(DiagnosticDescriptors.ReservedName, node, name, "placeholder");
            // Kept, as for an unknown type below, so its uses are not reported again as undeclared.
            placeholders.Add(name, "string");
            return false;
        }

        if (!PlaceholderTypes.Contains(type))
        {
            Report(DiagnosticDescriptors.UnknownPlaceholderType, node, name, type);
            // Kept, so its uses are not reported again as "has no type" (EC0007/EC0011); the entry is not emitted anyway.
            placeholders.Add(name, type);
            return false;
        }

        if (placeholders.Find(name) is not { } existing)
        {
            placeholders.Add(name, type);
            return true;
        }

        if (existing.Type != type)
        {
            Report(DiagnosticDescriptors.ConflictingPlaceholderType, node, name, code, existing.Type, type);
            return false;
        }

        return true;
    }

    private void ReportUnusedPlaceholders(YamlMappingNode entry, string code, YamlNode detailNode, EntryPlaceholders placeholders, HashSet<string> shapeReferences)
    {
        if (placeholders.Declared.Count > MaxPlaceholders)
        {
            // The entry is rejected already; a warning per unused placeholder would only bury that error.
            return;
        }

        var declarations = Declarations(entry);
        foreach (var placeholder in placeholders.Declared)
        {
            // One of an unknown type was reported already (EC0006).
            if (!placeholders.IsUsed(placeholder.Name) && !shapeReferences.Contains(placeholder.Name) && PlaceholderTypes.Contains(placeholder.Type))
            {
                Report(DiagnosticDescriptors.UnusedPlaceholder, declarations.TryGetValue(placeholder.Name, out var declaration) ? declaration : detailNode, placeholder.Name, code);
            }
        }
    }

    /// <summary>
    /// Warns at each placeholder of an entry answering <paramref name="refusal"/> that the middleware never fills, or
    /// fills as another type (<see cref="RefusalPlaceholders"/>): the body would read "3/ requests".
    /// </summary>
    private void ReportUnfilledRefusalPlaceholders(YamlMappingNode entry, string code, string? refusal, YamlNode detailNode, EntryPlaceholders placeholders)
    {
        if (refusal is null || !RefusalPlaceholders.ByRefusal.TryGetValue(refusal, out var filled) || placeholders.Declared.Count > MaxPlaceholders)
        {
            return;
        }

        var declarations = Declarations(entry);
        foreach (var placeholder in placeholders.Declared)
        {
            // One of an unknown type was reported already (EC0006).
            if (!PlaceholderTypes.Contains(placeholder.Type) || (filled.TryGetValue(placeholder.Name, out var types) && types.Contains(placeholder.Type)))
            {
                continue;
            }

            var hint = types is null
                ? $"the middleware fills: {string.Join(", ", filled.Keys)}"
                : $"the middleware fills '{placeholder.Name}' as {string.Join(", ", types)}, not {placeholder.Type}";
            Report(
                DiagnosticDescriptors.UnfilledRefusalPlaceholder,
                declarations.TryGetValue(placeholder.Name, out var declaration) ? declaration : detailNode,
                $"{placeholder.Name}:{placeholder.Type}",
                code,
                refusal,
                hint);
        }
    }

    /// <summary>The key nodes under args by name (one pass, not a search per placeholder).</summary>
    private static Dictionary<string, YamlNode> Declarations(YamlMappingNode entry)
    {
        var declarations = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        if (ValueOf(entry, "args") is YamlMappingNode args)
        {
            foreach (var key in args.Children.Keys)
            {
                declarations[KeyOf(key)] = key;
            }
        }

        return declarations;
    }
}
