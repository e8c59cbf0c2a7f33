namespace ErrorCatalog.Generator.Tests.Harness;

/// <summary>The checkout the tests were built from: the folder holding ErrorCatalog.sln above the test binaries.</summary>
internal static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "ErrorCatalog.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No ErrorCatalog.sln above {AppContext.BaseDirectory}.");
    }
}
