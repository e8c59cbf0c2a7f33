using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace ErrorCatalog.Middleware;

/// <summary>What a request presented as its key.</summary>
internal enum PresentedKey
{
    /// <summary>No key header or parameter.</summary>
    Missing,
    /// <summary>Present but empty, too long, not printable ASCII, repeated, or not a Bearer token.</summary>
    Malformed,
    /// <summary>A well-formed key, hashed (the key's text is kept only in the <see cref="PresentedKeyCache"/>, if on).</summary>
    Present,
}

/// <summary>Reads the key from the configured headers or query parameter and hashes it, rejecting malformed input.</summary>
/// <param name="options">Where keys are read from.</param>
/// <param name="isKnown">Whether a hash belongs to a key (only those are remembered in the <see cref="PresentedKeyCache"/>).</param>
internal sealed class ApiKeyReader(ApiKeyReadingOptions options, Func<ApiKeyHash, bool> isKnown)
{
    private readonly string[] _headers = [.. options.EffectiveHeaders];
    private readonly int _maxLength = options.MaxLength;
    private readonly PresentedKeyCache? _cache = options.HashCacheSize > 0 ? new PresentedKeyCache(options.HashCacheSize) : null;

    public PresentedKey Read(HttpRequest request, out ApiKeyHash hash)
    {
        hash = default;
        var headers = request.Headers;
        foreach (var name in _headers)
        {
            var values = headers[name];
            if (values.Count == 0)
            {
                continue;
            }

            if (values.Count > 1)
            {
                return PresentedKey.Malformed;
            }

            ReadOnlySpan<char> key = values[0];
            if (string.Equals(name, HeaderNames.Authorization, StringComparison.OrdinalIgnoreCase))
            {
                const string Bearer = "Bearer ";
                if (!key.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase))
                {
                    return PresentedKey.Malformed;
                }

                key = key[Bearer.Length..];
            }

            return Check(key.Trim(' '), out hash);
        }

        if (options.QueryParameter is { } parameter && request.QueryString.HasValue)
        {
            var values = request.Query[parameter];
            if (values.Count > 1)
            {
                return PresentedKey.Malformed;
            }

            if (values.Count == 1)
            {
                return Check(values[0], out hash);
            }
        }

        return PresentedKey.Missing;
    }

    private PresentedKey Check(ReadOnlySpan<char> key, out ApiKeyHash hash)
    {
        hash = default;
        if (key.IsEmpty || key.Length > _maxLength)
        {
            return PresentedKey.Malformed;
        }

        // Only well-formed keys are ever cached, so a hit needs no further check.
        if (_cache is not null && _cache.TryGet(key, out hash))
        {
            return PresentedKey.Present;
        }

        foreach (var c in key)
        {
            if (c is <= ' ' or >= (char)0x7F)
            {
                return PresentedKey.Malformed;
            }
        }

        hash = ApiKeyHash.Compute(key);
        if (_cache is not null && isKnown(hash))
        {
            _cache.Add(key, hash);
        }

        return PresentedKey.Present;
    }
}
