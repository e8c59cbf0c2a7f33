using System.Globalization;
using System.Text;

namespace ErrorCatalog.Generator;

// errors: each entry's fields, and what must be unique across entries.
internal sealed partial class Parser
{
    private List<ErrorModel> ParseErrors(YamlSequenceNode sequence, string className, YamlNode? classNameNode, string? typeBase, HashSet<string> shapeNames, List<ShapeModel> shapes)
    {
        var errors = new List<ErrorModel>();
        var taken = new EntryNames();
        var shapeReferences = new HashSet<string>(shapes.SelectMany(s => ArgumentNames(s.Root)), StringComparer.Ordinal);
        foreach (var item in sequence.Children)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            if (item is not YamlMappingNode entry)
            {
                Report(DiagnosticDescriptors.InvalidValue, item, "errors[]", "a mapping with code, status and title");
                continue;
            }

            if (ParseError(entry, typeBase, shapeNames, shapeReferences) is { } error && Claim(error, entry, taken, className, classNameNode))
            {
                errors.Add(error);
            }
        }

        ReportShapePlaceholdersNeverDeclared(shapes, errors);
        return errors;
    }

    /// <summary>Claims the entry's code, member name, number and refusal; false for a repeated code (the entry is dropped).</summary>
    private bool Claim(ErrorModel error, YamlMappingNode entry, EntryNames taken, string className, YamlNode? classNameNode)
    {
        var codeNode = ValueOf(entry, "code")!;
        if (taken.Codes.TryGetValue(error.Code, out var first))
        {
            Report(DiagnosticDescriptors.DuplicateCode, codeNode, error.Code, first.Start.Line.ToString(CultureInfo.InvariantCulture));
            return false;
        }

        taken.Codes.Add(error.Code, codeNode);
        if (error.MemberName == className && classNameNode is not null)
        {
            // Both lines take part: the one the user just changed gets an error either way.
            Report(DiagnosticDescriptors.ClassNameCollision, classNameNode, className, $"the factory of '{error.Code}' (line {codeNode.Start.Line.ToString(CultureInfo.InvariantCulture)})");
        }

        if (ReservedMembers.Contains(error.MemberName) || error.MemberName == className)
        {
            Report(DiagnosticDescriptors.NameCollision, codeNode, error.Code, error.MemberName, error.MemberName);
        }
        else if (FirstOwner(taken.Members, error.MemberName, error.Code) is { } owner)
        {
            Report(DiagnosticDescriptors.NameCollision, codeNode, error.Code, error.MemberName, owner);
        }

        if (error.NumericCode is { } number && FirstOwner(taken.Numbers, number, error.Code) is { } numberOwner)
        {
            Report(DiagnosticDescriptors.DuplicateNumericCode, ValueOf(entry, "numericCode"), number.ToString(CultureInfo.InvariantCulture), numberOwner);
        }

        if (error.Refusal is { } refusal && FirstOwner(taken.Refusals, refusal, error.Code) is { } refusalOwner)
        {
            Report(DiagnosticDescriptors.DuplicateRefusal, ValueOf(entry, "refusal"), refusal, refusalOwner);
        }

        return true;
    }

    /// <summary>The code that took <paramref name="key"/> first, or null after recording <paramref name="code"/> as taking it.</summary>
    private static string? FirstOwner<TKey>(Dictionary<TKey, string> owners, TKey key, string code)
    {
        if (owners.TryGetValue(key, out var owner))
        {
            return owner;
        }

        owners.Add(key, code);
        return null;
    }

    private ErrorModel? ParseError(YamlMappingNode entry, string? typeBase, HashSet<string> shapeNames, HashSet<string> shapeReferences)
    {
        foreach (var key in entry.Children.Keys)
        {
            if (!ErrorKeys.Contains(KeyOf(key)))
            {
                Report(DiagnosticDescriptors.UnknownKey, key, KeyOf(key));
            }
        }

        var code = RequireField(entry, "code");
        var statusText = RequireField(entry, "status");
        var title = RequireField(entry, "title");
        if (code is null || statusText is null || title is null)
        {
            return null;
        }

        var ok = TryParseStatus(entry, statusText, code, out var status);
        ok &= TryParseNumericCode(entry, out var numericCode);
        var placeholders = new EntryPlaceholders();
        ok &= TryParseDetail(entry, code, title, placeholders, out var detail, out var detailNode);
        ok &= TryParseHeaders(entry, code, placeholders, out var headers);
        ReportUnusedPlaceholders(entry, code, detailNode, placeholders, shapeReferences);
        ok &= TryParseRefusal(entry, out var refusal);
        ReportUnfilledRefusalPlaceholders(entry, code, refusal, detailNode, placeholders);
        ok &= TryParseShape(entry, shapeNames, out var shape);
        ok &= TryParseType(entry, code, typeBase, out var type);
        return ok
            ? new ErrorModel(
                code,
                MemberName(code),
                numericCode,
                status,
                title,
                new EquatableArray<SegmentModel>(detail),
                OptionalScalar(entry, "resolution"),
                type,
                refusal,
                new EquatableArray<PlaceholderModel>(placeholders.Declared),
                new EquatableArray<HeaderModel>(headers),
                shape)
            : null;
    }

    private bool TryParseStatus(YamlMappingNode entry, string statusText, string code, out int status)
    {
        if (!int.TryParse(statusText, NumberStyles.None, CultureInfo.InvariantCulture, out status))
        {
            Report(DiagnosticDescriptors.InvalidValue, ValueOf(entry, "status"), "status", "an integer HTTP status");
            return false;
        }

        if (status is < 400 or > 599)
        {
            Report(DiagnosticDescriptors.StatusOutOfRange, ValueOf(entry, "status"), statusText, code);
            return false;
        }

        return true;
    }

    private bool TryParseNumericCode(YamlMappingNode entry, out int? numericCode)
    {
        numericCode = null;
        if (OptionalScalar(entry, "numericCode") is not { } numberText)
        {
            return true;
        }

        if (!int.TryParse(numberText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            Report(DiagnosticDescriptors.InvalidValue, ValueOf(entry, "numericCode"), "numericCode", "an integer");
            return false;
        }

        numericCode = number;
        return true;
    }

    private bool TryParseRefusal(YamlMappingNode entry, out string? refusal)
    {
        refusal = OptionalScalar(entry, "refusal");
        if (refusal is null || Refusals.Contains(refusal))
        {
            return true;
        }

        Report(DiagnosticDescriptors.UnknownRefusal, ValueOf(entry, "refusal"), refusal, string.Join(", ", Refusals));
        refusal = null;
        return false;
    }

    private bool TryParseShape(YamlMappingNode entry, HashSet<string> shapeNames, out string? shape)
    {
        shape = OptionalScalar(entry, "shape");
        if (shape is null || shapeNames.Contains(shape))
        {
            return true;
        }

        Report(DiagnosticDescriptors.UnknownShape, ValueOf(entry, "shape"), shape, string.Join(", ", shapeNames.OrderBy(n => n, StringComparer.Ordinal)));
        shape = null;
        return false;
    }

    /// <summary>The entry's type URI: its own, else the type base and its docs slug (or its code's), else about:blank.</summary>
    private bool TryParseType(YamlMappingNode entry, string code, string? typeBase, out string type)
    {
        if (OptionalScalar(entry, "type") is { } explicitType)
        {
            type = explicitType;
            if (!IsTypeUri(type))
            {
                Report(DiagnosticDescriptors.BadTypeUri, ValueOf(entry, "type"), type);
                return false;
            }

            return true;
        }

        var slug = OptionalScalar(entry, "docs") ?? Slug(code);
        type = typeBase is null ? "about:blank" : typeBase + Uri.EscapeDataString(slug).Replace("%2F", "/");
        if (typeBase is not null && !IsTypeUri(type))
        {
            Report(DiagnosticDescriptors.BadTypeUri, ValueOf(entry, "docs") ?? ValueOf(entry, "code"), type);
            return false;
        }

        return true;
    }

    /// <summary>API_KEY_INVALID -> ApiKeyInvalid; rate_limit_exceeded -> RateLimitExceeded.</summary>
    internal static string MemberName(string code)
    {
        var builder = new StringBuilder(code.Length);
        foreach (var part in code.Split(['_', '-', '.', ' ', '/'], StringSplitOptions.RemoveEmptyEntries))
        {
            var clean = new string(part.Where(char.IsLetterOrDigit).ToArray());
            if (clean.Length == 0)
            {
                continue;
            }

            builder.Append(char.ToUpperInvariant(clean[0]));
            // Keep camel humps of mixed-case codes (notFound -> NotFound); lower ALLCAPS words.
            builder.Append(clean.Any(char.IsLower) ? clean.Substring(1) : clean.Substring(1).ToLowerInvariant());
        }

        if (builder.Length == 0 || char.IsDigit(builder[0]))
        {
            builder.Insert(0, 'E');
        }

        return builder.ToString();
    }

    private static string Slug(string code) => code.ToLowerInvariant().Replace('_', '-');
}
