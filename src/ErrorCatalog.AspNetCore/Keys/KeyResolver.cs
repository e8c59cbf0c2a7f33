using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ErrorCatalog.Middleware;

/// <summary>
/// Finds a presented key's <see cref="ResolvedKey"/>: from the configured keys (compiled at start-up or by the last
/// configuration reload, looked up synchronously), or from the application's <see cref="IApiKeyStore"/> through a
/// short cache.
/// </summary>
internal sealed partial class KeyResolver
{
    private const int MaxCachedKeys = 100_000;

    private readonly RunningOptions _options;
    private readonly IApiKeyStore? _store;
    private readonly TimeProvider _time;
    private readonly TimeSpan _cacheDuration;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<ApiKeyHash, CacheEntry> _cache = new();

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
        _store is null ? _options.Current.Keys.ContainsKey(hash) : _cache.TryGetValue(hash, out var entry) && entry.Key is not null;

    public ValueTask<ResolvedKey?> FindAsync(ApiKeyHash hash, CancellationToken cancellationToken)
    {
        if (_store is null)
        {
            return new(_options.Current.Keys.GetValueOrDefault(hash));
        }

        // An entry resolved against plans a reload has since replaced is looked up again.
        if (_cache.TryGetValue(hash, out var entry) && entry.ExpiresAt > _time.GetTimestamp() && ReferenceEquals(entry.Book, _options.Current.Book))
        {
            return new(entry.Key);
        }

        return FindInStoreAsync(hash, cancellationToken);
    }

    private async ValueTask<ResolvedKey?> FindInStoreAsync(ApiKeyHash hash, CancellationToken cancellationToken)
    {
        var book = _options.Current.Book;
        var record = await _store!.FindAsync(hash, cancellationToken).ConfigureAwait(false);
        ResolvedKey? key = null;
        if (record is not null)
        {
            var errors = new List<string>();
            if (!Enum.IsDefined(record.State))
            {
                errors.Add($"State {(int)record.State} is no ApiKeyState.");
            }

            key = book.Resolve(record, errors, "key store record");
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
            if (_cache.Count >= MaxCachedKeys)
            {
                _cache.Clear(); // bounded: a flood of random keys cannot grow it without end
            }

            var ticks = (long)(_cacheDuration.TotalSeconds * _time.TimestampFrequency);
            _cache[hash] = new CacheEntry(key, _time.GetTimestamp() + ticks, book);
        }

        return key;
    }

    private sealed record CacheEntry(ResolvedKey? Key, long ExpiresAt, PlanBook Book);

    private static partial class Log
    {
        [LoggerMessage(10, LogLevel.Warning, "Key store record {KeyId} is refused as an invalid key: {Problem}", EventName = "BadKeyRecord")]
        public static partial void BadRecord(ILogger logger, string keyId, string problem);
    }
}
