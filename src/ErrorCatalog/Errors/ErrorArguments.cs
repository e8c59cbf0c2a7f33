using System.Runtime.CompilerServices;

namespace ErrorCatalog;

/// <summary>Placeholder values stored inline in <see cref="ApiError"/>, so an error never touches the heap.</summary>
[InlineArray(Capacity)]
internal struct ErrorArguments
{
    /// <summary>How many values fit.</summary>
    public const int Capacity = 8;

    private ErrorArgument _element;
}
