namespace ErrorCatalog.Packages.Tests;

/// <summary>Every test here shares one packed feed, and runs one at a time: each builds a whole app.</summary>
[CollectionDefinition(Name)]
public sealed class PackagesCollection : ICollectionFixture<PackageFeed>
{
    public const string Name = "Packages";
}
