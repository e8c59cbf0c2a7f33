using System.Net;
using Microsoft.Extensions.Logging.Testing;
using static Samples.Proceeds.Tests.Envelope;
using static Samples.Proceeds.Tests.ProceedsFactory;

namespace Samples.Proceeds.Tests;

/// <summary>"Quote meta.requestId when contacting support — it correlates with the server log line for your request."</summary>
public sealed class RequestIdTests
{
    private static string? ScopeRequestId(FakeLogRecord record) =>
        record.Scopes
            .OfType<IEnumerable<KeyValuePair<string, object?>>>()
            .SelectMany(static scope => scope)
            .Where(static pair => pair.Key == "RequestId")
            .Select(static pair => pair.Value as string)
            .LastOrDefault();

    [Fact]
    public async Task Refusal_RequestIdInTheBody_IsTheRequestIdOfTheRefusalLogLineAndOfItsLogScope()
    {
        await using var api = new ProceedsFactory();

        using var response = await api.GetAsync("/v1/paywalls", RevokedKey);

        var body = await AssertPlainErrorAsync(response, HttpStatusCode.Unauthorized, "KEY_REVOKED", "This API key has been revoked");
        var requestId = RequestId(body);
        var line = Assert.Single(api.Logs.GetSnapshot(), static r => r.Id.Name == "RequestRefused");
        Assert.Equal($"Request {requestId} refused with KEY_REVOKED (KeyRevoked) for key acme-revoked", line.Message);
        Assert.Equal(requestId, line.GetStructuredStateValue("RequestId"));
        Assert.Equal(requestId, ScopeRequestId(line));
    }

    [Fact]
    public async Task EndpointError_RequestIdInTheBody_IsTheRequestIdOfEveryLogLineOfTheRequest()
    {
        await using var api = new ProceedsFactory();

        using var response = await api.PostAsync("/v1/paywalls", OwnerKey, """{"slug":"premium-report","name":"x","priceUsd":1,"wallet":"0x52908400098527886E0F7030069857D2E4169EE7"}""");

        var requestId = RequestId(await AssertPlainErrorAsync(response, HttpStatusCode.Conflict, "CONFLICT", "A paywall with slug 'premium-report' already exists"));
        var lines = api.Logs.GetSnapshot().Where(static r => r.Category == "Microsoft.AspNetCore.Hosting.Diagnostics").ToList();
        Assert.Contains(lines, static r => r.Message.StartsWith("Request starting", StringComparison.Ordinal));
        Assert.Contains(lines, static r => r.Message.StartsWith("Request finished", StringComparison.Ordinal) && r.Message.Contains(" 409 ", StringComparison.Ordinal));
        Assert.All(lines, r => Assert.Equal(requestId, ScopeRequestId(r)));
    }

    [Fact]
    public async Task ValidationError_RequestIdInTheBody_IsTheLogScopesRequestId()
    {
        await using var api = new ProceedsFactory();

        using var response = await api.PostAsync("/v1/paywalls", OwnerKey, "{}");

        var body = await AssertErrorAsync(response, HttpStatusCode.BadRequest, "VALIDATION_ERROR", "Request validation failed");
        var finished = Assert.Single(api.Logs.GetSnapshot(), static r => r.Message.StartsWith("Request finished", StringComparison.Ordinal));
        Assert.Equal(RequestId(body), ScopeRequestId(finished));
    }

    [Fact]
    public async Task EveryRequest_HasItsOwnRequestId_InThePagesFormat()
    {
        await using var api = new ProceedsFactory();
        var ids = new HashSet<string>(StringComparer.Ordinal);

        for (var i = 0; i < 20; i++)
        {
            using var response = await api.GetAsync(i % 2 == 0 ? "/v1/paywalls" : "/v1/paywalls/pw_nope", OwnerKey);
            var body = await ReadJsonAsync(response);
            Assert.Matches("^req_[0-9a-f]{32}$", RequestId(body));
            Assert.True(ids.Add(RequestId(body)));
        }
    }
}
