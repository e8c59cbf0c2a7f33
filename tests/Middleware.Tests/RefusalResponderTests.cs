using System.Text;
using System.Text.Json;
using ErrorCatalog.Testing;
using Microsoft.Extensions.Time.Testing;

namespace ErrorCatalog.Middleware.Tests;

/// <summary>The refusal responder on its own: each refusal's status, body and headers, from a responder built by hand.</summary>
public sealed class RefusalResponderTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 14, 12, 0, 30, TimeSpan.Zero);

    public static TheoryData<Refusal, int, string> KeyAndAccessRefusals => new()
    {
        { Refusal.KeyMissing, 401, "API_KEY_MISSING" },
        { Refusal.KeyInvalid, 401, "API_KEY_INVALID" },
        { Refusal.KeyRevoked, 401, "KEY_REVOKED" },
        { Refusal.KeyDisabled, 403, "API_KEY_DISABLED" },
        { Refusal.KeyRequired, 403, "API_KEY_REQUIRED" },
        { Refusal.PlanNotAuthorized, 403, "API_KEY_PLAN_NOT_AUTHORIZED" },
    };

    [Theory]
    [MemberData(nameof(KeyAndAccessRefusals))]
    public async Task KeyOrAccessRefusal_AnswersItsCatalogEntry_WithoutRetryAfter(Refusal refusal, int status, string code)
    {
        var responder = Responder();
        var fake = new FakeResponse();

        await responder.RefuseAsync(fake.Context, State(), refusal);

        using var body = Body(fake);
        Assert.Equal(status, fake.StatusCode);
        Assert.Equal(code, body.RootElement.GetProperty("code").GetString());
        Assert.Equal(ApiErrors.Catalog.Find(refusal)!.Code, code); // the entry answering the refusal, found by the responder
        Assert.False(fake.Headers.ContainsKey("Retry-After"));
    }

    [Fact]
    public async Task StoreUnavailable_CarriesRetryAfter_InTheHeaderAndTheBody()
    {
        var responder = Responder();
        var fake = new FakeResponse();

        await responder.RefuseAsync(fake.Context, State(), Refusal.StoreUnavailable, retryAfter: KeyStep.StoreRetryAfter);

        using var body = Body(fake);
        Assert.Equal(503, fake.StatusCode);
        Assert.Equal("SERVICE_UNAVAILABLE", body.RootElement.GetProperty("code").GetString());
        Assert.Equal("1", fake.Headers["Retry-After"].ToString());
        Assert.Equal(1, body.RootElement.GetProperty("retryAfter").GetInt32());
    }

    [Fact]
    public async Task AChosenAnswer_ReplacesTheRefusalsEntry()
    {
        var responder = Responder();
        var fake = new FakeResponse();
        var answer = ApiErrors.Catalog.Find(Refusal.KeyInvalid)!;

        await responder.RefuseAsync(fake.Context, State(), Refusal.PlanNotAuthorized, answer: answer);

        using var body = Body(fake);
        Assert.Equal(answer.Status, fake.StatusCode);
        Assert.Equal(answer.Code, body.RootElement.GetProperty("code").GetString());
    }

    [Fact]
    public async Task LimitRefusal_AnswersTheRefusingLimit_WithItsCountsHeadersAndRetryAfter()
    {
        // Arrange: a minute limit of 1, decided twice for one key: the second is refused.
        var book = Book();
        var key = book.Resolve(new ApiKeyRecord { Id = "k", Plan = "p" })!;
        var time = new FakeTimeProvider(Now);
        using var counters = new InMemoryCounterStore(time, TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(1));
        var limits = HandBuiltRefusals.Limits(book, ApiErrors.Catalog);
        var fake = new FakeResponse();
        var state = State();
        state.Key = key;
        for (var i = 0; i < 2; i++)
        {
            state.Batch.Reset();
            state.Batch.Now = Now;
            limits.Fill(state.Batch, fake.Context, key, credits: 1);
            await counters.AcquireAsync(state.Batch);
        }

        // Act
        await Responder().RefuseLimitAsync(fake.Context, state);

        // Assert: 30 s are left of the minute.
        using var body = Body(fake);
        Assert.Equal(429, fake.StatusCode);
        Assert.Equal("API_KEY_PLAN_MINUTE_RATE_LIMIT_REACHED", body.RootElement.GetProperty("code").GetString());
        Assert.Contains("1 of 1 requests this minute", body.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("30", fake.Headers["Retry-After"].ToString());
        Assert.Equal("1", fake.Headers["X-RateLimit-Limit"].ToString());
        Assert.Equal("0", fake.Headers["X-RateLimit-Remaining"].ToString());
    }

    [Fact]
    public void ErrorForALease_IsTheRefusalsCatalogEntry()
    {
        var key = Book().Resolve(new ApiKeyRecord { Id = "k", Plan = "p" })!;

        var error = Responder().Error(Refusal.StoreUnavailable, key, retryAfter: TimeSpan.FromSeconds(1));

        Assert.Equal("SERVICE_UNAVAILABLE", error.Code);
        Assert.Equal(ApiErrors.Catalog.Find(Refusal.StoreUnavailable), error.Descriptor);
    }

    private static RefusalResponder Responder() => HandBuiltRefusals.Responder(ApiErrors.Catalog, Now);

    private static RequestState State() => HandBuiltRefusals.State(Now);

    private static PlanBook Book()
    {
        var options = new ApiErrorCatalogOptions
        {
            Plans = { ["p"] = new PlanOptions { Limits = { ["minute"] = new LimitOptions { PermitLimit = 1, Window = "minute" } } } },
        };
        var errors = new List<string>();
        var book = PlanBook.Build(options, ErrorCatalog.Defaults.ApiErrors.Catalog, "ApiErrorCatalog", errors);
        Assert.Empty(errors);
        return book;
    }

    private static JsonDocument Body(FakeResponse fake) => JsonDocument.Parse(Encoding.UTF8.GetString(fake.Pipe.Written));
}
