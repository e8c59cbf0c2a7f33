using System.Runtime.CompilerServices;

namespace ErrorCatalog;

/// <summary>Placeholder values stored inline in <see cref="ApiError"/>, so an error never touches the heap.</summary>
[InlineArray(Capacity)]
internal struct ErrorArguments
{
    /// <summary>How many values fit.</summary>
    public const int Capacity = ErrorDescriptor.MaxPlaceholders;

    private ErrorArgument _element;
}
