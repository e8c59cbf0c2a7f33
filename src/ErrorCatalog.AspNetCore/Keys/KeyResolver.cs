using Microsoft.Extensions.Logging;

namespace ErrorCatalog.Middleware;

/// <summary>
/// Finds a presented key's <see cref="ResolvedKey"/>: from the configured keys (compiled at start-up or by the last
/// configuration reload, looked up synchronously), or from the application's <see cref="IApiKeyStore"/> through a
/// short cache that <see cref="IApiKeyInvalidator"/> and configuration reloads clear.
/// </summary>
internal sealed partial class KeyResolver
{
    private readonly RunningOptions _options;
    private readonly IApiKeyStore? _store;
    private readonly TimeProvider _time;
    private readonly TimeSpan _cacheDuration;
    private readonly ILogger _logger;
    private readonly KeyCache _cache = new();

    public KeyResolver(RunningOptions options, IApiKeyStore? store, TimeProvider time, ILogger<KeyResolver> logger)
    {
        _options = options;
        _store = store;
        _time = time;
        _logger = logger;
        _cacheDuration = options.Startup.Book.Options.KeyReading.CacheDuration;
    }

    public bool IsCustomStore => _store is not null;

    /// <summary>Whether a hash is a configured key, or a store's key found (and cached) recently.</summary>
    public bool IsKnown(ApiKeyHash hash) =>
        _store is null ? _options.Current.Keys.ContainsKey(hash) : _cache.HoldsKey(hash);

    /// <summary>Whether a key store's answer for <paramref name="hash"/> is cached and current (configured keys: always).</summary>
    public bool IsCached(ApiKeyHash hash) => _store is null || _cache.TryGet(hash, _time.GetTimestamp(), out _);

    /// <summary>Forgets the cached answers <paramref name="invalidation"/> names (none without a key store: nothing is cached).</summary>
    public void Invalidate(in KeyInvalidation invalidation) => _cache.Invalidate(invalidation);

    public ValueTask<ResolvedKey?> FindAsync(ApiKeyHash hash, CancellationToken cancellationToken)
    {
        if (_store is null)
        {
            return new(_options.Current.Keys.GetValueOrDefault(hash));
        }

        if (_cache.TryGet(hash, _time.GetTimestamp(), out var cached))
        {
            return new(cached);
        }

        return FindInStoreAsync(hash, cancellationToken);
    }

    private async ValueTask<ResolvedKey?> FindInStoreAsync(ApiKeyHash hash, CancellationToken cancellationToken)
    {
        var generation = _cache.Generation;
        var record = await _store!.FindAsync(hash, cancellationToken).ConfigureAwait(false);
        ResolvedKey? key = null;
        if (record is not null)
        {
            var errors = new List<string>();
            if (!Enum.IsDefined(record.State))
            {
                errors.Add($"State {(int)record.State} is no ApiKeyState.");
            }

            key = _options.Current.Book.Resolve(record, errors, "key store record");
            if (errors.Count > 0)
            {
                // Fail closed: a record the configuration would have refused at start-up (a negative limit, an unknown
                // state, an IP list that does not parse) is refused, never served with the problem ignored.
                Log.BadRecord(_logger, record.Id, string.Join(" ", errors));
                key = null;
            }
        }

        if (_cacheDuration > TimeSpan.Zero)
        {
            var ticks = (long)(_cacheDuration.TotalSeconds * _time.TimestampFrequency);
            _cache.Add(hash, key, _time.GetTimestamp() + ticks, generation);
        }

        return key;
    }

    private static partial class Log
    {
        [LoggerMessage(10, LogLevel.Warning, "Key store record {KeyId} is refused as an invalid key: {Problem}", EventName = "BadKeyRecord")]
        public static partial void BadRecord(ILogger logger, string keyId, string problem);
    }
}
