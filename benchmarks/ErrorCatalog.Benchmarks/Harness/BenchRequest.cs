using System.IO.Pipelines;
using System.Net;
using ErrorCatalog.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;

namespace ErrorCatalog.Benchmarks;

/// <summary>
/// One reusable request: a <see cref="DefaultHttpContext"/> over the tests' <see cref="FakeResponse"/> (headers in a
/// pre-sized dictionary, body in one reused array), with an API key, a client address and an endpoint. Its own
/// machinery allocates nothing per use, so a benchmark's allocations are the middleware's.
/// </summary>
internal sealed class BenchRequest
{
    private readonly FakeResponse _fake = new();
    private readonly BodyPipe _pipe = new();

    public BenchRequest(string path, string? key, params object[] metadata)
    {
        var context = _fake.Context;
        context.Request.Method = HttpMethods.Get;
        context.Request.Path = path;
        if (key is not null)
        {
            context.Request.Headers["X-API-Key"] = key;
        }

        context.TraceIdentifier = "0HNBENCH0000:00000001";
        context.Connection.RemoteIpAddress = IPAddress.Loopback;

        // The framework's ProblemDetails writer goes through Response.Body: give it a stream over the same pipe.
        context.Features.Set<IHttpResponseBodyFeature>(new PipeBodyFeature(_pipe));

        var endpoint = new RouteEndpointBuilder(static _ => Task.CompletedTask, RoutePatternFactory.Parse(path), 0);
        foreach (var item in metadata)
        {
            endpoint.Metadata.Add(item);
        }

        context.SetEndpoint(endpoint.Build());
    }

    public DefaultHttpContext Context => _fake.Context;

    public FakeHeaderDictionary Headers => _fake.FakeHeaders;

    public ReadOnlySpan<byte> Body => _pipe.Written;

    public int StatusCode => _fake.StatusCode;

    /// <summary>Runs one request through <paramref name="pipeline"/>; it must complete synchronously.</summary>
    public int Run(RequestDelegate pipeline)
    {
        _fake.Reset();
        _pipe.Reset();
        var task = pipeline(_fake.Context);
        if (!task.IsCompletedSuccessfully)
        {
            // GetAwaiter().GetResult() surfaces the exception of a faulted pipeline.
            task.GetAwaiter().GetResult();
            throw new InvalidOperationException("The pipeline went asynchronous: the benchmark would measure the awaiting.");
        }

        return _fake.StatusCode;
    }

    /// <summary>Runs once and checks the status (setup only).</summary>
    public void Expect(RequestDelegate pipeline, int status)
    {
        var actual = Run(pipeline);
        if (actual != status)
        {
            throw new InvalidOperationException($"{Context.Request.Path}: expected {status}, got {actual}: {System.Text.Encoding.UTF8.GetString(Body)}");
        }
    }

    /// <summary>The response body feature with both a pipe and a stream over it (created once).</summary>
    private sealed class PipeBodyFeature(BodyPipe pipe) : IHttpResponseBodyFeature
    {
        public Stream Stream { get; } = pipe.AsStream(leaveOpen: true);

        public PipeWriter Writer => pipe;

        public void DisableBuffering()
        {
        }

        public Task StartAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public Task CompleteAsync() => Task.CompletedTask;
    }

    /// <summary>
    /// A <see cref="PipeWriter"/> over one reused array (as the tests' BufferPipeWriter), that also reports its
    /// unflushed bytes, which System.Text.Json's PipeWriter serialization (the framework's ProblemDetails) requires.
    /// </summary>
    private sealed class BodyPipe : PipeWriter
    {
        private readonly byte[] _buffer = new byte[16 * 1024];
        private int _written;
        private int _flushed;

        public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _written);

        public override bool CanGetUnflushedBytes => true;

        public override long UnflushedBytes => _written - _flushed;

        public void Reset()
        {
            _written = 0;
            _flushed = 0;
        }

        public override void Advance(int bytes) => _written += bytes;

        public override Memory<byte> GetMemory(int sizeHint = 0) => _buffer.AsMemory(_written);

        public override Span<byte> GetSpan(int sizeHint = 0) => _buffer.AsSpan(_written);

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            _flushed = _written;
            return new(new FlushResult(isCanceled: false, isCompleted: false));
        }

        public override void CancelPendingFlush()
        {
        }

        public override void Complete(Exception? exception = null)
        {
        }
    }
}
