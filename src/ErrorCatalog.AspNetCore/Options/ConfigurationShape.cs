using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace ErrorCatalog.Middleware;

/// <summary>
/// Checks the configuration section against the shape of <see cref="ApiErrorCatalogOptions"/> before its bound values
/// are trusted. The configuration binder silently drops or resets what does not fit, and each such case left a key or
/// limit unchecked: a misspelt name (<c>PermitLimt</c>: the permit stays 0), a value where an object or array belongs
/// (<c>"AllowedIps": "10.0.0.1"</c>, <c>"IpLimit": "600/minute"</c>), an enum as a number (<c>"State": 99</c> or
/// <c>"5"</c>), a <c>null</c> that resets a value to its default, an element it cannot convert. Every problem is
/// reported with its configuration path.
/// </summary>
internal static class ConfigurationShape
{
    // NullabilityInfoContext is not thread-safe (apps and test hosts may start in parallel): a context per lookup,
    // the answers kept, as they never change.
    private static readonly ConcurrentDictionary<PropertyInfo, bool> NullableReferences = new();

    /// <summary>Adds each problem of <paramref name="section"/> to <paramref name="errors"/>.</summary>
    public static void Check(IConfiguration section, string path, List<string> errors) =>
        CheckObject(section, null, path, typeof(ApiErrorCatalogOptions), new Problems(errors, new HashSet<string>(StringComparer.OrdinalIgnoreCase)));

    private static void CheckValue(IConfigurationSection node, string path, Type type, bool nullable, Problems problems)
    {
        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            type = underlying;
            nullable = true;
        }

        if (IsScalar(type))
        {
            CheckScalar(node, path, type, nullable, problems);
        }
        else if (CollectionTypes(type) is { } collection)
        {
            CheckCollection(node, path, collection.Key, collection.Element, problems);
        }
        else
        {
            CheckObject(node, node.Value, path, type, problems);
        }
    }

    private static void CheckScalar(IConfigurationSection node, string path, Type type, bool nullable, Problems problems)
    {
        if (node.GetChildren().Any())
        {
            problems.Add(path, $"{path} must be a single value ({Describe(type)}), not an object or array.");
            return;
        }

        // JSON null binds as the type's default (a permit of 0, the Active state), not as "leave the default".
        if (node.Value is not { } text)
        {
            if (!nullable)
            {
                problems.Add(path, $"{path} is null; give {Describe(type)}, or leave the setting out for its default.");
            }

            return;
        }

        if (type.IsEnum)
        {
            if (!IsEnumText(type, text))
            {
                problems.Add(path, $"{path} '{text}' is not {Describe(type)} (numbers are not accepted).");
            }

            return;
        }

        try
        {
            var value = node.Get(type);
            if (value is DateTimeOffset && !HasOffset(text))
            {
                problems.Add(path, $"{path} '{text}' has no UTC offset, so it would depend on the server's time zone; write {Describe(type)}.");
            }
        }
        catch (InvalidOperationException)
        {
            problems.Add(path, $"{path} '{text}' is not {Describe(type)}.");
        }
    }

    private static void CheckCollection(IConfigurationSection node, string path, Type? keyType, Type element, Problems problems)
    {
        // An empty array ([]) reads as an empty value; a collection given as text is dropped by the binder.
        if (!string.IsNullOrEmpty(node.Value))
        {
            problems.Add(path, keyType is null
                ? $"{path} must be an array ([ ... ]), not the value '{node.Value}'."
                : $"{path} must be an object of named entries ({{ ... }}), not the value '{node.Value}'.");
            return;
        }

        foreach (var child in node.GetChildren())
        {
            var childPath = $"{path}:{child.Key}";

            // Item numbers may leave gaps (an override adding ApiKeys:100), but a name means an object was given.
            if (keyType is null && !uint.TryParse(child.Key, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                problems.Add(childPath, $"{path} must be an array ([ ... ]); '{child.Key}' is not an item number.");
                return;
            }
            if (keyType is not null && keyType != typeof(string) && !IsConvertible(child.Key, keyType))
            {
                problems.Add(childPath, $"{childPath}: '{child.Key}' is not {Describe(keyType)}.");
                continue;
            }

            if (child.Value is null && !child.GetChildren().Any())
            {
                problems.Add(childPath, element == typeof(PlanOptions)
                    ? $"{childPath} is empty (null or {{}}); give the plan its Limits, or declare \"Unlimited\": true for a plan without limits."
                    : IsScalar(element)
                        ? $"{childPath} is null; give {Describe(element)} or remove the entry."
                        : $"{childPath} is empty (null or {{}}); give its settings or remove the entry.");
                continue;
            }

            CheckValue(child, childPath, element, nullable: false, problems);
        }
    }

    private static void CheckObject(IConfiguration node, string? value, string path, Type type, Problems problems)
    {
        if (value is not null)
        {
            // An object given as text (or as []) is dropped whole by the binder: "IpLimit": "600/minute" meant no IP limit.
            problems.Add(path, $"{path} must be an object ({{ \"{SettingName(Settings(type)[0])}\": ... }}), not the value '{value}'.");
            return;
        }

        var settings = Settings(type);
        var listed = settings.Where(static p => !IsFormerName(p)).ToArray(); // a former name is read, never suggested
        var unknown = false;
        foreach (var child in node.GetChildren())
        {
            var childPath = $"{path}:{child.Key}";
            var property = settings.FirstOrDefault(p => string.Equals(SettingName(p), child.Key, StringComparison.OrdinalIgnoreCase));
            if (property is null)
            {
                unknown = true;
                problems.Add(childPath, $"{childPath} is not a setting{Suggest(child.Key, listed)}; {Name(type)} has {string.Join(", ", listed.Select(SettingName))}.");
            }
            else if (property.PropertyType == typeof(ApiErrorCatalog))
            {
                problems.Add(childPath, $"{childPath} cannot be configured; set it in code (options.Catalog = ApiErrors.Catalog).");
            }
            else
            {
                CheckValue(child, childPath, property.PropertyType, IsNullable(property), problems);
            }
        }

        if (type == typeof(ApiErrorCatalogOptions))
        {
            foreach (var (former, current) in RenamedSettingsCheck.Renamed)
            {
                if (node.GetSection(former).Exists() && node.GetSection(current).Exists())
                {
                    // Both bind into one object, the former name last: neither would mean what it says.
                    problems.Add($"{path}:{former}", $"{path}:{former} is the former name of {path}:{current}, and both are set; keep {current} only.");
                }
            }
        }

        if (type == typeof(LimitOptions) && !unknown && node.GetSection(nameof(LimitOptions.PermitLimit)).Value is null
            && !problems.Has($"{path}:{nameof(LimitOptions.PermitLimit)}"))
        {
            // Left out, it is 0: every request refused ("0/0"). A misspelt name beside it is already the reason given.
            problems.Add($"{path}:{nameof(LimitOptions.PermitLimit)}", $"{path}:{nameof(LimitOptions.PermitLimit)} must be set (0 refuses every request; write it to mean that).");
        }

        if (type == typeof(ApiErrorCatalogOptions) && node.GetSection($"{nameof(ApiErrorCatalogOptions.IpLimit)}:{nameof(LimitOptions.Scope)}").Value is { } scope
            && !string.Equals(scope, nameof(LimitScope.Ip), StringComparison.OrdinalIgnoreCase))
        {
            var scopePath = $"{path}:{nameof(ApiErrorCatalogOptions.IpLimit)}:{nameof(LimitOptions.Scope)}";
            problems.Add(scopePath, $"{scopePath} '{scope}' cannot apply: the IP limit counts per client IP address (Ip); leave Scope out.");
        }
    }

    /// <summary>The type's settings, a base type's first (a configured key's record, then its hash).</summary>
    private static PropertyInfo[] Settings(Type type) =>
        [.. type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(static p => p.GetMethod is { IsPublic: true } && p.GetIndexParameters().Length == 0)
            .OrderBy(static p => Depth(p.DeclaringType))];

    private static bool IsFormerName(PropertyInfo property) =>
        property.GetCustomAttribute<System.ComponentModel.EditorBrowsableAttribute>()?.State == System.ComponentModel.EditorBrowsableState.Never;

    private static int Depth(Type? type) => type is null ? 0 : 1 + Depth(type.BaseType);

    /// <summary>The name the binder reads the property from (<c>Subscription</c> for a key's SubscriptionId).</summary>
    private static string SettingName(PropertyInfo property) =>
        property.GetCustomAttribute<ConfigurationKeyNameAttribute>()?.Name ?? property.Name;

    private static bool IsNullable(PropertyInfo property) =>
        Nullable.GetUnderlyingType(property.PropertyType) is not null
        || (!property.PropertyType.IsValueType
            && NullableReferences.GetOrAdd(property, static p => new NullabilityInfoContext().Create(p).WriteState == NullabilityState.Nullable));

    private static bool IsScalar(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan)
        || type == typeof(DateTimeOffset) || type == typeof(DateTime) || type == typeof(Uri) || type == typeof(Guid);

    /// <summary>The key type (null for a list) and element type of a dictionary or list.</summary>
    private static (Type? Key, Type Element)? CollectionTypes(Type type)
    {
        if (type.IsArray)
        {
            return (null, type.GetElementType()!);
        }

        if (!type.IsGenericType)
        {
            return null;
        }

        var definition = type.GetGenericTypeDefinition();
        var arguments = type.GetGenericArguments();
        if (definition == typeof(Dictionary<,>) || definition == typeof(IDictionary<,>) || definition == typeof(IReadOnlyDictionary<,>))
        {
            return (arguments[0], arguments[1]);
        }

        return definition == typeof(List<>) || definition == typeof(IList<>) || definition == typeof(IReadOnlyList<>)
            || definition == typeof(ICollection<>) || definition == typeof(IEnumerable<>) || definition == typeof(HashSet<>)
            ? (null, arguments[0])
            : null;
    }

    /// <summary>Enum names only, any case; a [Flags] enum takes several, comma-separated. Numbers would bind unchecked.</summary>
    private static bool IsEnumText(Type type, string text)
    {
        var names = Enum.GetNames(type);
        var parts = type.IsDefined(typeof(FlagsAttribute), inherit: false) ? text.Split(',', StringSplitOptions.TrimEntries) : [text];
        return parts.All(part => names.Any(name => string.Equals(name, part, StringComparison.OrdinalIgnoreCase)));
    }

    private static bool HasOffset(string text) =>
        DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var time) && time.Kind != DateTimeKind.Unspecified;

    private static bool IsConvertible(string text, Type type)
    {
        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            type = underlying;
        }

        try
        {
            _ = new ConfigurationBuilder().AddInMemoryCollection([new("v", text)]).Build().GetSection("v").Get(type);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static string Describe(Type type)
    {
        if (type.IsEnum)
        {
            var names = string.Join(", ", Enum.GetNames(type));
            return type.IsDefined(typeof(FlagsAttribute), inherit: false)
                ? $"names among {names}, separated by commas"
                : $"one of {names}";
        }

        return Type.GetTypeCode(type) switch
        {
            TypeCode.Boolean => "true or false",
            TypeCode.Byte or TypeCode.SByte or TypeCode.Int16 or TypeCode.UInt16 or TypeCode.Int32 or TypeCode.UInt32
                or TypeCode.Int64 or TypeCode.UInt64 => "a whole number",
            TypeCode.Single or TypeCode.Double or TypeCode.Decimal => "a number",
            TypeCode.String => "a text",
            _ when type == typeof(TimeSpan) => "a time span such as 00:01:00",
            _ when type == typeof(DateTimeOffset) => "a date and time with its UTC offset, such as 2027-01-01T00:00:00Z",
            _ => $"a {type.Name}",
        };
    }

    private static string Name(Type type) => type.Name switch
    {
        nameof(ApiErrorCatalogOptions) => "the section",
        nameof(LimitOptions) => "a limit",
        nameof(PlanOptions) => "a plan",
        nameof(SubscriptionOptions) => "a subscription",
        nameof(ConfiguredApiKey) => "a key",
        nameof(ApiKeyReadingOptions) => "KeyReading",
        nameof(JsonRpcOptions) => "JsonRpc",
        nameof(RedisOptions) => "Redis",
        _ => type.Name,
    };

    /// <summary>The closest setting name, when the unknown one looks like a misspelling of it.</summary>
    private static string Suggest(string name, PropertyInfo[] settings) =>
        ClosestName.Find(name, settings.Select(SettingName)) is { } closest ? $" (did you mean {closest}?)" : string.Empty;

    /// <summary>The problems found, and their paths (so a setting is reported once).</summary>
    private readonly struct Problems(List<string> errors, HashSet<string> paths)
    {
        public void Add(string path, string message)
        {
            errors.Add(message);
            paths.Add(path);
        }

        public bool Has(string path) => paths.Contains(path);
    }
}
