using System.Collections.Frozen;

namespace ErrorCatalog;

// An application's catalog over the library's defaults: what the application declares answers, the rest falls back.
public sealed partial class ApiErrorCatalog
{
    /// <summary>
    /// The catalog the application declared: this one, or for an overlay (<see cref="Over"/>) the catalog laid over
    /// the defaults, so a caller can tell its own entries from the defaults' (<see cref="IsFallback"/>).
    /// </summary>
    internal ApiErrorCatalog Declared { get; }

    /// <summary>
    /// This catalog over <paramref name="defaults"/>: lookups by code, numeric code, refusal and shape answer from
    /// this catalog first, then from the defaults. A default entry whose code or refusal this catalog declares is
    /// left out; the others are copied into the overlay, written in this catalog's default shape so that every body
    /// of the API has the application's shape.
    /// </summary>
    internal ApiErrorCatalog Over(ApiErrorCatalog defaults)
    {
        ArgumentNullException.ThrowIfNull(defaults);

        // An overlay already lies over the defaults: laying it again would take its copies for the application's own.
        return ReferenceEquals(this, defaults.Declared) || !ReferenceEquals(this, Declared) ? this : new ApiErrorCatalog(this, defaults.Declared);
    }

    /// <summary>Whether <paramref name="error"/> came from the defaults rather than the declared catalog.</summary>
    internal bool IsFallback(ErrorDescriptor error) => !ReferenceEquals(error.Catalog, Declared);

    private ApiErrorCatalog(ApiErrorCatalog declared, ApiErrorCatalog defaults)
    {
        Declared = declared;
        var shapeMap = new Dictionary<string, BodyShape>(defaults._shapes, StringComparer.Ordinal);
        foreach (var (name, shape) in declared._shapes)
        {
            shapeMap[name] = shape;
        }

        _shapes = shapeMap.ToFrozenDictionary(StringComparer.Ordinal);
        DefaultShape = declared.DefaultShape;

        var byCode = new Dictionary<string, ErrorDescriptor>(declared._byCode, StringComparer.Ordinal);
        var byNumber = new Dictionary<int, ErrorDescriptor>(declared._byNumericCode);
        _byRefusal = (ErrorDescriptor?[])declared._byRefusal.Clone();
        var errors = new List<ErrorDescriptor>(declared.Errors);
        foreach (var entry in defaults.Errors)
        {
            if (byCode.ContainsKey(entry.Code) || (entry.Refusal != Refusal.None && _byRefusal[(int)entry.Refusal] is not null))
            {
                continue;
            }

            var copy = Copy(entry, entry.ShapeName is { } name && _shapes.TryGetValue(name, out var own) ? own : DefaultShape);
            byCode[copy.Code] = copy;
            if (copy.NumericCode is { } number)
            {
                // A number the application uses for its own entry stays its entry's; the default entry still writes it.
                byNumber.TryAdd(number, copy);
            }

            if (copy.Refusal != Refusal.None)
            {
                _byRefusal[(int)copy.Refusal] = copy;
            }

            errors.Add(copy);
        }

        _byCode = byCode.ToFrozenDictionary(StringComparer.Ordinal);
        _byNumericCode = byNumber.ToFrozenDictionary();
        Errors = errors;
    }

    private ErrorDescriptor Copy(ErrorDescriptor entry, BodyShape shape) => new(
        entry.Code,
        entry.NumericCode,
        entry.Status,
        entry.Title,
        entry.Detail,
        entry.Resolution,
        entry.Type,
        entry.Refusal,
        entry.Placeholders,
        entry.Headers,
        entry.ShapeName)
    {
        Catalog = this,
        Shape = shape,
    };
}
