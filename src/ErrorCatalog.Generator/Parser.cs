using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using ErrorCatalog.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ErrorCatalog.Generator;

/// <summary>errors.yaml -> <see cref="CatalogModel"/> and diagnostics located at the file's lines.</summary>
internal sealed partial class Parser
{
    /// <summary>Kept in step with ErrorCatalog.Refusal (a test compares them).</summary>
    internal static readonly string[] Refusals =
    [
        "KeyMissing", "KeyInvalid", "KeyRevoked", "KeyExpired", "KeyDisabled", "KeyInactive", "PaymentRequired",
        "PaymentExpired", "KeyRequired", "PlanNotAuthorized", "InsufficientScope", "IpNotAllowed", "MinuteLimit",
        "DailyLimit", "MonthlyLimit", "IpLimit", "ConcurrencyLimit", "CreditsLimit", "SubscriptionLimit", "StoreUnavailable",
        "InvalidRequest",
    ];

    /// <summary>Kept in step with ErrorCatalog.SystemValue (a test compares them).</summary>
    internal static readonly string[] SystemValues =
    [
        "type", "title", "status", "detail", "instance", "code", "numericCode", "resolution", "requestId", "timestamp",
        "elapsed", "creditCount", "plan", "args", "data", "details",
    ];

    internal static readonly string[] PlaceholderTypes = ["int", "long", "string", "seconds", "timestamp", "unixtime", "bool"];

    private static readonly string[] RootKeys = ["namespace", "className", "typeBase", "defaultShape", "shapes", "errors"];
    private static readonly string[] ErrorKeys =
        ["code", "numericCode", "status", "title", "detail", "resolution", "docs", "type", "refusal", "args", "headers", "shape"];
    /// <summary>Names the generated class and its nested classes use or inherit from object: no entry or shape member may take them.</summary>
    internal static readonly string[] ReservedMembers =
        ["Catalog", "Descriptors", "Shapes", "Equals", "GetHashCode", "GetType", "ToString", "ReferenceEquals", "MemberwiseClone", "Finalize"];

    private readonly string _path;
    private readonly string _text;
    private readonly CancellationToken _cancellationToken;
    private readonly List<DiagnosticInfo> _diagnostics = [];
    private YamlNode? _shapesNode;

    private Parser(string path, string text, CancellationToken cancellationToken)
    {
        _path = path;
        _text = text;
        _cancellationToken = cancellationToken;
    }

    public static ParseResult Parse(string path, string text, string? rootNamespace, CancellationToken cancellationToken)
    {
        var parser = new Parser(path, text, cancellationToken);
        CatalogModel? catalog;
        try
        {
            catalog = parser.ParseCatalog(rootNamespace);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Escaping, it would reach the user as warning CS8785 and the build would go on without the class.
            parser._diagnostics.Add(Failure(path, ex));
            catalog = null;
        }

        var failed = parser._diagnostics.Any(d => DiagnosticDescriptors.ById(d.Id).DefaultSeverity == DiagnosticSeverity.Error);
        return new ParseResult(path, failed ? null : catalog, new EquatableArray<DiagnosticInfo>(parser._diagnostics));
    }

    /// <summary>The generator's own failure, as an error at the top of the file.</summary>
    internal static DiagnosticInfo Failure(string path, Exception ex) => Failure(path, ex.GetType().Name, ex.Message);

    /// <summary>A file the generator could not read or parse, for a reason of its own.</summary>
    internal static ParseResult Failed(string path, string type, string message) =>
        new(path, null, new EquatableArray<DiagnosticInfo>([Failure(path, type, message)]));

    private static DiagnosticInfo Failure(string path, string type, string message) =>
        new(DiagnosticDescriptors.GeneratorFailed.Id, new EquatableArray<string>([type, message]), path, default, default);

    private CatalogModel? ParseCatalog(string? rootNamespace)
    {
        YamlMappingNode? root;
        var events = new BoundedYamlParser(new StringReader(_text));
        try
        {
            var stream = new YamlStream();
            stream.Load(events);
            root = stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode as YamlMappingNode;
            if (root is null)
            {
                Report(DiagnosticDescriptors.MalformedYaml, stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode, "the file must be a mapping with an 'errors' list");
                return null;
            }
        }
        catch (UnsupportedYamlException ex)
        {
            Report(DiagnosticDescriptors.UnsupportedYaml, ex.Start, ex.End, ex.Message);
            return null;
        }
        catch (YamlException ex)
        {
            var (start, end, message) = Describe(ex, events.LastEnd);
            Report(DiagnosticDescriptors.MalformedYaml, start, end, message);
            return null;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            // YamlDotNet throws these without a mark (a repeated key, a stream that ends mid-structure): the last event read is where it stopped.
            Report(DiagnosticDescriptors.MalformedYaml, events.LastEnd, events.LastEnd, ex is ArgumentException ? ex.Message : "the file ends before the structure opened above is complete");
            return null;
        }

        var ns = rootNamespace is { Length: > 0 } ? rootNamespace : "ErrorCatalog.Generated";
        var className = "ApiErrors";
        YamlNode? classNameNode = null;
        string? typeBase = null;
        string? defaultShape = null;
        YamlNode? defaultShapeNode = null;
        YamlMappingNode? shapesNode = null;
        YamlSequenceNode? errorsNode = null;

        foreach (var entry in root.Children)
        {
            var key = KeyOf(entry.Key);
            switch (key)
            {
                case "namespace":
                    ns = RequireIdentifierPath(entry.Value, key) ?? ns;
                    break;
                case "className":
                    if (RequireScalar(entry.Value, key) is { } name)
                    {
                        if (!IsIdentifier(name) || SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None || SyntaxFacts.GetContextualKeywordKind(name) != SyntaxKind.None)
                        {
                            Report(DiagnosticDescriptors.InvalidValue, entry.Value, key, "a C# identifier that is not a keyword");
                        }
                        else if (name is "Catalog" or "Descriptors" or "Shapes")
                        {
                            Report(DiagnosticDescriptors.ClassNameCollision, entry.Value, name, name == "Catalog" ? "the property 'Catalog'" : $"the nested class '{name}'");
                        }
                        else
                        {
                            className = name;
                            classNameNode = entry.Value;
                        }
                    }

                    break;
                case "typeBase":
                    typeBase = RequireScalar(entry.Value, key);
                    if (typeBase is { Length: > 0 } && !typeBase.EndsWith("/", StringComparison.Ordinal) && !typeBase.EndsWith("#", StringComparison.Ordinal))
                    {
                        typeBase += "/"; // the slug is a path segment: ".../errors" + "quota" must not become ".../errorsquota"
                    }

                    if (typeBase is not null && !IsAbsoluteUri(typeBase))
                    {
                        Report(DiagnosticDescriptors.BadTypeUri, entry.Value, typeBase);
                        typeBase = null;
                    }

                    break;
                case "defaultShape":
                    defaultShape = RequireScalar(entry.Value, key);
                    defaultShapeNode = entry.Value;
                    break;
                case "shapes":
                    shapesNode = entry.Value as YamlMappingNode;
                    if (shapesNode is null && !IsNull(entry.Value))
                    {
                        Report(DiagnosticDescriptors.InvalidValue, entry.Value, "shapes", "a mapping of shape names to shapes");
                    }

                    break;
                case "errors":
                    errorsNode = entry.Value as YamlSequenceNode;
                    if (errorsNode is null)
                    {
                        Report(DiagnosticDescriptors.InvalidValue, entry.Value, "errors", "a list of error entries");
                    }

                    break;
                default:
                    Report(DiagnosticDescriptors.UnknownKey, entry.Key, key);
                    break;
            }
        }

        if (errorsNode is null && !root.Children.Any(e => KeyOf(e.Key) == "errors"))
        {
            Report(DiagnosticDescriptors.MissingField, root, "errors");
        }

        var shapes = shapesNode is null ? [] : ParseShapes(shapesNode);
        var shapeNames = new HashSet<string>(shapes.Select(s => s.Name), StringComparer.Ordinal) { "problem" };
        if (defaultShape is not null && !shapeNames.Contains(defaultShape))
        {
            Report(DiagnosticDescriptors.UnknownShape, defaultShapeNode, defaultShape, string.Join(", ", shapeNames.OrderBy(n => n, StringComparer.Ordinal)));
        }

        var errors = errorsNode is null ? [] : ParseErrors(errorsNode, className, classNameNode, typeBase, shapeNames, shapes);
        return new CatalogModel(ns, className, defaultShape, new EquatableArray<ShapeModel>(shapes), new EquatableArray<ErrorModel>(errors));
    }

    private List<ErrorModel> ParseErrors(YamlSequenceNode sequence, string className, YamlNode? classNameNode, string? typeBase, HashSet<string> shapeNames, List<ShapeModel> shapes)
    {
        var errors = new List<ErrorModel>();
        var codes = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        var numbers = new Dictionary<int, string>();
        var refusals = new Dictionary<string, string>(StringComparer.Ordinal);
        var members = new Dictionary<string, string>(StringComparer.Ordinal);
        var shapeReferences = new HashSet<string>(shapes.SelectMany(s => ArgumentNames(s.Root)), StringComparer.Ordinal);

        foreach (var item in sequence.Children)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            if (item is not YamlMappingNode entry)
            {
                Report(DiagnosticDescriptors.InvalidValue, item, "errors[]", "a mapping with code, status and title");
                continue;
            }

            if (ParseError(entry, typeBase, shapeNames, shapeReferences) is not { } error)
            {
                continue;
            }

            var codeNode = ValueOf(entry, "code")!;
            if (codes.TryGetValue(error.Code, out var first))
            {
                Report(DiagnosticDescriptors.DuplicateCode, codeNode, error.Code, (first.Start.Line).ToString(CultureInfo.InvariantCulture));
                continue;
            }

            codes.Add(error.Code, codeNode);
            if (error.MemberName == className && classNameNode is not null)
            {
                // Both lines take part: the one the user just changed gets an error either way.
                Report(DiagnosticDescriptors.ClassNameCollision, classNameNode, className, $"the factory of '{error.Code}' (line {codeNode.Start.Line.ToString(CultureInfo.InvariantCulture)})");
            }

            if (members.TryGetValue(error.MemberName, out var owner) || ReservedMembers.Contains(error.MemberName) || error.MemberName == className)
            {
                Report(DiagnosticDescriptors.NameCollision, codeNode, error.Code, error.MemberName, owner ?? error.MemberName);
            }
            else
            {
                members.Add(error.MemberName, error.Code);
            }

            if (error.NumericCode is { } number)
            {
                if (numbers.TryGetValue(number, out var numberOwner))
                {
                    Report(DiagnosticDescriptors.DuplicateNumericCode, ValueOf(entry, "numericCode"), number.ToString(CultureInfo.InvariantCulture), numberOwner);
                }
                else
                {
                    numbers.Add(number, error.Code);
                }
            }

            if (error.Refusal is { } refusal)
            {
                if (refusals.TryGetValue(refusal, out var refusalOwner))
                {
                    Report(DiagnosticDescriptors.DuplicateRefusal, ValueOf(entry, "refusal"), refusal, refusalOwner);
                }
                else
                {
                    refusals.Add(refusal, error.Code);
                }
            }

            errors.Add(error);
        }

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

        return errors;
    }

    private YamlNode? FindShapeNode(string name) =>
        _shapesNode is YamlMappingNode map ? map.Children.FirstOrDefault(e => KeyOf(e.Key) == name).Key : null;

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

        var ok = true;
        if (!int.TryParse(statusText, NumberStyles.None, CultureInfo.InvariantCulture, out var status))
        {
            Report(DiagnosticDescriptors.InvalidValue, ValueOf(entry, "status"), "status", "an integer HTTP status");
            ok = false;
        }
        else if (status is < 400 or > 599)
        {
            Report(DiagnosticDescriptors.StatusOutOfRange, ValueOf(entry, "status"), statusText, code);
            ok = false;
        }

        int? numericCode = null;
        if (OptionalScalar(entry, "numericCode") is { } numberText)
        {
            if (int.TryParse(numberText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
            {
                numericCode = number;
            }
            else
            {
                Report(DiagnosticDescriptors.InvalidValue, ValueOf(entry, "numericCode"), "numericCode", "an integer");
                ok = false;
            }
        }

        // Placeholders: first those typed inline in the detail, in order, then those under args.
        var declared = new List<PlaceholderModel>();
        var byName = new Dictionary<string, PlaceholderModel>(StringComparer.Ordinal);
        var detailText = OptionalScalar(entry, "detail") ?? title;
        var detailNode = ValueOf(entry, "detail") ?? ValueOf(entry, "title")!;
        var detail = ParseTemplate(detailText, detailNode, allowSystem: false, out var detailInline);
        foreach (var (inlineName, inlineType) in detailInline)
        {
            ok &= Declare(declared, byName, inlineName, inlineType, code, detailNode);
        }

        if (ValueOf(entry, "args") is { } argsNode)
        {
            if (argsNode is YamlMappingNode args)
            {
                foreach (var arg in args.Children)
                {
                    ok &= Declare(declared, byName, KeyOf(arg.Key), RequireScalar(arg.Value, KeyOf(arg.Key)) ?? "string", code, arg.Key);
                }
            }
            else if (!IsNull(argsNode))
            {
                Report(DiagnosticDescriptors.InvalidValue, argsNode, "args", "a mapping of placeholder names to types");
                ok = false;
            }
        }

        var tooMany = declared.Count > 8;
        if (tooMany)
        {
            Report(DiagnosticDescriptors.TooManyPlaceholders, ValueOf(entry, "code"), code, declared.Count.ToString(CultureInfo.InvariantCulture));
            ok = false;
        }

        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var segment in detail.Where(s => s.Kind == SegmentKind.Argument))
        {
            used.Add(segment.Text);
            if (!byName.ContainsKey(segment.Text))
            {
                Report(DiagnosticDescriptors.UndeclaredPlaceholder, detailNode, segment.Text, code);
                ok = false;
            }
        }

        var headers = new List<HeaderModel>();
        if (ValueOf(entry, "headers") is { } headersNode)
        {
            if (headersNode is YamlMappingNode headerMap)
            {
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

                    foreach (var segment in value.Where(s => s.Kind == SegmentKind.Argument))
                    {
                        used.Add(segment.Text);
                        if (!byName.ContainsKey(segment.Text))
                        {
                            Report(DiagnosticDescriptors.UnknownHeaderPlaceholder, header.Value, name, code, segment.Text);
                            ok = false;
                        }
                    }

                    if (inline.Count > 0)
                    {
                        Report(DiagnosticDescriptors.MalformedTemplate, header.Value, header.Value.ToString(), "declare placeholder types in the detail or under args, not in a header");
                        ok = false;
                    }

                    headers.Add(new HeaderModel(name, new EquatableArray<SegmentModel>(value)));
                }
            }
            else
            {
                Report(DiagnosticDescriptors.InvalidValue, headersNode, "headers", "a mapping of header names to templates");
                ok = false;
            }
        }

        // Past the limit the entry is rejected already; a warning per unused placeholder would only bury that error.
        var declarations = tooMany ? [] : Declarations(entry);
        foreach (var placeholder in tooMany ? [] : declared)
        {
            // One of an unknown type was reported already (EC0006).
            if (!used.Contains(placeholder.Name) && !shapeReferences.Contains(placeholder.Name) && PlaceholderTypes.Contains(placeholder.Type))
            {
                Report(DiagnosticDescriptors.UnusedPlaceholder, declarations.TryGetValue(placeholder.Name, out var declaration) ? declaration : detailNode, placeholder.Name, code);
            }
        }

        string? refusal = null;
        if (OptionalScalar(entry, "refusal") is { } refusalText)
        {
            if (Refusals.Contains(refusalText))
            {
                refusal = refusalText;
            }
            else
            {
                Report(DiagnosticDescriptors.UnknownRefusal, ValueOf(entry, "refusal"), refusalText, string.Join(", ", Refusals));
                ok = false;
            }
        }

        string? shape = null;
        if (OptionalScalar(entry, "shape") is { } shapeText)
        {
            if (shapeNames.Contains(shapeText))
            {
                shape = shapeText;
            }
            else
            {
                Report(DiagnosticDescriptors.UnknownShape, ValueOf(entry, "shape"), shapeText, string.Join(", ", shapeNames.OrderBy(n => n, StringComparer.Ordinal)));
                ok = false;
            }
        }

        string type;
        if (OptionalScalar(entry, "type") is { } explicitType)
        {
            type = explicitType;
            if (!IsAbsoluteUri(type))
            {
                Report(DiagnosticDescriptors.BadTypeUri, ValueOf(entry, "type"), type);
                ok = false;
            }
        }
        else
        {
            var slug = OptionalScalar(entry, "docs") ?? Slug(code);
            type = typeBase is null ? "about:blank" : typeBase + Uri.EscapeDataString(slug).Replace("%2F", "/");
            if (typeBase is not null && !IsAbsoluteUri(type))
            {
                Report(DiagnosticDescriptors.BadTypeUri, ValueOf(entry, "docs") ?? ValueOf(entry, "code"), type);
                ok = false;
            }
        }

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
                new EquatableArray<PlaceholderModel>(declared),
                new EquatableArray<HeaderModel>(headers),
                shape)
            : null;
    }

    private bool Declare(List<PlaceholderModel> declared, Dictionary<string, PlaceholderModel> byName, string name, string type, string code, YamlNode node)
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
            if (!byName.ContainsKey(name))
            {
                // Kept, as for an unknown type below, so its uses are not reported again as undeclared.
                byName.Add(name, new PlaceholderModel(name, "string"));
                declared.Add(byName[name]);
            }

            return false;
        }

        if (!PlaceholderTypes.Contains(type))
        {
            Report(DiagnosticDescriptors.UnknownPlaceholderType, node, name, type);
            // Kept, so its uses are not reported again as "has no type" (EC0007/EC0011); the entry is
            // not emitted anyway, since this returns false.
            if (!byName.ContainsKey(name))
            {
                byName.Add(name, new PlaceholderModel(name, type));
                declared.Add(byName[name]);
            }

            return false;
        }

        if (!byName.TryGetValue(name, out var existing))
        {
            byName.Add(name, new PlaceholderModel(name, type));
            declared.Add(byName[name]);
            return true;
        }

        if (existing.Type != type)
        {
            Report(DiagnosticDescriptors.ConflictingPlaceholderType, node, name, code, existing.Type, type);
            return false;
        }

        return true;
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

    private static bool IsAbsoluteUri(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme is "http" or "https" or "urn" or "tag" || text == "about:blank");

    internal static bool IsIdentifier(string name) =>
        name.Length > 0 && (char.IsLetter(name[0]) || name[0] == '_') && name.All(c => char.IsLetterOrDigit(c) || c == '_') && name.All(c => c < 128);

    private static bool IsToken(string name) => name.Length > 0 && name.All(IsTokenChar);

    private static bool IsTokenChar(char c) => c is > ' ' and < (char)127 && "\"(),/:;<=>?@[\\]{}".IndexOf(c) < 0;

    private static IEnumerable<string> ArgumentNames(NodeModel node) =>
        node.Kind switch
        {
            NodeKind.Argument => [node.Text],
            NodeKind.Template => node.Template.Where(s => s.Kind == SegmentKind.Argument).Select(s => s.Text),
            NodeKind.Object => node.Children.SelectMany(ArgumentNames),
            _ => [],
        };
}
