using System.Text.Json;
using ErrorCatalog.Tests.Fakes;
using Microsoft.AspNetCore.Http;
using static ErrorCatalog.Tests.Fakes.TestContexts;

namespace ErrorCatalog.Tests;

// Placeholder text is escaped in bodies and made header-safe in headers.
public sealed partial class ApiErrorWriterTests
{
    public static TheoryData<string> HostileText =>
    [
        "say \"hi\"",
        @"C:\temp\",
        "line1\nline2\r\n",
        "nul\0here",
        "unit\u001fsep",
        "café",
        "日本",
        "emoji 😀 end",
        "</script><script>alert(1)</script>&'+",
        "\u2028\u2029",
    ];

    [Theory]
    [MemberData(nameof(HostileText))]
    public void StringPlaceholder_RoundTripsInEveryShape(string text)
    {
        var error = ApiErrors.BadRequest(text);
        var context = Fixed with { RequestId = text, Plan = text };
        var detail = "The server could not process the request: " + text;

        var problem = Parse(ApiErrorWriter.GetBodyBytes(error, context));
        var status = Parse(ApiErrorWriter.GetBodyBytes(error, context, Shape("status"))).GetProperty("status");
        var flat = Parse(ApiErrorWriter.GetBodyBytes(error, context, Shape("flat")));
        var envelope = Parse(ApiErrorWriter.GetBodyBytes(error, context, Shape("envelope")));

        Assert.Equal(text, problem.GetProperty("reason").GetString());
        Assert.Equal(text, problem.GetProperty("requestId").GetString());
        Assert.Equal(detail, problem.GetProperty("detail").GetString());
        Assert.Equal(detail, status.GetProperty("error_message").GetString());
        Assert.Equal(detail, flat.GetProperty("detail").GetString());
        Assert.Equal(text, flat.GetProperty("tier").GetString());
        Assert.Equal(text, envelope.GetProperty("meta").GetProperty("requestId").GetString());
    }

    [Theory]
    [MemberData(nameof(HostileText))]
    public void StringPlaceholder_HasNoRawControlCharacters(string text)
    {
        var bytes = ApiErrorWriter.GetBodyBytes(ApiErrors.BadRequest(text), Fixed);

        Assert.DoesNotContain(bytes, b => b < 0x20);
    }

    [Fact]
    public void LoneSurrogate_BecomesReplacementCharacter()
    {
        const string Text = "a\uD800b\uDC00c";
        var error = ApiErrors.BadRequest(Text);

        var problem = Parse(ApiErrorWriter.GetBodyBytes(error, Fixed with { RequestId = Text }));
        var flat = Parse(ApiErrorWriter.GetBodyBytes(error, Fixed with { Plan = Text }, Shape("flat")));

        Assert.Equal("a\uFFFDb\uFFFDc", problem.GetProperty("reason").GetString());
        Assert.Equal("a\uFFFDb\uFFFDc", problem.GetProperty("requestId").GetString());
        Assert.Equal("The server could not process the request: a\uFFFDb\uFFFDc", problem.GetProperty("detail").GetString());
        Assert.Equal("a\uFFFDb\uFFFDc", flat.GetProperty("tier").GetString());
    }

    [Fact]
    public void LoneSurrogate_InCallersValidatingWriter_WritesValidJson()
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            ApiErrorWriter.WriteBody(writer, ApiErrors.BadRequest("x\uDFFF"), Fixed);
        }

        Assert.Equal("x\uFFFD", Parse(stream.ToArray()).GetProperty("reason").GetString());
    }

    [Theory]
    [InlineData("a\r\nSet-Cookie: x=1", "reason=a??Set-Cookie: x=1")]
    [InlineData("café 日本 😀", "reason=caf? ?? ?")]
    [InlineData("nul\0\u001f\u007f", "reason=nul???")]
    [InlineData("tab\tok", "reason=tab\tok")]
    public void StringInHeaderTemplate_NeverReachesTheHeaderRaw(string text, string expected)
    {
        var error = new ApiError(TestCatalog.Echo);
        error.Set(0, text);
        var headers = new HeaderDictionary();

        ApiErrorWriter.WriteHeaders(headers, error, Fixed with { RequestId = "id\r\n" + text });

        Assert.Equal(expected, headers["X-Reason"].ToString());
        Assert.True(HeaderValues.IsSafe(headers["X-Reason"].ToString()));
        Assert.True(HeaderValues.IsSafe(headers["X-Request"].ToString()));
        Assert.StartsWith("id??", headers["X-Request"].ToString());
    }

    [Fact]
    public void LoneSurrogateInHeaderTemplate_BecomesOneQuestionMark()
    {
        var error = new ApiError(TestCatalog.Echo);
        error.Set(0, "lone \uD800!");
        var headers = new HeaderDictionary();

        ApiErrorWriter.WriteHeaders(headers, error, Fixed);

        Assert.Equal("reason=lone ?!", headers["X-Reason"].ToString());
    }

    [Fact]
    public void UnixTimeHeader_WritesWholeSeconds()
    {
        var error = new ApiError(TestCatalog.Quota);
        error.Set(1, DateTimeOffset.FromUnixTimeMilliseconds(1_740_000_000_999));
        var headers = new HeaderDictionary();

        ApiErrorWriter.WriteHeaders(headers, error, Fixed);

        Assert.Equal("1740000000", headers["X-Quota-Reset"].ToString());
    }
}
