using System.Threading.Tasks.Sources;
using StackExchange.Redis;

namespace ErrorCatalog.Middleware;

/// <summary>
/// A batch of the <see cref="RedisCounterStore"/>: the script call in flight, the lease member an admitted batch
/// holds, and the decision its caller awaits (the batch is that awaitable's source).
/// </summary>
/// <remarks>
/// The client's reply tasks run their continuations asynchronously, and only an async method's own state machine
/// waits on such a task without allocating; so each batch keeps one long-lived reader (<see cref="ReadRepliesAsync"/>),
/// started on its first wait, that waits on the batch's replies and completes the decision: a waiting request
/// allocates nothing beyond the client's own command.
/// </remarks>
internal sealed class RedisCounterBatch(RedisCounterStore store) : CounterBatch, IValueTaskSource<bool>
{
    private readonly Replies _replies = new();
    private ManualResetValueTaskSourceCore<bool> _decision;
    private Task? _reader;

    /// <summary>The arguments of the call in flight (pooled: back to the pool once its reply is read).</summary>
    public RedisArguments? Call { get; set; }

    /// <summary>The member an admitted batch holds in its concurrency limits' lease sets (0: none).</summary>
    public long LeaseId { get; set; }

    /// <summary>The decision once <paramref name="pending"/> (and any call sent again after it) is answered.</summary>
    public ValueTask<bool> DecideAsync(Task<RespResult> pending)
    {
        while (pending.IsCompleted)
        {
            if (store.Complete(this, pending) is not { } next)
            {
                return new ValueTask<bool>(Admitted);
            }

            pending = next;
        }

        _decision.Reset();
        var version = _decision.Version;
        _reader ??= StartReader();

        _replies.Signal(pending);
        return new ValueTask<bool>(this, version);
    }

    public override void Reset()
    {
        Call = null; // a call refused before it was written leaves its arguments here, out of the pool
        LeaseId = 0;
        base.Reset();
    }

    bool IValueTaskSource<bool>.GetResult(short token) => _decision.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _decision.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _decision.OnCompleted(continuation, state, token, flags);

    /// <summary>The reader, on the thread pool without this request's execution context, so it never carries a request's.</summary>
    private Task StartReader()
    {
        if (ExecutionContext.IsFlowSuppressed())
        {
            return Task.Run(ReadRepliesAsync);
        }

        using (ExecutionContext.SuppressFlow())
        {
            return Task.Run(ReadRepliesAsync);
        }
    }

    private async Task ReadRepliesAsync()
    {
        while (true)
        {
            Task<RespResult>? pending = await _replies.NextAsync().ConfigureAwait(false);
            try
            {
                while (pending is not null)
                {
                    // Complete reads the outcome, faults included.
                    await ((Task)pending).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                    pending = store.Complete(this, pending);
                }
            }
            catch (Exception ex)
            {
                _decision.SetException(ex);
                continue;
            }

            _decision.SetResult(Admitted);
        }
    }

    /// <summary>The reader's wait for the next call to read the reply of (reusable: reset as its result is taken).</summary>
    private sealed class Replies : IValueTaskSource<Task<RespResult>>
    {
        private ManualResetValueTaskSourceCore<Task<RespResult>> _next;

        public ValueTask<Task<RespResult>> NextAsync() => new(this, _next.Version);

        public void Signal(Task<RespResult> pending) => _next.SetResult(pending);

        public Task<RespResult> GetResult(short token)
        {
            var pending = _next.GetResult(token);
            _next.Reset();
            return pending;
        }

        public ValueTaskSourceStatus GetStatus(short token) => _next.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            _next.OnCompleted(continuation, state, token, flags);
    }
}
