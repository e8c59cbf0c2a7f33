using System.Net;
using static Samples.Proceeds.Tests.Envelope;
using static Samples.Proceeds.Tests.ProceedsFactory;

namespace Samples.Proceeds.Tests;

/// <summary>401s of the page: INVALID_API_KEY, KEY_REVOKED, KEY_EXPIRED, KEY_INACTIVE, in the page's error shape.</summary>
public sealed class KeyRefusalTests
{
    [Fact]
    public async Task NoKey_Returns401InvalidApiKey_ExactlyAsThePageShowsIt()
    {
        await using var api = new ProceedsFactory();

        using var response = await api.GetAsync("/v1/paywalls");

        // {"error": "Valid API key required", "code": "INVALID_API_KEY", "details": null,
        //  "meta": {"requestId": "req_...", "timestamp": "2026-01-01T00:00:00.000Z"}}
        await AssertPlainErrorAsync(response, HttpStatusCode.Unauthorized, "INVALID_API_KEY", "Valid API key required");
    }

    [Fact]
    public async Task UnknownKey_Returns401InvalidApiKey()
    {
        await using var api = new ProceedsFactory();

        using var response = await api.GetAsync("/v1/paywalls", "prc_not_a_key");

        await AssertPlainErrorAsync(response, HttpStatusCode.Unauthorized, "INVALID_API_KEY", "Valid API key required");
    }

    [Fact]
    public async Task MalformedBearerHeader_Returns401InvalidApiKey()
    {
        await using var api = new ProceedsFactory();

        using var response = await api.SendAsync(HttpMethod.Get, "/v1/paywalls", "", keyHeader: "Authorization");

        await AssertPlainErrorAsync(response, HttpStatusCode.Unauthorized, "INVALID_API_KEY", "Valid API key required");
    }

    [Fact]
    public async Task RevokedKey_Returns401KeyRevoked()
    {
        await using var api = new ProceedsFactory();

        using var response = await api.GetAsync("/v1/paywalls", RevokedKey);

        await AssertPlainErrorAsync(response, HttpStatusCode.Unauthorized, "KEY_REVOKED", "This API key has been revoked");
    }

    [Fact]
    public async Task ExpiredKey_Returns401KeyExpired()
    {
        await using var api = new ProceedsFactory();

        using var response = await api.GetAsync("/v1/paywalls", ExpiredKey);

        await AssertPlainErrorAsync(response, HttpStatusCode.Unauthorized, "KEY_EXPIRED", "This API key has expired");
    }

    [Fact]
    public async Task ExpiringKey_IsAdmittedUntilItsExpiry()
    {
        // The expired demo key expires at 2025-06-30T00:00:00Z: a second before, it works.
        await using var api = new ProceedsFactory(new DateTimeOffset(2025, 6, 29, 23, 59, 59, TimeSpan.Zero));

        using var before = await api.GetAsync("/v1/paywalls", ExpiredKey);
        api.Time.Advance(TimeSpan.FromSeconds(1));
        using var after = await api.GetAsync("/v1/paywalls", ExpiredKey);

        await AssertDataAsync(before);
        await AssertPlainErrorAsync(after, HttpStatusCode.Unauthorized, "KEY_EXPIRED", "This API key has expired", api.Time.GetUtcNow());
    }

    [Fact]
    public async Task InactiveKey_Returns401KeyInactive()
    {
        await using var api = new ProceedsFactory();

        using var response = await api.GetAsync("/v1/paywalls", InactiveKey);

        await AssertPlainErrorAsync(response, HttpStatusCode.Unauthorized, "KEY_INACTIVE", "This API key is not active");
    }

    [Theory]
    [InlineData("Authorization")]
    [InlineData("X-API-Key")]
    public async Task ValidKey_InEitherHeader_IsAdmitted(string header)
    {
        await using var api = new ProceedsFactory();

        using var response = await api.SendAsync(HttpMethod.Get, "/v1/paywalls", OwnerKey, keyHeader: header);

        var data = await AssertDataAsync(response);
        Assert.Equal("pw_acme_report", data[0].GetProperty("id").GetString());
    }
}
