using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace ErrorCatalog.Tests;

/// <summary>
/// What the framework answers by itself (a body over Kestrel's limit, a malformed chunk, 405, 415, an unhandled
/// exception), through <c>AddApiErrorProblemDetails</c>, <c>UseExceptionHandler</c> and <c>UseStatusCodePages</c> on
/// Kestrel: each in the catalog's shape with its real status, and one log line with the body's request id.
/// </summary>
public sealed class FrameworkStatusTests : IAsyncLifetime
{
    private WebApplication _app = null!;
    private Uri _address = null!;

    private FakeLogCollector Logs => _app.Services.GetFakeLogCollector();

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Logging.AddFakeLogging();
        builder.Services.AddApiErrorProblemDetails(o =>
        {
            o.Catalog = ApiErrors.Catalog;
            o.StatusErrors[400] = "BAD_REQUEST";
            o.StatusErrors[404] = "NOT_FOUND";
        });
        _app = builder.Build();
        _app.UseExceptionHandler();
        _app.UseStatusCodePages();
        _app.MapPost("/upload", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            return (await reader.ReadToEndAsync(context.RequestAborted)).Length;
        });
        _app.MapPost("/items", (Item item) => item.Name);
        _app.MapGet("/broken", IResult () => throw new InvalidOperationException("secret detail"));
        _app.MapGet("/broken-flat", IResult () => throw new InvalidOperationException("secret detail")).WithErrorShape("flat");
        _app.MapGet("/things/{id}", (string id) => ApiErrors.NotFound($"thing {id}"));
        _app.MapGet("/conflict", () => Results.Problem(statusCode: 409, detail: "the app's own problem"));
        await _app.StartAsync();
        _address = new Uri(_app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task BodyOverKestrelsLimit_Answers413InTheCatalogShape_Not500()
    {
        // 35 MB announced: over Kestrel's default 30 MB, refused when the endpoint reads the body.
        var (status, headers, body) = await SendRawAsync("POST /upload HTTP/1.1\r\nHost: test\r\nContent-Length: 36700160\r\n\r\n{}");

        Assert.Equal(413, status);
        Assert.Equal("application/problem+json", headers["Content-Type"]);
        Assert.Equal("BAD_REQUEST", body.GetProperty("code").GetString());
        Assert.Equal(413, body.GetProperty("status").GetInt32());
        Assert.StartsWith("The server could not process the request: Request body too large.", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        AssertOneLine(LogLevel.Information, $"Request {body.GetProperty("requestId").GetString()} answered 413 BAD_REQUEST");
    }

    [Fact]
    public async Task MalformedChunkSize_Answers400_Not500()
    {
        // A chunk size that overflows: Kestrel throws a plain IOException("Bad chunk size data.") at the reading endpoint.
        var (status, _, body) = await SendRawAsync("POST /upload HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFF\r\n");

        Assert.Equal(400, status);
        Assert.Equal("BAD_REQUEST", body.GetProperty("code").GetString());
        Assert.Equal(400, body.GetProperty("status").GetInt32());
        AssertOneLine(LogLevel.Information, $"Request {body.GetProperty("requestId").GetString()} answered 400 BAD_REQUEST");
    }

    [Fact]
    public async Task MethodNotAllowed_Answers405WithTheGenericEntry_KeepsAllow()
    {
        using var client = new HttpClient { BaseAddress = _address };

        using var response = await client.PostAsync("/broken", new StringContent(""));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("GET", Assert.Single(response.Content.Headers.Allow));
        var body = await ReadAsync(response);
        Assert.Equal(["type", "title", "status", "detail", "instance", "code", "requestId", "reason"], body.EnumerateObject().Select(p => p.Name));
        Assert.Equal("BAD_REQUEST", body.GetProperty("code").GetString());
        Assert.Equal(405, body.GetProperty("status").GetInt32());
        Assert.Equal("The server could not process the request: Method Not Allowed", body.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task AppsOwnProblem_WithAStatusTheFrameworkNeverAnswers_IsNotRelabelled()
    {
        using var client = new HttpClient { BaseAddress = _address };

        using var response = await client.GetAsync("/conflict");

        // The framework's writer answers it: a client branching on "code" must not read BAD_REQUEST for a conflict.
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var body = await ReadAsync(response);
        Assert.False(body.TryGetProperty("code", out _));
        Assert.Equal("the app's own problem", body.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task WrongContentType_Answers415WithTheGenericEntry()
    {
        using var client = new HttpClient { BaseAddress = _address };

        using var response = await client.PostAsync("/items", new StringContent("name=x", Encoding.UTF8, "text/plain"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        var body = await ReadAsync(response);
        Assert.Equal("BAD_REQUEST", body.GetProperty("code").GetString());
        Assert.Equal(415, body.GetProperty("status").GetInt32());
        AssertOneLine(LogLevel.Information, $"Request {body.GetProperty("requestId").GetString()} answered 415 BAD_REQUEST");
    }

    [Fact]
    public async Task UnhandledException_Answers500_LogsOneErrorLineWithTheExceptionAndTheBodysRequestId()
    {
        using var client = new HttpClient { BaseAddress = _address };

        using var response = await client.GetAsync("/broken");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var body = await ReadAsync(response);
        Assert.Equal("INTERNAL_SERVER_ERROR", body.GetProperty("code").GetString());
        Assert.DoesNotContain("secret detail", body.GetRawText(), StringComparison.Ordinal);
        var line = AssertOneLine(LogLevel.Error, $"Request {body.GetProperty("requestId").GetString()} failed with an unhandled exception; answered 500 INTERNAL_SERVER_ERROR");
        Assert.Equal("secret detail", Assert.IsType<InvalidOperationException>(line.Exception).Message);
        Assert.Equal(body.GetProperty("requestId").GetString(), line.StructuredState!.Single(p => p.Key == "RequestId").Value);
    }

    [Fact]
    public async Task UnhandledException_AtAnEndpointWithAnErrorShape_AnswersInThatShape()
    {
        using var client = new HttpClient { BaseAddress = _address };

        using var response = await client.GetAsync("/broken-flat");

        // The exception handler removes the endpoint from the request before answering; its shape still applies.
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = await ReadAsync(response);
        Assert.Equal(["error", "detail"], body.EnumerateObject().Select(p => p.Name));
        Assert.Equal("INTERNAL_SERVER_ERROR", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task ErrorReturnedByAnEndpoint_LogsOneLineWithTheBodysRequestId()
    {
        using var client = new HttpClient { BaseAddress = _address };

        using var response = await client.GetAsync("/things/42");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var body = await ReadAsync(response);
        var line = AssertOneLine(LogLevel.Information, $"Request {body.GetProperty("requestId").GetString()} answered 404 NOT_FOUND");
        Assert.Equal("ErrorCatalog.ApiError", line.Category);
        Assert.Equal("ErrorAnswered", line.Id.Name);
    }

    /// <summary>The only line of the request at or above Information, whatever its category.</summary>
    private FakeLogRecord AssertOneLine(LogLevel level, string message)
    {
        var lines = Logs.GetSnapshot().Where(r => r.Level >= LogLevel.Information && r.Category != "Microsoft.Hosting.Lifetime").ToList();
        var line = Assert.Single(lines);
        Assert.Equal(level, line.Level);
        Assert.Equal(message, line.Message);
        return line;
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }

    /// <summary>Sends bytes no HttpClient would (a malformed chunk, a length it will not send), reads the answer.</summary>
    private async Task<(int Status, Dictionary<string, string> Headers, JsonElement Body)> SendRawAsync(string request)
    {
        using var socket = new TcpClient();
        await socket.ConnectAsync(_address.Host, _address.Port);
        var stream = socket.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var statusLine = await reader.ReadLineAsync() ?? throw new InvalidOperationException("No answer.");
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var line = await reader.ReadLineAsync(); !string.IsNullOrEmpty(line); line = await reader.ReadLineAsync())
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            headers[line[..colon]] = line[(colon + 1)..].Trim();
        }

        var buffer = new char[int.Parse(headers["Content-Length"], System.Globalization.CultureInfo.InvariantCulture)];
        await reader.ReadBlockAsync(buffer);
        using var document = JsonDocument.Parse(new string(buffer));
        return (int.Parse(statusLine.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture), headers, document.RootElement.Clone());
    }

    private sealed record Item(string Name);
}
