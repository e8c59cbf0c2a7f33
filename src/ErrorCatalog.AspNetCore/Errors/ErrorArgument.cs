namespace ErrorCatalog;

/// <summary>
/// One placeholder value without boxing: numbers, seconds, booleans and times (UTC ticks) in
/// <see cref="Number"/>, text in <see cref="Text"/>. The descriptor says which.
/// </summary>
internal readonly struct ErrorArgument
{
    internal ErrorArgument(long number, string? text)
    {
        Number = number;
        Text = text;
    }

    /// <summary>The numeric form of the value.</summary>
    public long Number { get; }

    /// <summary>The text of a string value.</summary>
    public string? Text { get; }
}
