using System.IO;
using System.Threading;
using Microsoft.CodeAnalysis.CSharp;
using YamlDotNet.Core;

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

    /// <summary>
    /// Parses a file into its model; <paramref name="namespaceOverride"/> (the project's item metadata) wins over the
    /// file's <c>namespace:</c>, which wins over <paramref name="rootNamespace"/>.
    /// </summary>
    public static ParseResult Parse(string path, string text, string? rootNamespace, CancellationToken cancellationToken, string? namespaceOverride = null)
    {
        var parser = new Parser(path, text, cancellationToken);
        CatalogModel? catalog;
        try
        {
            catalog = parser.ParseCatalog(rootNamespace);
            if (catalog is not null && namespaceOverride is not null)
            {
                catalog = catalog with { Namespace = namespaceOverride };
            }
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
        if (LoadRoot() is not { } root)
        {
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
                    if (ParseClassName(entry.Value, key) is { } name)
                    {
                        className = name;
                        classNameNode = entry.Value;
                    }

                    break;
                case "typeBase":
                    typeBase = ParseTypeBase(entry.Value, key);
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

    /// <summary>The file's top-level mapping, or null with the YAML problem reported where it is.</summary>
    private YamlMappingNode? LoadRoot()
    {
        var events = new BoundedYamlParser(new StringReader(_text));
        try
        {
            var stream = new YamlStream();
            stream.Load(events);
            var root = stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode as YamlMappingNode;
            if (root is null)
            {
                Report(DiagnosticDescriptors.MalformedYaml, stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode, "the file must be a mapping with an 'errors' list");
            }

            return root;
        }
        catch (UnsupportedYamlException ex)
        {
            Report(DiagnosticDescriptors.UnsupportedYaml, ex.Start, ex.End, ex.Message);
        }
        catch (YamlException ex)
        {
            var (start, end, message) = Describe(ex, events.LastEnd);
            Report(DiagnosticDescriptors.MalformedYaml, start, end, message);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            // YamlDotNet throws these without a mark (a repeated key, a stream that ends mid-structure): the last event read is where it stopped.
            Report(DiagnosticDescriptors.MalformedYaml, events.LastEnd, events.LastEnd, ex is ArgumentException ? ex.Message : "the file ends before the structure opened above is complete");
        }

        return null;
    }

    /// <summary>The generated class's name, or null when it is not one (reported).</summary>
    private string? ParseClassName(YamlNode node, string key)
    {
        if (RequireScalar(node, key) is not { } name)
        {
            return null;
        }

        if (!IsIdentifier(name) || SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None || SyntaxFacts.GetContextualKeywordKind(name) != SyntaxKind.None)
        {
            Report(DiagnosticDescriptors.InvalidValue, node, key, "a C# identifier that is not a keyword");
            return null;
        }

        if (name is "Catalog" or "Descriptors" or "Shapes")
        {
            Report(DiagnosticDescriptors.ClassNameCollision, node, name, name == "Catalog" ? "the property 'Catalog'" : $"the nested class '{name}'");
            return null;
        }

        return name;
    }

    /// <summary>The base URI of the entries' types, ending in a separator; null when absent or not a type URI (reported).</summary>
    private string? ParseTypeBase(YamlNode node, string key)
    {
        var typeBase = RequireScalar(node, key);
        if (typeBase is { Length: > 0 } && !typeBase.EndsWith("/", StringComparison.Ordinal) && !typeBase.EndsWith("#", StringComparison.Ordinal))
        {
            typeBase += "/"; // the slug is a path segment: ".../errors" + "quota" must not become ".../errorsquota"
        }

        if (typeBase is not null && !IsTypeUri(typeBase))
        {
            Report(DiagnosticDescriptors.BadTypeUri, node, typeBase);
            return null;
        }

        return typeBase;
    }

    /// <summary>
    /// An absolute URI, or a path from the API's own root (<c>/errors/</c>): the docs route of <c>MapErrorCatalogDocs</c>,
    /// so a body's type opens on the server that wrote it. Relative paths (<c>errors/</c>) would resolve differently per request.
    /// </summary>
    private static bool IsTypeUri(string text) =>
        IsRootPath(text)
        || (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme is "http" or "https" or "urn" or "tag" || text == "about:blank"));

    // On Unix, Uri reads "/errors/a" as a file path, so a root path is checked by its characters.
    private static bool IsRootPath(string text) =>
        text.Length > 1 && text[0] == '/' && text[1] != '/' && text.All(static c => c > ' ' && c < 127 && c != '\\' && c != '"' && c != '<' && c != '>');

    internal static bool IsIdentifier(string name) =>
        name.Length > 0 && (char.IsLetter(name[0]) || name[0] == '_') && name.All(c => char.IsLetterOrDigit(c) || c == '_') && name.All(c => c < 128);
}
