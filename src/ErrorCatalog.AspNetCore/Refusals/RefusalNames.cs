using ErrorCatalog;

namespace ErrorCatalog.Middleware;

/// <summary>
/// Each <see cref="Refusal"/>'s name, made once: log lines and metric tags use it without boxing the enum or
/// calling <see cref="Enum.ToString()"/> per refusal.
/// </summary>
internal static class RefusalNames
{
    private static readonly string[] Names = Build();

    public static string Of(Refusal refusal) =>
        (uint)refusal < (uint)Names.Length ? Names[(int)refusal] : refusal.ToString();

    private static string[] Build()
    {
        var values = Enum.GetValues<Refusal>();
        var names = new string[values.Max(static v => (int)v) + 1];
        foreach (var value in values)
        {
            names[(int)value] = value.ToString();
        }

        return names;
    }
}
