using ErrorCatalog.Tests.Fakes;
using static ErrorCatalog.Tests.Fakes.TestContexts;

namespace ErrorCatalog.Tests;

// Node kinds the default catalog's shapes don't use: text templates, literals, a spread in a nested object.
public sealed partial class ApiErrorWriterTests
{
    private static readonly BodyShape Custom = new(
        "custom",
        "application/vnd.test+json",
        ShapeNode.Object(
            null,
            ShapeNode.Text(
                "message",
                TemplateSegment.Literal("["),
                TemplateSegment.Value(SystemValue.Code),
                TemplateSegment.Literal("/"),
                TemplateSegment.Value(SystemValue.NumericCode),
                TemplateSegment.Literal("/"),
                TemplateSegment.Value(SystemValue.Status),
                TemplateSegment.Literal("] "),
                TemplateSegment.Value(SystemValue.Detail),
                TemplateSegment.Literal(" at "),
                TemplateSegment.Value(SystemValue.Timestamp),
                TemplateSegment.Literal(" for "),
                TemplateSegment.Value(SystemValue.RequestId)),
            ShapeNode.Literal("version", "2"u8),
            ShapeNode.Value("resolution", SystemValue.Resolution),
            ShapeNode.Object("args", ShapeNode.Arguments())));

    [Fact]
    public void CustomShape_FillsTextTemplateAndSpreadsArguments()
    {
        var body = Parse(ApiErrorWriter.GetBodyBytes(MinuteLimit, Fixed, Custom));

        Assert.Equal(["message", "version", "resolution", "args"], Names(body));
        Assert.Equal(
            "[API_KEY_PLAN_MINUTE_RATE_LIMIT_REACHED/1008/429] You've exceeded your API Key's HTTP request rate limit: 10 of 10 requests this minute."
            + " Rate limits reset every minute. at 2025-03-01T12:34:56.789Z for 0HN7REQ:00000001",
            body.GetProperty("message").GetString());
        Assert.Equal(2, body.GetProperty("version").GetInt32());
        Assert.Equal("Wait for the rate limit to reset, then retry.", body.GetProperty("resolution").GetString());
        Assert.Equal(["used", "limit", "retryAfter"], Names(body.GetProperty("args")));
    }

    [Fact]
    public void CustomShapeTextTemplate_EscapesHostileText()
    {
        const string Text = "\"q\" \\ \r\n\0 é 日本 😀";
        var error = new ApiError(TestCatalog.Echo);
        error.Set(0, Text);

        var body = Parse(ApiErrorWriter.GetBodyBytes(error, Fixed with { RequestId = Text }, Custom));

        Assert.Equal($"[ECHO//400] {Text} at 2025-03-01T12:34:56.789Z for {Text}", body.GetProperty("message").GetString());
        Assert.Equal("None.", body.GetProperty("resolution").GetString());
        Assert.Equal(Text, body.GetProperty("args").GetProperty("reason").GetString());
    }

    [Fact]
    public void CustomShapeForEntryWithoutResolution_LeavesItOut()
    {
        var body = Parse(ApiErrorWriter.GetBodyBytes(new ApiError(TestCatalog.Quota), default, Custom));

        Assert.False(body.TryGetProperty("resolution", out _));
        Assert.Empty(Names(body.GetProperty("args")));
    }
}
