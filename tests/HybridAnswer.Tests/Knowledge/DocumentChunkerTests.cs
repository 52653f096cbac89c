namespace HybridAnswer.Tests.Knowledge;

public sealed class DocumentChunkerTests
{
    private static string Paragraph(string topic, int sentences) =>
        string.Join(' ', Enumerable.Range(1, sentences).Select(i => $"Sentence {i} explains the {topic} rule number {i} in some detail for customers."));

    [Fact]
    public void Chunk_SmallSections_PacksThemIntoOneChunkWithHeadings()
    {
        var chunker = new DocumentChunker(new ChunkingOptions { TargetSize = 1000, Overlap = 100 });
        var doc = new KnowledgeDocument("faq", "FAQ", "# FAQ\n\n## Returns\n\nReturns take 30 days.\n\n## Shipping\n\nShipping is free over $49.");

        var chunks = chunker.Chunk(doc);

        var chunk = Assert.Single(chunks);
        Assert.Contains("## Returns", chunk.Content, StringComparison.Ordinal);
        Assert.Contains("Shipping is free over $49.", chunk.Content, StringComparison.Ordinal);
        Assert.Equal("faq#0", chunk.ChunkId);
    }

    [Fact]
    public void Chunk_LargeSection_SplitsNearTargetWithOverlapAndHeadingPath()
    {
        var options = new ChunkingOptions { TargetSize = 400, Overlap = 80 };
        var chunker = new DocumentChunker(options);
        var doc = new KnowledgeDocument("policy", "Policy", "# Policy\n\n## Refunds\n\n" + Paragraph("refund", 12) + "\n\n" + Paragraph("exchange", 12));

        var chunks = chunker.Chunk(doc);

        Assert.True(chunks.Count >= 4, $"expected several chunks, got {chunks.Count}");
        Assert.All(chunks, c => Assert.True(c.Content.Length <= options.TargetSize + 40, $"chunk of {c.Content.Length} chars"));
        Assert.All(chunks.Skip(1), c => Assert.StartsWith("Policy > Refunds", c.Content, StringComparison.Ordinal));
        Assert.Equal(Enumerable.Range(0, chunks.Count), chunks.Select(c => c.Ordinal));

        // Overlap: some text at the end of a chunk reappears at the start of the next one.
        var secondBody = chunks[2].Content["Policy > Refunds\n\n".Length..];
        var firstSentenceOfSecond = secondBody[..(secondBody.IndexOf('.', StringComparison.Ordinal) + 1)];
        Assert.Contains(firstSentenceOfSecond, chunks[1].Content, StringComparison.Ordinal);

        // Nothing is lost: every sentence of the source appears in some chunk.
        foreach (var i in Enumerable.Range(1, 12))
        {
            Assert.Contains(chunks, c => c.Content.Contains($"exchange rule number {i} ", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Chunk_SameInput_GivesSameChunks()
    {
        var chunker = new DocumentChunker(new ChunkingOptions { TargetSize = 300, Overlap = 50 });
        var doc = new KnowledgeDocument("a", "A", Paragraph("warranty", 20));

        Assert.Equal(chunker.Chunk(doc).Select(c => c.Content), chunker.Chunk(doc).Select(c => c.Content));
    }

    [Fact]
    public void ContentHash_ChangesWithContentMetadataAndSettings_NotWithInstance()
    {
        var chunker = new DocumentChunker(new ChunkingOptions());
        var doc = new KnowledgeDocument("a", "A", "text") { Metadata = new Dictionary<string, string> { ["status"] = "draft" } };
        var same = new KnowledgeDocument("a", "A", "text") { Metadata = new Dictionary<string, string> { ["status"] = "draft" } };
        var published = new KnowledgeDocument("a", "A", "text") { Metadata = new Dictionary<string, string> { ["status"] = "published" } };
        var edited = new KnowledgeDocument("a", "A", "text!") { Metadata = doc.Metadata };

        Assert.Equal(chunker.ContentHash(doc), chunker.ContentHash(same));
        Assert.NotEqual(chunker.ContentHash(doc), chunker.ContentHash(published));
        Assert.NotEqual(chunker.ContentHash(doc), chunker.ContentHash(edited));
        Assert.NotEqual(chunker.ContentHash(doc), new DocumentChunker(new ChunkingOptions { TargetSize = 500 }).ContentHash(doc));
    }

    [Fact]
    public void Constructor_OverlapTooLarge_Throws()
    {
        var e = Assert.Throws<ArgumentException>(() => new DocumentChunker(new ChunkingOptions { TargetSize = 200, Overlap = 100 }));
        Assert.Contains("Overlap", e.Message, StringComparison.Ordinal);
    }
}
