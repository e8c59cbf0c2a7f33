namespace ErrorCatalog.Generator;

/// <summary>Every diagnostic the generator reports. Ids are stable: users suppress and search for them.</summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "ErrorCatalog";

    public static readonly DiagnosticDescriptor MalformedYaml = Error("EC0001", "Malformed errors.yaml", "errors.yaml is not valid YAML: {0}");
    public static readonly DiagnosticDescriptor MissingField = Error("EC0002", "Missing required field", "Error entry is missing required field '{0}'");
    public static readonly DiagnosticDescriptor DuplicateCode = Error("EC0003", "Duplicate error code", "Error code '{0}' is already used on line {1}");
    public static readonly DiagnosticDescriptor DuplicateNumericCode = Error("EC0004", "Duplicate numeric code", "Numeric code {0} is already used by '{1}'");
    public static readonly DiagnosticDescriptor StatusOutOfRange = Error("EC0005", "Status is not an error status", "Status {0} of '{1}' is not between 400 and 599");
    public static readonly DiagnosticDescriptor UnknownPlaceholderType = Error("EC0006", "Unknown placeholder type", "Placeholder '{0}' has unknown type '{1}'; use one of: int, long, string, seconds, timestamp, unixtime, bool");
    public static readonly DiagnosticDescriptor UndeclaredPlaceholder = Error("EC0007", "Placeholder used but not declared", "Placeholder '{0}' of '{1}' has no type: write {{{0}:type}} once or declare it under args");
    public static readonly DiagnosticDescriptor UnusedPlaceholder = Warning("EC0008", "Placeholder declared but unused", "Placeholder '{0}' of '{1}' is declared but used in no detail, header or shape");
    public static readonly DiagnosticDescriptor UnknownShape = Error("EC0009", "Unknown body shape", "Shape '{0}' is not declared under shapes (declared: {1})");
    public static readonly DiagnosticDescriptor BadTypeUri = Error("EC0010", "Bad problem type URI", "Problem type '{0}' is neither an absolute URI nor a path from the site's root (/errors/...)");
    public static readonly DiagnosticDescriptor UnknownHeaderPlaceholder = Error("EC0011", "Header names an unknown placeholder", "Header '{0}' of '{1}' uses placeholder '{2}', which the entry does not declare");
    public static readonly DiagnosticDescriptor DuplicateRefusal = Error("EC0012", "Refusal answered twice", "Refusal '{0}' is already answered by '{1}'");
    public static readonly DiagnosticDescriptor UnknownRefusal = Error("EC0013", "Unknown refusal", "Refusal '{0}' is unknown; use one of: {1}");
    public static readonly DiagnosticDescriptor UnknownKey = Warning("EC0014", "Unknown key", "Key '{0}' is not part of the errors.yaml schema here and is ignored");
    public static readonly DiagnosticDescriptor InvalidValue = Error("EC0015", "Invalid value", "'{0}' must be {1}");
    public static readonly DiagnosticDescriptor TooManyPlaceholders = Error("EC0016", "Too many placeholders", "'{0}' declares {1} placeholders; at most 8 are allowed");
    public static readonly DiagnosticDescriptor NameCollision = Error("EC0017", "Generated name collision", "Code '{0}' becomes member '{1}', which '{2}' or the generated class already uses");
    public static readonly DiagnosticDescriptor InvalidHeaderName = Error("EC0018", "Invalid header name", "'{0}' is not a valid HTTP header name");
    public static readonly DiagnosticDescriptor UnknownSystemValue = Error("EC0019", "Unknown system value", "'${0}' is unknown; use one of: {1}");
    public static readonly DiagnosticDescriptor ConflictingPlaceholderType = Error("EC0020", "Conflicting placeholder types", "Placeholder '{0}' of '{1}' is declared as both '{2}' and '{3}'");
    public static readonly DiagnosticDescriptor MalformedTemplate = Error("EC0021", "Malformed template", "Template \"{0}\" is malformed: {1}");
    public static readonly DiagnosticDescriptor InvalidPlaceholderName = Error("EC0022", "Invalid placeholder name", "Placeholder name '{0}' must be a C# identifier (letters, digits, '_')");
    public static readonly DiagnosticDescriptor ShapePlaceholderNeverDeclared = Warning("EC0023", "Shape uses a placeholder no entry declares", "Shape '{0}' uses placeholder '{1}', which no entry declares, so the field is never written");

    public static readonly DiagnosticDescriptor UnsupportedYaml = Error("EC0024", "Unsupported YAML", "errors.yaml does not support {0}");
    public static readonly DiagnosticDescriptor ClassNameCollision = Error("EC0025", "Class name collides with a generated member", "className '{0}' is also the name of {1} inside the generated class; choose another className");
    public static readonly DiagnosticDescriptor InvalidContentType = Error("EC0026", "Invalid content type", "Content type \"{0}\" of shape '{1}' is not a media type: write type/subtype with optional ;name=value parameters, in visible ASCII");
    public static readonly DiagnosticDescriptor InvalidHeaderValue = Error("EC0027", "Invalid header value", "Header '{0}' of '{1}' has a control or non-ASCII character in its text; a header value is visible ASCII text");
    public static readonly DiagnosticDescriptor ReservedName = Error("EC0028", "Reserved name", "'{0}' is a name the generated code uses; choose another name for this {1}");
    public static readonly DiagnosticDescriptor UnfilledRefusalPlaceholder = Warning("EC0029", "Placeholder the middleware does not fill", "Placeholder '{0}' of '{1}' is never filled for refusal {2}, so it is written empty; {3}");
    public static readonly DiagnosticDescriptor GeneratorFailed = Error("EC0099", "The errors.yaml generator failed", "The errors.yaml generator failed ({0}: {1}); this is a bug in ErrorCatalog.Generator, please report it with the file");

    private static readonly Dictionary<string, DiagnosticDescriptor> All = typeof(DiagnosticDescriptors)
        .GetFields()
        .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
        .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
        .ToDictionary(d => d.Id);

    public static DiagnosticDescriptor ById(string id) => All[id];

    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    private static DiagnosticDescriptor Warning(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Warning, isEnabledByDefault: true);
}
