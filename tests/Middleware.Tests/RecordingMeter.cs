namespace ErrorCatalog.Middleware.Tests;

/// <summary>A usage meter that keeps every call it got and what it accepted (by id), and throws its first <see cref="FailuresLeft"/> calls.</summary>
internal sealed class RecordingMeter : IUsageMeter
{
    private readonly object _gate = new();
    private readonly List<MeteredRequest[]> _calls = [];
    private readonly Dictionary<string, MeteredRequest> _accepted = [];
    private int _failuresLeft;

    public RecordingMeter(int failFirst = 0) => _failuresLeft = failFirst;

    /// <summary>Records accepted, once per id.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _accepted.Count;
            }
        }
    }

    /// <summary>Records accepted, once per id (deduplicated as a billing system would).</summary>
    public List<MeteredRequest> Accepted
    {
        get
        {
            lock (_gate)
            {
                return [.. _accepted.Values];
            }
        }
    }

    /// <summary>Every call, failed ones included, in order.</summary>
    public List<MeteredRequest[]> Calls
    {
        get
        {
            lock (_gate)
            {
                return [.. _calls];
            }
        }
    }

    public Task RecordAsync(IReadOnlyList<MeteredRequest> requests, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _calls.Add([.. requests]);
            if (_failuresLeft > 0)
            {
                _failuresLeft--;
                throw new InvalidOperationException("The billing system is down.");
            }

            foreach (var request in requests)
            {
                _accepted.TryAdd(request.Id, request);
            }
        }

        return Task.CompletedTask;
    }
}
