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
        Assert.StartsWith("FAQ > Returns\n\nReturns take 30 days.", chunk.Content, StringComparison.Ordinal);
        Assert.Contains("## Shipping", chunk.Content, StringComparison.Ordinal);
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
    public void Chunk_LargeTable_SplitBetweenRowsWithHeaderRepeated()
    {
        var rows = string.Join('\n', Enumerable.Range(1, 40).Select(i => $"| Parameter{i} | The value {i} controls setting number {i}. |"));
        var doc = new KnowledgeDocument("params", "Parameters", $"# Parameters\n\n## Pooling\n\n| Name | Description |\n|---|---|\n{rows}\n\nAfter the table.");
        var chunker = new DocumentChunker(new ChunkingOptions { TargetSize = 600, Overlap = 50 });

        var chunks = chunker.Chunk(doc);

        var tablePieces = chunks.Where(c => c.Content.Contains("| Parameter", StringComparison.Ordinal)).ToList();
        Assert.True(tablePieces.Count >= 3, $"expected the table in several chunks, got {tablePieces.Count}");
        Assert.All(tablePieces, c => Assert.StartsWith("Parameters > Pooling\n\n| Name | Description |\n|---|---|\n| Parameter", c.Content, StringComparison.Ordinal));
        foreach (var i in Enumerable.Range(1, 40))
        {
            // Every row whole, in exactly one chunk.
            Assert.Single(chunks, c => c.Content.Contains($"| Parameter{i} | The value {i} controls setting number {i}. |", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Chunk_LargeCodeFence_SplitBetweenLinesWithFenceReopened()
    {
        var code = string.Join('\n', Enumerable.Range(1, 60).Select(i => $"var connection{i} = await dataSource.OpenConnectionAsync();"));
        var doc = new KnowledgeDocument("code", "Code", $"# Code\n\nIntro.\n\n```csharp\n{code}\n```\n");
        var chunker = new DocumentChunker(new ChunkingOptions { TargetSize = 800, Overlap = 50 });

        var chunks = chunker.Chunk(doc);

        var codePieces = chunks.Where(c => c.Content.Contains("OpenConnectionAsync", StringComparison.Ordinal)).ToList();
        Assert.True(codePieces.Count >= 3);
        Assert.All(codePieces, c => Assert.Contains("```csharp\nvar connection", c.Content, StringComparison.Ordinal));
        Assert.All(codePieces, c => Assert.EndsWith("\n```", c.Content, StringComparison.Ordinal));
        Assert.All(Enumerable.Range(1, 60), i => Assert.Single(chunks, c => c.Content.Contains($"var connection{i} = await", StringComparison.Ordinal)));
    }

    [Fact]
    public void Chunk_SingleListItemLargerThanAChunk_SplitAtNestedItemsKeepingLinesAndFences()
    {
        var nested = string.Join('\n', Enumerable.Range(1, 12).Select(i => $"  * [ ] Step {i} notifies the lantern team number {i} and waits for their answer."));
        var code = "  * Run the helper:\n    ```text\n" + string.Join('\n', Enumerable.Range(1, 14).Select(i => $"    lantern announce --team {i} --wait")) + "\n    ```";
        var doc = new KnowledgeDocument("release", "Release", $"# Release\n\n## Steps\n\n* [ ] 2\\. Send the pre-release announcement:\n{nested}\n{code}\n  * Close the milestone.");
        var chunker = new DocumentChunker(new ChunkingOptions { TargetSize = 400, Overlap = 50 });

        var chunks = chunker.Chunk(doc);

        Assert.True(chunks.Count >= 3, $"expected the item in several chunks, got {chunks.Count}");
        foreach (var chunk in chunks)
        {
            var lines = chunk.Content.Split('\n');

            // Every nested item keeps its own line (never joined into one "sentence"), and every piece repeats the parent item.
            Assert.All(lines, l => Assert.True(l.Split("* [ ]").Length <= 2, $"items joined on one line: {l}"));
            Assert.Contains("* [ ] 2\\. Send the pre-release announcement:", lines);
            Assert.True(lines.Count(l => l.TrimStart().StartsWith("```", StringComparison.Ordinal)) % 2 == 0, $"unbalanced fence in:\n{chunk.Content}");
            Assert.True(chunk.Content.Length <= 400 + 60, $"chunk of {chunk.Content.Length} chars");
        }

        Assert.All(Enumerable.Range(1, 12), i => Assert.Single(chunks, c => c.Content.Contains($"\n  * [ ] Step {i} notifies the lantern team number {i} and waits for their answer.\n", StringComparison.Ordinal) || c.Content.EndsWith($"\n  * [ ] Step {i} notifies the lantern team number {i} and waits for their answer.", StringComparison.Ordinal)));
        Assert.All(Enumerable.Range(1, 14), i => Assert.Single(chunks, c => c.Content.Contains($"\n    lantern announce --team {i} --wait\n", StringComparison.Ordinal)));
        Assert.Single(chunks, c => c.Content.EndsWith("\n  * Close the milestone.", StringComparison.Ordinal));
    }

    [Fact]
    public void Chunk_EmbedderInputLimit_EveryChunkWithTitleFitsTheModelInTokens()
    {
        using var embedder = new HybridAnswer.Embeddings.MiniLM.MiniLMEmbeddingGenerator();
        var limit = embedder.GetService(typeof(EmbeddingInputLimit)) as EmbeddingInputLimit;
        var chunker = new DocumentChunker(new ChunkingOptions(), limit);
        var doc = new KnowledgeDocument("policy", "Refund policy", "# Policy\n\n## Refunds\n\n" + Paragraph("refund", 60) + "\n\n## Exchanges\n\n" + Paragraph("exchange", 30));

        var chunks = chunker.Chunk(doc);

        Assert.True(chunks.Count >= 4, $"got {chunks.Count} chunks");
        Assert.All(chunks, c => Assert.InRange(embedder.CountTokens(doc.Title + "\n" + c.Content), 1, 256));
        Assert.All(chunks, c => Assert.StartsWith("Policy > ", c.Content, StringComparison.Ordinal));
        Assert.NotEqual(new DocumentChunker(new ChunkingOptions()).Fingerprint, chunker.Fingerprint);
    }

    [Fact]
    public void Chunk_EmbedderInputLimit_WideTableAndWrappedLines_EveryChunkFitsWhatTheModelReads()
    {
        // A separator padded to the columns' width costs a word piece per dash: a header and one row no longer fitted.
        using var embedder = new HybridAnswer.Embeddings.MiniLM.MiniLMEmbeddingGenerator();
        var limit = embedder.GetService(typeof(EmbeddingInputLimit)) as EmbeddingInputLimit;
        var chunker = new DocumentChunker(new ChunkingOptions(), limit);
        var rows = Enumerable.Range(1, 30).Select(i => $"Setting{i} | When true, the client keeps connection {i} open\nfor reuse | {i}");
        var table = "Parameter | Description | Default\n" + new string('-', 40) + " | :" + new string('-', 220) + " | " + new string('-', 20) + ":\n" + string.Join('\n', rows.Select(r => r.Replace("\n", " ", StringComparison.Ordinal)));
        var wrapped = string.Join('\n', Enumerable.Range(1, 40).Select(i => $"Line {i} of a hard-wrapped paragraph about pooling"));
        var doc = new KnowledgeDocument("params", "Connection String Parameters", "# Parameters\n\n## Pooling\n\n" + table + "\n\n## Notes\n\n" + wrapped);

        var chunks = chunker.Chunk(doc);

        Assert.All(chunks, c => Assert.InRange(embedder.CountTokens(doc.Title + "\n" + c.Content), 1, 256));
        Assert.Contains(chunks, c => c.Content.Contains("Parameter | Description | Default\n---|:---|---:\n", StringComparison.Ordinal));
        Assert.All(Enumerable.Range(1, 30), i => Assert.Contains(chunks, c => c.Content.Contains($"Setting{i} |", StringComparison.Ordinal)));
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
    public void ContentHash_DocumentWithoutLists_SameHashAsBeforeListsExisted()
    {
        // Pinned from the release before MultiValuedMetadata: a store filled then must not re-embed its documents now.
        var chunker = new DocumentChunker(new ChunkingOptions());
        var doc = new KnowledgeDocument("a", "A", "text") { Metadata = new Dictionary<string, string> { ["status"] = "draft" }, SourceUri = "a.md" };

        Assert.Equal("v2:2ec666ea757d1da292e7b2ac6bbfaafbf7b24aa2076254965be891125f7e90fe", chunker.ContentHash(doc));
        Assert.Equal(chunker.ContentHash(doc), chunker.ContentHash(doc with { MultiValuedMetadata = new Dictionary<string, IReadOnlyList<string>>() }));
    }

    [Fact]
    public void ContentHash_EmbedderIdentity_InTheHashWhenReported_NamesCannotImitateTheBoundary()
    {
        var doc = new KnowledgeDocument("a", "A", "text") { Metadata = new Dictionary<string, string> { ["status"] = "draft" }, SourceUri = "a.md" };
        string Hash(Microsoft.Extensions.AI.IEmbeddingGenerator<string, Microsoft.Extensions.AI.Embedding<float>> embedder) =>
            new DocumentChunker(new ChunkingOptions(), null, EmbedderIdentity.Of(embedder)).ContentHash(doc);
        var silent = new Moq.Mock<Microsoft.Extensions.AI.IEmbeddingGenerator<string, Microsoft.Extensions.AI.Embedding<float>>>().Object;
        var hashing = new HashingEmbeddingGenerator(64);

        // An embedder that reports nothing hashes as before identities existed: no store re-embeds for it on upgrade.
        Assert.Null(EmbedderIdentity.Of(silent));
        Assert.Equal("v2:2ec666ea757d1da292e7b2ac6bbfaafbf7b24aa2076254965be891125f7e90fe", Hash(silent));
        string[] hashes =
        [
            Hash(silent),
            Hash(hashing),
            Hash(new HashingEmbeddingGenerator(128)),
            Hash(new HybridAnswer.Tests.Shared.RenamedEmbedder(hashing, "a/b", "c")),
            Hash(new HybridAnswer.Tests.Shared.RenamedEmbedder(hashing, "a", "b/c")),
        ];

        Assert.Equal(hashes.Length, hashes.Distinct().Count());
        Assert.Equal(Hash(hashing), Hash(new HybridAnswer.Tests.Shared.RenamedEmbedder(hashing, "hybridanswer-hashing", HashingEmbeddingGenerator.ModelId)));
    }

    [Fact]
    public void ContentHash_Lists_EveryDifferenceChangesTheHash()
    {
        var chunker = new DocumentChunker(new ChunkingOptions());
        var doc = new KnowledgeDocument("a", "A", "text");
        string Hash(Dictionary<string, string>? scalars, params (string Key, string[] Values)[] lists) => chunker.ContentHash(doc with
        {
            Metadata = scalars ?? [],
            MultiValuedMetadata = lists.ToDictionary(l => l.Key, l => (IReadOnlyList<string>)l.Values),
        });

        string[] hashes =
        [
            Hash(null),
            Hash(null, ("tags", [])),
            Hash(null, ("tags", ["a", "b"])),
            Hash(null, ("tags", ["b", "a"])),
            Hash(null, ("tags", ["ab"])),
            Hash(null, ("tags", ["a"]), ("b", [])),
            Hash(null, ("tags", ["a", "b"]), ("x", ["y"])),
            Hash(null, ("tags", ["a"])),
            Hash(new() { ["tags"] = "a" }),
            Hash(new() { ["tags"] = "a" }, ("u", ["v"])),
            Hash(new() { ["u"] = "v" }, ("tags", ["a"])),
        ];

        Assert.Equal(hashes.Length, hashes.Distinct().Count());
        Assert.Equal(Hash(null, ("tags", ["a", "b"]), ("x", ["y"])), Hash(null, ("x", ["y"]), ("tags", ["a", "b"])));
    }

    [Fact]
    public void Constructor_OverlapTooLarge_Throws()
    {
        var e = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => new DocumentChunker(new ChunkingOptions { TargetSize = 200, Overlap = 100 }));
        Assert.Contains("Overlap", e.Message, StringComparison.Ordinal);
    }
}
