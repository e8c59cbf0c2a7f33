using System.Threading.Tasks.Sources;

namespace ErrorCatalog.Middleware;

/// <summary>The reader's wait for the next call in flight (reusable: reset as its result is taken).</summary>
internal sealed class RedisLaneSignal : IValueTaskSource<Task>
{
    private ManualResetValueTaskSourceCore<Task> _next;

    public ValueTask<Task> WaitAsync() => new(this, _next.Version);

    public void Set(Task pending) => _next.SetResult(pending);

    public Task GetResult(short token)
    {
        var pending = _next.GetResult(token);
        _next.Reset();
        return pending;
    }

    public ValueTaskSourceStatus GetStatus(short token) => _next.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _next.OnCompleted(continuation, state, token, flags);
}
