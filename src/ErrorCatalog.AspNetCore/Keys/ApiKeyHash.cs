using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace ErrorCatalog.Middleware;

/// <summary>
/// The SHA-256 of a key: what stores hold and look up, so a leaked store or log never reveals a key.
/// A value type, so hashing and looking up a presented key allocates nothing.
/// </summary>
public readonly struct ApiKeyHash : IEquatable<ApiKeyHash>
{
    private readonly ulong _a, _b, _c, _d;

    private ApiKeyHash(ReadOnlySpan<byte> sha256)
    {
        _a = BinaryPrimitives.ReadUInt64BigEndian(sha256);
        _b = BinaryPrimitives.ReadUInt64BigEndian(sha256[8..]);
        _c = BinaryPrimitives.ReadUInt64BigEndian(sha256[16..]);
        _d = BinaryPrimitives.ReadUInt64BigEndian(sha256[24..]);
    }

    // A digest context reused per thread, because the one-shot SHA256.HashData makes and frees a native one per call on
    // every keyed request; nothing awaits between append and result.
    [ThreadStatic]
    private static IncrementalHash? t_sha256;

    /// <summary>Hashes a key (its UTF-8 bytes). Use it to configure a new key: <c>ApiKeyHash.Compute(key).ToString()</c>.</summary>
    public static ApiKeyHash Compute(ReadOnlySpan<char> key)
    {
        var max = Encoding.UTF8.GetMaxByteCount(key.Length);
        Span<byte> utf8 = max <= 1024 ? stackalloc byte[max] : new byte[max];
        var length = Encoding.UTF8.GetBytes(key, utf8);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        var sha256 = t_sha256 ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        try
        {
            sha256.AppendData(utf8[..length]);
            sha256.GetHashAndReset(hash);
        }
        catch
        {
            // Never let a half-fed context hash the next key.
            t_sha256 = null;
            sha256.Dispose();
            throw;
        }

        return new ApiKeyHash(hash);
    }

    /// <summary>Reads 64 hex digits.</summary>
    public static bool TryParse(string? hex, out ApiKeyHash hash)
    {
        hash = default;
        if (hex is null || hex.Length != 64)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[32];
        if (Convert.FromHexString(hex, bytes, out _, out var written) != System.Buffers.OperationStatus.Done || written != 32)
        {
            return false;
        }

        hash = new ApiKeyHash(bytes);
        return true;
    }

    /// <summary>The hash as 64 lowercase hex digits.</summary>
    public override string ToString()
    {
        Span<byte> bytes = stackalloc byte[32];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, _a);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], _b);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[16..], _c);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[24..], _d);
        return Convert.ToHexStringLower(bytes);
    }

    /// <inheritdoc />
    public bool Equals(ApiKeyHash other) => _a == other._a && _b == other._b && _c == other._c && _d == other._d;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is ApiKeyHash other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => (int)_a ^ (int)(_a >> 32);

    /// <summary>Equality.</summary>
    public static bool operator ==(ApiKeyHash left, ApiKeyHash right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(ApiKeyHash left, ApiKeyHash right) => !left.Equals(right);
}
