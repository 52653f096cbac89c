namespace HybridAnswer.Package.Tests;

/// <summary>The tests that share one local feed (packing takes a while; once per run is enough).</summary>
[CollectionDefinition(Name)]
public sealed class LocalFeedCollection : ICollectionFixture<LocalFeedFixture>
{
    /// <summary>The collection name.</summary>
    public const string Name = "Local feed";
}
