using System.Security.Cryptography;
using System.Text;

namespace CoinApi.Node;

/// <summary>
/// The node's chain, in memory: a tip that grows when a block is mined (<c>generatetoaddress</c>,
/// <c>generateblock</c>), and waiters (<c>waitfornewblock</c>) that hold their request open until it does. Tests
/// use those held requests to fill a key's concurrency limit and release them by mining.
/// </summary>
public sealed class Chain
{
    /// <summary>The height of the tip when the node starts.</summary>
    public const long StartHeight = 870_000;

    private readonly Lock _lock = new();
    private readonly List<Block> _blocks = [];
    private TaskCompletionSource<Block> _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _waiting;

    /// <summary>Starts at <see cref="StartHeight"/>.</summary>
    public Chain()
    {
        for (var height = StartHeight - 10; height <= StartHeight; height++)
        {
            _blocks.Add(new Block(height, HashOf(height)));
        }
    }

    /// <summary>The newest block.</summary>
    public Block Tip
    {
        get
        {
            lock (_lock)
            {
                return _blocks[^1];
            }
        }
    }

    /// <summary>Requests waiting in <see cref="WaitForNewBlockAsync"/>.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>The block at <paramref name="height"/>, if the node has it.</summary>
    public Block? Find(long height)
    {
        lock (_lock)
        {
            var index = height - _blocks[0].Height;
            return index >= 0 && index < _blocks.Count ? _blocks[(int)index] : null;
        }
    }

    /// <summary>Mines <paramref name="count"/> blocks (at least one) and wakes every waiter with the new tip.</summary>
    public IReadOnlyList<Block> Mine(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var mined = new List<Block>(count);
        TaskCompletionSource<Block> waiters;
        lock (_lock)
        {
            for (var i = 0; i < count; i++)
            {
                var height = _blocks[^1].Height + 1;
                var block = new Block(height, HashOf(height));
                _blocks.Add(block);
                mined.Add(block);
            }

            waiters = _next;
            _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        waiters.TrySetResult(mined[^1]);
        return mined;
    }

    /// <summary>
    /// Waits until a block is mined, then returns it; after <paramref name="timeout"/> (if any), or as soon as
    /// <paramref name="stopping"/> fires (the node shuts down), returns the current tip, as bitcoind's
    /// <c>waitfornewblock</c> does when its timeout passes or its RPC server stops.
    /// </summary>
    public async Task<Block> WaitForNewBlockAsync(TimeSpan? timeout, TimeProvider time, CancellationToken stopping, CancellationToken cancellationToken)
    {
        Task<Block> next;
        lock (_lock)
        {
            next = _next.Task;
        }

        Interlocked.Increment(ref _waiting);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(stopping, cancellationToken);
        try
        {
            return timeout is { } limit
                ? await next.WaitAsync(limit, time, either.Token).ConfigureAwait(false)
                : await next.WaitAsync(either.Token).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return Tip;
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // Answered, not dropped: the host waits for requests in flight before it stops (30 s by default), and a
            // client whose connection is reset cannot tell a shutdown from a failure.
            return Tip;
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
    }

    private static string HashOf(long height) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes($"coinapi-sample-block-{height}")));
}
