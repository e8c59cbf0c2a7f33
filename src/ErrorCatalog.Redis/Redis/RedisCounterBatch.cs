using System.Threading.Tasks.Sources;

namespace ErrorCatalog.Middleware;

/// <summary>
/// A batch of the <see cref="RedisCounterStore"/>: its items' key names, the part a lane decides next, the lease
/// member it holds once admitted, and the decision its caller awaits (the batch is that awaitable's source).
/// </summary>
/// <remarks>
/// The decision is completed on the thread pool with the batch itself as the work item, so the lane's reader hands a
/// whole call's requests on without allocating and without running any of them on its own thread.
/// </remarks>
internal sealed class RedisCounterBatch : CounterBatch, IValueTaskSource<bool>, IThreadPoolWorkItem
{
    [ThreadStatic]
    private static bool t_deferring;

    [ThreadStatic]
    private static RedisCounterBatch? t_deferred;

    private ManualResetValueTaskSourceCore<bool> _decision;
    private Exception? _failure;
    private RedisNames?[] _names = new RedisNames?[8];

    /// <summary>Each item's key names for the batch's window (set before the batch goes to a lane).</summary>
    public RedisNames?[] Names => _names;

    /// <summary>The items the batch's current call decides: on Redis Cluster, one slot's; otherwise all.</summary>
    public int PartStart { get; set; }

    public int PartEnd { get; set; }

    /// <summary>The next batch in its lane's queue.</summary>
    public RedisCounterBatch? NextInQueue { get; set; }

    /// <summary>The next batch in the call being built or in flight.</summary>
    public RedisCounterBatch? NextInCall { get; set; }

    /// <summary>When the batch joined its lane (<see cref="Environment.TickCount64"/>).</summary>
    public long SubmitTick { get; set; }

    /// <summary>The member the batch holds in its concurrency limits' lease sets once admitted (0: it has none).</summary>
    public long LeaseId { get; set; }

    /// <summary>Makes room for a key name per item.</summary>
    public void EnsureNames()
    {
        if (_names.Length < Count)
        {
            Array.Resize(ref _names, Math.Max(Count, _names.Length * 2));
        }
    }

    /// <summary>Starts a decision: the awaitable's version, for the <see cref="ValueTask{TResult}"/> the caller awaits.</summary>
    public short BeginDecision()
    {
        _decision.Reset();
        return _decision.Version;
    }

    /// <summary>
    /// Completes the decision (<see cref="CounterBatch.Admitted"/>, or the failure) on the thread pool; while a lane's
    /// reader defers (<see cref="DeferOne"/>), the last batch it completes is kept for it to run itself.
    /// </summary>
    public void Complete(Exception? failure)
    {
        _failure = failure;
        if (t_deferring)
        {
            (t_deferred, var previous) = (this, t_deferred);
            if (previous is not null)
            {
                ThreadPool.UnsafeQueueUserWorkItem(previous, preferLocal: false);
            }

            return;
        }

        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    /// <summary>
    /// Until <see cref="RunDeferred"/>, this thread keeps the last batch it completes instead of queuing it: a lane's
    /// reader sends its next call first, then continues one request itself, which saves that request a thread hop.
    /// </summary>
    public static void DeferOne() => t_deferring = true;

    /// <summary>Continues the batch kept since <see cref="DeferOne"/>, on this thread.</summary>
    public static void RunDeferred()
    {
        t_deferring = false;
        if (t_deferred is { } batch)
        {
            t_deferred = null;
            ((IThreadPoolWorkItem)batch).Execute();
        }
    }

    void IThreadPoolWorkItem.Execute()
    {
        if (_failure is { } failure)
        {
            _failure = null;
            _decision.SetException(failure);
        }
        else
        {
            _decision.SetResult(Admitted);
        }
    }

    public override void Reset()
    {
        Array.Clear(_names, 0, Math.Min(Count, _names.Length));
        LeaseId = 0;
        NextInQueue = null;
        NextInCall = null;
        base.Reset();
    }

    bool IValueTaskSource<bool>.GetResult(short token) => _decision.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _decision.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _decision.OnCompleted(continuation, state, token, flags);
}
