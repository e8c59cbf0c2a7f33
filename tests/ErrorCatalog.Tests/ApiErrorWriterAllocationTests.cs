using ErrorCatalog.Testing;
using ErrorCatalog.Tests.Fakes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using static ErrorCatalog.Tests.Fakes.TestContexts;

namespace ErrorCatalog.Tests;

/// <summary>
/// The hot path allocates nothing once warm: <see cref="ApiErrorWriter.WriteAsync"/> into a reusable fake
/// response, measured on this thread with <see cref="GC.GetAllocatedBytesForCurrentThread"/>.
/// </summary>
public sealed class ApiErrorWriterAllocationTests
{
    private const int Calls = 1_000;

    [Fact]
    public void FakeResponseAlone_AllocatesNothing()
    {
        var fake = new FakeResponse();

        var bytes = Measure(fake, static fake =>
        {
            var response = fake.Response;
            response.StatusCode = 429;
            response.Headers["Retry-After"] = "42";
            response.ContentType = "application/problem+json";
            response.ContentLength = 100;
            var pipe = response.BodyWriter;
            pipe.GetSpan(100)[..100].Fill((byte)' ');
            pipe.Advance(100);
            _ = pipe.FlushAsync(response.HttpContext.RequestAborted).IsCompletedSuccessfully;
        });

        Assert.Equal(0, bytes);
    }

    [Fact]
    public void Measure_AllocatingCall_CountsIt()
    {
        var bytes = Measure(new FakeResponse(), static fake => fake.Context.Items = new Dictionary<object, object?>());

        Assert.True(bytes >= Calls * 32, $"{bytes} bytes");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("status")]
    [InlineData("flat")]
    [InlineData("envelope")]
    public void WriteAsyncOf429WithRetryAfter_AllocatesNothing(string? shapeName)
    {
        var fake = new FakeResponse();
        var shape = shapeName is null ? null : ApiErrors.Catalog.GetShape(shapeName);

        var bytes = Measure(fake, fake =>
        {
            var error = ApiErrors.RateLimitExceeded(61, 60, TimeSpan.FromSeconds(30), "60/min", "https://example.test/pricing");
            var pending = ApiErrorWriter.WriteAsync(fake.Response, error, Fixed, shape);
            Assert.True(pending.IsCompletedSuccessfully);
        });

        Assert.Equal("30", fake.FakeHeaders["Retry-After"].ToString());
        Assert.Equal(0, bytes);
    }

    [Fact]
    public void WriteAsyncOfMinuteLimit_AllocatesNothing()
    {
        var fake = new FakeResponse();

        var bytes = Measure(fake, static fake =>
        {
            var error = ApiErrors.ApiKeyPlanMinuteRateLimitReached(10, 10, TimeSpan.FromSeconds(42));
            _ = ApiErrorWriter.WriteAsync(fake.Response, error, Fixed).IsCompletedSuccessfully;
        });

        Assert.Equal(0, bytes);
    }

    [Fact]
    public void WriteAsyncWithTheLogLineOff_AllocatesNothing()
    {
        // The request's services hold a logger whose Information level is off: the line costs nothing.
        using var services = new ServiceCollection()
            .AddLogging(logging => logging.AddFakeLogging().SetMinimumLevel(LogLevel.Warning))
            .BuildServiceProvider();
        using var scope = services.CreateScope();
        var fake = new FakeResponse();
        fake.Context.RequestServices = scope.ServiceProvider;

        var bytes = Measure(fake, static fake =>
        {
            var error = ApiErrors.ApiKeyPlanMinuteRateLimitReached(10, 10, TimeSpan.FromSeconds(42));
            _ = ApiErrorWriter.WriteAsync(fake.Response, error, Fixed).IsCompletedSuccessfully;
        });

        Assert.Empty(services.GetFakeLogCollector().GetSnapshot());
        Assert.Equal(0, bytes);
    }

    /// <summary>Bytes allocated over <see cref="Calls"/> calls, after as many warm-up calls.</summary>
    private static long Measure(FakeResponse fake, Action<FakeResponse> call)
    {
        for (var i = 0; i < Calls; i++)
        {
            fake.Reset();
            call(fake);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Calls; i++)
        {
            fake.Reset();
            call(fake);
        }

        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
