using System.Globalization;

namespace ErrorCatalog;

/// <summary>
/// Header values without per-request strings: small integers come from a lazily filled table (Retry-After,
/// remaining counts), and anything built from a template is reduced to visible ASCII so that no CR/LF or
/// control character can reach the response (Kestrel would throw on it).
/// </summary>
/// <remarks>
/// Why tables and not formatting into reused storage: a header value must be a <see cref="string"/> that stays
/// unchanged until the server has sent it and anything that read it (a logging middleware, an OnCompleted callback)
/// is done, so a pooled, rewritten buffer cannot be handed out safely. What can be avoided is making the same text
/// twice: 0..65535 from a table (2.6 MB at most, filled as values occur), and larger values that recur (Retry-After
/// of a day or month window: every key refused in the same second gets the same value, as windows are aligned to
/// the UTC clock) from a small cache of recent values, one string per value and second instead of per response.
/// </remarks>
internal static class HeaderValues
{
    /// <summary>Integers below this are cached.</summary>
    public const int CachedIntegers = 1 << 16;

    private static readonly string?[] Integers = new string?[CachedIntegers];

    private static readonly RecentIntegers Recent = new();

    /// <summary>
    /// The decimal text of <paramref name="value"/>: cached for 0 to <see cref="CachedIntegers"/> - 1, and for the
    /// most recent larger values (a direct-mapped cache of 256), so a value that repeats is formatted once.
    /// </summary>
    public static string Integer(long value)
    {
        if ((ulong)value < CachedIntegers)
        {
            // A benign race: two threads may both create the string; either one is correct.
            return Integers[value] ??= value.ToString(CultureInfo.InvariantCulture);
        }

        return Recent.Get(value);
    }

    /// <summary>
    /// Turns UTF-8 into a header-safe string: each control character, DEL and non-ASCII character becomes '?'.
    /// </summary>
    public static string FromUtf8(ReadOnlySpan<byte> utf8)
    {
        Span<char> chars = utf8.Length <= 256 ? stackalloc char[utf8.Length] : new char[utf8.Length];
        var length = 0;
        foreach (var b in utf8)
        {
            if (b is >= 0x20 and < 0x7F or (byte)'\t')
            {
                chars[length++] = (char)b;
            }
            else if (b < 0x80 || b >= 0xC0)
            {
                // A control character, or the first byte of a multi-byte character; continuation bytes vanish.
                chars[length++] = '?';
            }
        }

        return new string(chars[..length]);
    }

    /// <summary>Whether <paramref name="value"/> may be sent as a header value as it is.</summary>
    public static bool IsSafe(ReadOnlySpan<char> value)
    {
        foreach (var c in value)
        {
            if (c is not (>= ' ' and < (char)0x7F or '\t'))
            {
                return false;
            }
        }

        return true;
    }
}
