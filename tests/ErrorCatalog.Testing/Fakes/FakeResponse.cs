using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace ErrorCatalog.Testing;

/// <summary>
/// A reusable response: a <see cref="DefaultHttpContext"/> whose response and body features are this object,
/// with headers and body writer reset between uses. Its own machinery allocates nothing.
/// </summary>
public sealed class FakeResponse : IHttpResponseFeature, IHttpResponseBodyFeature
{
    private readonly PipeWriter? _writer;

    public FakeResponse(PipeWriter? writer = null)
    {
        _writer = writer;
        Context = new DefaultHttpContext();
        Context.Features.Set<IHttpResponseFeature>(this);
        Context.Features.Set<IHttpResponseBodyFeature>(this);
        _ = Context.RequestAborted; // creates the lifetime feature once
    }

    public DefaultHttpContext Context { get; }

    public HttpResponse Response => Context.Response;

    public FakeHeaderDictionary FakeHeaders { get; } = new();

    public BufferPipeWriter Pipe { get; } = new();

    public int StatusCode { get; set; } = 200;

    public string? ReasonPhrase { get; set; }

    public IHeaderDictionary Headers
    {
        get => FakeHeaders;
        set => throw new NotSupportedException();
    }

    public Stream Body
    {
        get => Stream;
        set => throw new NotSupportedException();
    }

    public bool HasStarted { get; set; }

    public Stream Stream => throw new NotSupportedException("Write through the PipeWriter.");

    public PipeWriter Writer => _writer ?? Pipe;

    public void Reset()
    {
        StatusCode = 200;
        FakeHeaders.Reset();
        Pipe.Reset();
    }

    public void OnStarting(Func<object, Task> callback, object state) => throw new NotSupportedException();

    public void OnCompleted(Func<object, Task> callback, object state) => throw new NotSupportedException();

    public void DisableBuffering()
    {
    }

    public Task StartAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public Task CompleteAsync() => Task.CompletedTask;
}
