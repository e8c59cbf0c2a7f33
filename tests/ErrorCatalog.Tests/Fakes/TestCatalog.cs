namespace ErrorCatalog.Tests.Fakes;

/// <summary>
/// A catalog built by hand, for what the default one lacks: <c>int</c>, <c>unixtime</c> and <c>bool</c>
/// placeholders, and headers built from strings and request values.
/// </summary>
internal static class TestCatalog
{
    public static readonly ErrorDescriptor Quota = new(
        code: "QUOTA_USED",
        numericCode: 42,
        status: 429,
        title: "Quota used",
        detail: [TemplateSegment.Literal("Used "), TemplateSegment.Argument("count"), TemplateSegment.Literal(" until "), TemplateSegment.Argument("resetAt")],
        resolution: null,
        type: "https://example.test/errors/quota-used",
        refusal: Refusal.None,
        placeholders: [new("count", PlaceholderKind.Int32), new("resetAt", PlaceholderKind.UnixTime), new("overage", PlaceholderKind.Boolean)],
        headers: [new("X-Quota-Reset", [TemplateSegment.Argument("resetAt")])],
        shape: null);

    public static readonly ErrorDescriptor Echo = new(
        code: "ECHO",
        numericCode: null,
        status: 400,
        title: "Echo",
        detail: [TemplateSegment.Argument("reason")],
        resolution: "None.",
        type: "https://example.test/errors/echo",
        refusal: Refusal.None,
        placeholders: [new("reason", PlaceholderKind.String)],
        headers:
        [
            new("X-Reason", [TemplateSegment.Literal("reason="), TemplateSegment.Argument("reason")]),
            new("X-Request", [TemplateSegment.Value(SystemValue.RequestId)]),
        ],
        shape: null);

    public static readonly ApiErrorCatalog Catalog = new(null, [], [Quota, Echo]);
}
