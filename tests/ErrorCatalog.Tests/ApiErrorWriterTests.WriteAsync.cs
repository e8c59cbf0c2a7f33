using System.Buffers;
using System.IO.Pipelines;
using ErrorCatalog.Testing;
using ErrorCatalog.Tests.Fakes;
using static ErrorCatalog.Tests.Fakes.TestContexts;

namespace ErrorCatalog.Tests;

// The whole response: status, headers, Content-Type, Content-Length, body, one flush.
public sealed partial class ApiErrorWriterTests
{
    [Theory]
    [InlineData(null, "application/problem+json", true)]
    [InlineData("status", "application/json", true)]
    [InlineData("flat", "application/json", true)]
    [InlineData("envelope", "application/json", true)]
    [InlineData(null, "application/problem+json", false)]
    [InlineData("flat", "application/json", false)]
    public async Task WriteAsyncAndWrite_WriteStatusHeadersLengthAndBody_WriteAsyncFlushing(string? shapeName, string contentType, bool flushed)
    {
        var fake = new FakeResponse();
        var shape = shapeName is null ? null : Shape(shapeName);

        if (flushed)
        {
            await ApiErrorWriter.WriteAsync(fake.Response, MinuteLimit, Fixed, shape);
        }
        else
        {
            ApiErrorWriter.Write(fake.Response, MinuteLimit, Fixed, shape); // left for the request's end to send
        }

        var expected = ApiErrorWriter.GetBodyBytes(MinuteLimit, Fixed, shape);
        Assert.Equal(429, fake.StatusCode);
        Assert.Equal("42", fake.FakeHeaders["Retry-After"].ToString());
        Assert.Equal(contentType, fake.FakeHeaders["Content-Type"].ToString());
        Assert.Equal(expected.Length, fake.FakeHeaders.ContentLength);
        Assert.Equal(expected, fake.Pipe.Written.ToArray());
        Assert.Equal(flushed ? 1 : 0, fake.Pipe.FlushCount);
    }

    [Fact]
    public void Write_ResponseStarted_Throws()
    {
        var fake = new FakeResponse { HasStarted = true };

        Assert.Throws<InvalidOperationException>(() => ApiErrorWriter.Write(fake.Response, MinuteLimit, Fixed));
        Assert.Equal(0, fake.Pipe.Written.Length);
    }

    [Fact]
    public async Task WriteAsync_ErrorWithoutHeaders_SetsNoOtherHeaders()
    {
        var fake = new FakeResponse();

        await ApiErrorWriter.WriteAsync(fake.Response, ApiErrors.NotFound("x"), default);

        Assert.Equal(404, fake.StatusCode);
        Assert.Equal(["Content-Type"], fake.FakeHeaders.Keys);
    }

    [Fact]
    public async Task WriteAsync_FlushThatWaits_CompletesOnceTheBodyIsRead()
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 16, resumeWriterThreshold: 8, useSynchronizationContext: false));
        var fake = new FakeResponse(pipe.Writer);

        var pending = ApiErrorWriter.WriteAsync(fake.Response, MinuteLimit, Fixed);
        Assert.False(pending.IsCompleted);
        var read = await pipe.Reader.ReadAsync();
        var body = read.Buffer.ToArray();
        pipe.Reader.AdvanceTo(read.Buffer.End);
        await pending;

        Assert.Equal(ApiErrorWriter.GetBodyBytes(MinuteLimit, Fixed), body);
    }

    [Fact]
    public void WriteAsync_ResponseStarted_Throws()
    {
        var fake = new FakeResponse { HasStarted = true };

        var exception = Assert.Throws<InvalidOperationException>(() => ApiErrorWriter.WriteAsync(fake.Response, MinuteLimit, Fixed));

        Assert.Contains("API_KEY_PLAN_MINUTE_RATE_LIMIT_REACHED", exception.Message);
        Assert.Equal(200, fake.StatusCode);
        Assert.Empty(fake.FakeHeaders);
        Assert.Equal(0, fake.Pipe.Written.Length);
    }

    [Fact]
    public void WriteAsync_DefaultError_Throws()
    {
        var fake = new FakeResponse();

        Assert.Throws<ArgumentException>(() => ApiErrorWriter.WriteAsync(fake.Response, default, Fixed));
        Assert.Equal(0, fake.Pipe.Written.Length);
    }

    [Fact]
    public void GetBodyBytesAndFormatDetail_DefaultError_Throw()
    {
        Assert.Throws<ArgumentException>(() => ApiErrorWriter.GetBodyBytes(default, Fixed));
        Assert.Throws<ArgumentException>(() => ApiErrorWriter.FormatDetail(default));
    }
}
