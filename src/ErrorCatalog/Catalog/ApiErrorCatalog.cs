using System.Collections.Frozen;
using System.ComponentModel;

namespace ErrorCatalog;

/// <summary>
/// A compiled errors.yaml: its entries and body shapes, with lookups by code, numeric code and refusal.
/// The generator builds one per file (<c>ApiErrors.Catalog</c>).
/// </summary>
public sealed partial class ApiErrorCatalog
{
    private readonly FrozenDictionary<string, ErrorDescriptor> _byCode;
    private readonly FrozenDictionary<int, ErrorDescriptor> _byNumericCode;
    private readonly ErrorDescriptor?[] _byRefusal;
    private readonly FrozenDictionary<string, BodyShape> _shapes;

    /// <summary>Builds a catalog; called by generated code.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public ApiErrorCatalog(string? defaultShape, BodyShape[] shapes, ErrorDescriptor[] errors)
    {
        ArgumentNullException.ThrowIfNull(shapes);
        ArgumentNullException.ThrowIfNull(errors);

        var shapeMap = new Dictionary<string, BodyShape>(StringComparer.Ordinal) { [BodyShape.ProblemName] = BodyShape.Problem };
        foreach (var shape in shapes)
        {
            shapeMap[shape.Name] = shape;
        }

        _shapes = shapeMap.ToFrozenDictionary(StringComparer.Ordinal);
        DefaultShape = GetShape(defaultShape ?? BodyShape.ProblemName);

        var byCode = new Dictionary<string, ErrorDescriptor>(StringComparer.Ordinal);
        var byNumber = new Dictionary<int, ErrorDescriptor>();
        _byRefusal = new ErrorDescriptor?[Enum.GetValues<Refusal>().Length];
        foreach (var error in errors)
        {
            if (error.Catalog is not null)
            {
                throw new ArgumentException($"Error '{error.Code}' already belongs to a catalog.", nameof(errors));
            }

            if (!byCode.TryAdd(error.Code, error))
            {
                throw new ArgumentException($"Error code '{error.Code}' appears twice.", nameof(errors));
            }

            if (error.NumericCode is { } number && !byNumber.TryAdd(number, error))
            {
                throw new ArgumentException($"Numeric code {number} appears twice.", nameof(errors));
            }

            if (error.Refusal != Refusal.None)
            {
                if (_byRefusal[(int)error.Refusal] is not null)
                {
                    throw new ArgumentException($"Refusal {error.Refusal} is answered twice.", nameof(errors));
                }

                _byRefusal[(int)error.Refusal] = error;
            }

            error.Catalog = this;
            error.Shape = error.ShapeName is null ? DefaultShape : GetShape(error.ShapeName);
        }

        _byCode = byCode.ToFrozenDictionary(StringComparer.Ordinal);
        _byNumericCode = byNumber.ToFrozenDictionary();
        Errors = errors;
        Declared = this;
    }

    /// <summary>Every entry, in file order.</summary>
    public IReadOnlyList<ErrorDescriptor> Errors { get; }

    /// <summary>The shape entries are written with unless they or the endpoint name another.</summary>
    public BodyShape DefaultShape { get; }

    /// <summary>The shapes by name, the built-in <c>problem</c> included.</summary>
    public IReadOnlyDictionary<string, BodyShape> Shapes => _shapes;

    /// <summary>Finds an entry by machine code.</summary>
    public ErrorDescriptor? Find(string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        return _byCode.GetValueOrDefault(code);
    }

    /// <summary>Finds an entry by numeric code.</summary>
    public ErrorDescriptor? Find(int numericCode) => _byNumericCode.GetValueOrDefault(numericCode);

    /// <summary>The entry that answers a refusal, or null when the catalog answers none.</summary>
    public ErrorDescriptor? Find(Refusal refusal) =>
        (uint)refusal < (uint)_byRefusal.Length ? _byRefusal[(int)refusal] : null;

    /// <summary>A shape by name.</summary>
    /// <exception cref="KeyNotFoundException">The catalog declares no such shape.</exception>
    public BodyShape GetShape(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _shapes.TryGetValue(name, out var shape)
            ? shape
            : throw new KeyNotFoundException($"The error catalog has no body shape named '{name}'.");
    }
}
