namespace HybridAnswer.Benchmarks;

/// <summary>The sample knowledge base of docs/samples, loaded once per process.</summary>
internal static class SampleKnowledge
{
    private static readonly Lazy<IReadOnlyList<KnowledgeDocument>> LoadedDocuments = new(
        () => KnowledgeDocumentLoader.LoadDirectoryAsync(Repository.SamplesDirectory).GetAwaiter().GetResult());

    public static IReadOnlyList<KnowledgeDocument> Documents => LoadedDocuments.Value;

    /// <summary>The texts the knowledge base embeds: title and content of every chunk.</summary>
    public static IReadOnlyList<string> ChunkTexts()
    {
        var chunker = new DocumentChunker(new ChunkingOptions());
        return [.. Documents.SelectMany(d => chunker.Chunk(d).Select(c => d.Title + "\n" + c.Content))];
    }

    /// <summary>The UTF-8 size of every document's content, the input of chunking.</summary>
    public static long ContentBytes => Documents.Sum(d => (long)System.Text.Encoding.UTF8.GetByteCount(d.Content));
}
