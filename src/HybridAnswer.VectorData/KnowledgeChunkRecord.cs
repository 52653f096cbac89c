using Microsoft.Extensions.VectorData;

namespace HybridAnswer.VectorData;

/// <summary>
/// One chunk as a Microsoft.Extensions.VectorData record. Create the collection with <see cref="CreateDefinition"/> (it carries the
/// vector's dimensions), e.g. <c>vectorStore.GetCollection&lt;string, KnowledgeChunkRecord&gt;("knowledge", KnowledgeChunkRecord.CreateDefinition(384))</c>.
/// </summary>
public sealed class KnowledgeChunkRecord
{
    /// <summary>Gets or sets the record key: a hash of tenant, document id and ordinal (fixed length, safe for every connector's key rules).</summary>
    public string Key { get; set; } = string.Empty;

    /// <summary>Gets or sets the tenant; empty for documents without one.</summary>
    public string TenantId { get; set; } = string.Empty;

    /// <summary>Gets or sets the document id.</summary>
    public string DocumentId { get; set; } = string.Empty;

    /// <summary>Gets or sets the chunk's position in its document, from 0.</summary>
    public int Ordinal { get; set; }

    /// <summary>Gets or sets how many chunks the document has (kept on every chunk, so a replace knows which keys to remove).</summary>
    public int ChunkCount { get; set; }

    /// <summary>Gets or sets the document title.</summary>
    public string Title { get; set; } = string.Empty;

    /// <summary>Gets or sets the chunk text (full-text indexed, for hybrid search).</summary>
    public string Content { get; set; } = string.Empty;

    /// <summary>Gets or sets the document's content hash (unchanged documents are not re-embedded).</summary>
    public string ContentHash { get; set; } = string.Empty;

    /// <summary>Gets or sets where the document came from, if known; empty otherwise.</summary>
    public string SourceUri { get; set; } = string.Empty;

    /// <summary>Gets or sets the metadata as <c>key=value</c> tags, one per single value and one per value of a multi-valued key: a filter is translated to <c>Tags.Contains("key=value")</c>.</summary>
    public List<string> Tags { get; set; } = [];

    /// <summary>Gets or sets the document's metadata, serialised (restored on the retrieved chunks).</summary>
    public string MetadataJson { get; set; } = "{}";

    /// <summary>Gets or sets the unit-length embedding.</summary>
    public ReadOnlyMemory<float> Embedding { get; set; }

    /// <summary>The collection definition of these records: indexed tenant, document and tags, full-text indexed content, and a cosine-similarity vector.</summary>
    /// <param name="dimensions">The embedding model's dimensions.</param>
    /// <returns>The definition to pass to <c>GetCollection</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimensions"/> is below 1.</exception>
    public static VectorStoreCollectionDefinition CreateDefinition(int dimensions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        return new VectorStoreCollectionDefinition
        {
            Properties =
            [
                new VectorStoreKeyProperty(nameof(Key), typeof(string)),
                new VectorStoreDataProperty(nameof(TenantId), typeof(string)) { IsIndexed = true },
                new VectorStoreDataProperty(nameof(DocumentId), typeof(string)) { IsIndexed = true },
                new VectorStoreDataProperty(nameof(Ordinal), typeof(int)) { IsIndexed = true },
                new VectorStoreDataProperty(nameof(ChunkCount), typeof(int)),
                new VectorStoreDataProperty(nameof(Title), typeof(string)),
                new VectorStoreDataProperty(nameof(Content), typeof(string)) { IsFullTextIndexed = true },
                new VectorStoreDataProperty(nameof(ContentHash), typeof(string)),
                new VectorStoreDataProperty(nameof(SourceUri), typeof(string)),
                new VectorStoreDataProperty(nameof(Tags), typeof(List<string>)) { IsIndexed = true },
                new VectorStoreDataProperty(nameof(MetadataJson), typeof(string)),
                new VectorStoreVectorProperty(nameof(Embedding), typeof(ReadOnlyMemory<float>), dimensions) { DistanceFunction = DistanceFunction.CosineSimilarity },
            ],
        };
    }
}
