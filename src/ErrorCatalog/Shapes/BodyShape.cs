using System.ComponentModel;

namespace ErrorCatalog;

/// <summary>
/// A named body layout for errors: RFC 9457 <c>problem</c> by default, or one declared under
/// <c>shapes:</c> in errors.yaml to reproduce an existing API's body exactly.
/// </summary>
public sealed class BodyShape
{
    /// <summary>The name of the built-in RFC 9457 shape.</summary>
    public const string ProblemName = "problem";

    /// <summary>Creates a shape; called by generated code.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public BodyShape(string name, string contentType, ShapeNode root)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(contentType);
        ArgumentNullException.ThrowIfNull(root);
        if (root.Kind != ShapeNodeKind.Object)
        {
            throw new ArgumentException("A shape's body is a JSON object.", nameof(root));
        }

        Name = name;
        ContentType = contentType;
        Root = root;
        UsesRequestId = Uses(root, SystemValue.RequestId);
    }

    /// <summary>The shape's name in errors.yaml.</summary>
    public string Name { get; }

    /// <summary>The response's Content-Type.</summary>
    public string ContentType { get; }

    /// <summary>The body's root object.</summary>
    public ShapeNode Root { get; }

    /// <summary>
    /// Whether the body writes <c>$requestId</c> (as a value or inside a text). With
    /// <see cref="ErrorDescriptor.UsesRequestId"/>, it lets a caller skip making a request id nobody writes (on
    /// Kestrel, the request's trace identifier creates its string on first read).
    /// </summary>
    public bool UsesRequestId { get; }

    /// <summary>
    /// RFC 9457: type, title, status, detail, instance, then the extensions code, numericCode, requestId, errors (the
    /// details, such as validation errors by field, as ASP.NET Core's validation problem names them; left out when
    /// there are none) and every placeholder.
    /// </summary>
    public static BodyShape Problem { get; } = new(
        ProblemName,
        "application/problem+json",
        ShapeNode.Object(
            null,
            ShapeNode.Value("type", SystemValue.Type),
            ShapeNode.Value("title", SystemValue.Title),
            ShapeNode.Value("status", SystemValue.Status),
            ShapeNode.Value("detail", SystemValue.Detail),
            ShapeNode.Value("instance", SystemValue.Instance),
            ShapeNode.Value("code", SystemValue.Code),
            ShapeNode.Value("numericCode", SystemValue.NumericCode),
            ShapeNode.Value("requestId", SystemValue.RequestId),
            ShapeNode.OptionalDetails("errors"),
            ShapeNode.Arguments()));

    private static bool Uses(ShapeNode node, SystemValue value)
    {
        if (node.System == value)
        {
            return true;
        }

        foreach (var segment in node.Template)
        {
            if (segment.System == value)
            {
                return true;
            }
        }

        foreach (var child in node.Children)
        {
            if (Uses(child, value))
            {
                return true;
            }
        }

        return false;
    }
}
