namespace ErrorCatalog.Middleware.Tests;

/// <summary>A fact that runs in Release builds only (allocation guards: Debug builds box async state machines).</summary>
public sealed class ReleaseOnlyFactAttribute : FactAttribute
{
    public ReleaseOnlyFactAttribute()
    {
#if DEBUG
        Skip = "Allocation guards run in Release builds (dotnet test -c Release): Debug compiles async state machines as classes.";
#endif
    }
}
