using System.Text;
using System.Text.Json;

namespace ErrorCatalog.Tests.Fakes;

/// <summary>A fixed request side of an error, and small helpers to read bodies.</summary>
internal static class TestContexts
{
    public static readonly DateTimeOffset Now = new(2025, 3, 1, 12, 34, 56, 789, TimeSpan.Zero);

    public static readonly ErrorContext Fixed = new()
    {
        RequestId = "0HN7REQ:00000001",
        Instance = "/v1/rates/EUR-USD",
        Timestamp = Now,
        ElapsedMilliseconds = 12,
        CreditCount = 3,
        Plan = "pro",
    };

    public static string Text(byte[] utf8) => Encoding.UTF8.GetString(utf8);

    public static JsonElement Parse(byte[] utf8)
    {
        using var document = JsonDocument.Parse(utf8);
        return document.RootElement.Clone();
    }

    public static string[] Names(JsonElement element) => element.EnumerateObject().Select(p => p.Name).ToArray();
}
