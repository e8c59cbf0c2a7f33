using System.Buffers;
using System.Text.Json;

namespace ErrorCatalog;

/// <summary>
/// Per-thread storage reused by every write: the JSON writer, its buffer and a scratch buffer for templates.
/// Nothing here lives across an await: the body is copied into the response pipe before the writer returns.
/// </summary>
internal sealed class WriterCache
{
    [ThreadStatic]
    private static WriterCache? t_cache;

    private WriterCache()
    {
        Json = new Utf8JsonWriter(Body, new JsonWriterOptions { Encoder = ApiErrorWriter.Encoder, SkipValidation = true });
    }

    public ArrayBufferWriter<byte> Body { get; } = new(1024);

    public ArrayBufferWriter<byte> Scratch { get; } = new(256);

    public Utf8JsonWriter Json { get; }

    public static WriterCache Rent()
    {
        var cache = t_cache ?? new WriterCache();
        t_cache = null; // a nested write on this thread gets its own
        cache.Body.ResetWrittenCount();
        cache.Scratch.ResetWrittenCount();
        cache.Json.Reset(cache.Body);
        return cache;
    }

    public static void Return(WriterCache cache)
    {
        // Don't keep a buffer that one huge body grew.
        if (cache.Body.Capacity <= 64 * 1024 && cache.Scratch.Capacity <= 64 * 1024)
        {
            t_cache = cache;
        }
    }
}
