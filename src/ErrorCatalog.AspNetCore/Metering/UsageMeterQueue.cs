using System.Threading.Channels;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace ErrorCatalog.Middleware;

/// <summary>
/// Admitted requests waiting for the <see cref="IUsageMeter"/>: a bounded queue a request adds to without waiting,
/// drained by <see cref="UsageMeterService"/>. Registered only with a meter, so without one the request path's
/// check is a null reference.
/// </summary>
internal sealed class UsageMeterQueue
{
    private readonly Channel<UsageRecord> _channel;
    private readonly ApiErrorCatalogMetrics _metrics;
    private long _dropped;

    public UsageMeterQueue(IOptions<UsageMeteringOptions> options, ApiErrorCatalogMetrics metrics)
    {
        Capacity = options.Value.QueueCapacity;
        _metrics = metrics;

        // Wait mode: TryWrite refuses when full instead of blocking, and the newest record is the one dropped, so
        // what is queued (and may be in a batch being retried) stays as it was.
        _channel = Channel.CreateBounded<UsageRecord>(new BoundedChannelOptions(Capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
        });
    }

    /// <summary>This process's part of every record id: a new one per start, so ids never repeat across instances or restarts.</summary>
    public string InstanceId { get; } = Guid.NewGuid().ToString("N");

    public int Capacity { get; }

    public ChannelReader<UsageRecord> Reader => _channel.Reader;

    /// <summary>
    /// Queues what an admitted request was charged and kept (see <see cref="UsageRecord.TryCreate"/>); a full queue
    /// drops it, counted, rather than make the request wait.
    /// </summary>
    public void Add(CounterBatch batch, ResolvedKey? key, Endpoint? endpoint, DateTimeOffset refundedAt)
    {
        if (UsageRecord.TryCreate(batch, key, endpoint, refundedAt, out var record) && !_channel.Writer.TryWrite(record))
        {
            Interlocked.Increment(ref _dropped);
            _metrics.MeteringDropped(1);
        }
    }

    /// <summary>No more records (the server stopped): the reader ends once it has read what is queued.</summary>
    public void Complete() => _channel.Writer.TryComplete();

    /// <summary>Records dropped since the last call, for the delivery loop to log.</summary>
    public long TakeDropped() => Interlocked.Exchange(ref _dropped, 0);
}
