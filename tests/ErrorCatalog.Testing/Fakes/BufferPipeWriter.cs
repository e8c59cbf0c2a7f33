using System.IO.Pipelines;

namespace ErrorCatalog.Testing;

/// <summary>A <see cref="PipeWriter"/> over one reused array: flushing completes at once and allocates nothing.</summary>
public sealed class BufferPipeWriter : PipeWriter
{
    private readonly byte[] _buffer = new byte[16 * 1024];
    private int _written;

    public int FlushCount { get; private set; }

    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _written);

    public void Reset()
    {
        _written = 0;
        FlushCount = 0;
    }

    public override void Advance(int bytes) => _written += bytes;

    public override Memory<byte> GetMemory(int sizeHint = 0) => _buffer.AsMemory(_written);

    public override Span<byte> GetSpan(int sizeHint = 0) => _buffer.AsSpan(_written);

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        FlushCount++;
        return new(new FlushResult(isCanceled: false, isCompleted: false));
    }

    public override void CancelPendingFlush()
    {
    }

    public override void Complete(Exception? exception = null)
    {
    }
}
