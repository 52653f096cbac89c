using System.Globalization;
using static HybridAnswer.StoreConformance.ConformanceDocuments;

namespace HybridAnswer.StoreConformance;

/// <summary>
/// Ingestion: change detection (unchanged content is neither embedded nor written again), atomic replacement of a document's
/// chunks, failures and cancellation that leave the stored version intact, delete and prune, and the documents every store
/// must refuse before anything is written.
/// </summary>
/// <param name="fixture">Creates the stores under test.</param>
public abstract class IngestConformanceTests(KnowledgeStoreFixture fixture) : ConformanceTests(fixture)
{
    /// <summary>Unchanged documents are counted as such and not embedded again; a changed one is updated and only it is embedded.</summary>
    [Fact]
    public virtual async Task UpsertAsync_UnchangedDocuments_AreNotReembedded()
    {
        var embedder = TestEmbedder.Hashing();
        await using var store = await CreateStoreAsync(embedder);
        var docs = Random(10, seed: 5);

        var first = await store.UpsertAsync(docs);
        var calls = embedder.Calls;
        var inputs = embedder.Inputs;
        var second = await store.UpsertAsync(docs);
        var callsAfterSecond = embedder.Calls;
        var changed = docs.Select((d, i) => i == 3 ? new KnowledgeDocument(d.Id, d.Title, d.Content + " Updated.") : d).ToList();
        var third = await store.UpsertAsync(changed);

        Assert.Equal((10, 0, 0, 0), Counts(first));
        Assert.Equal((0, 0, 10, 0), Counts(second));
        Assert.Equal(calls, callsAfterSecond);
        Assert.Equal(inputs + 1, embedder.Inputs);
        Assert.Equal((0, 1, 9, 0), Counts(third));
        Assert.Equal(10, await store.KnowledgeBase.CountAsync());
    }

    /// <summary>A changed document has all its chunks replaced by the new ones (none of the old left), and only it is embedded.</summary>
    [Fact]
    public virtual async Task UpsertAsync_ChangedDocument_ReplacesAllItsChunksAndOnlyEmbedsIt()
    {
        var embedder = TestEmbedder.Hashing();
        await using var store = await CreateStoreAsync(embedder, chunking: new ChunkingOptions { TargetSize = 100, Overlap = 0 });
        var longText = string.Join("\n\n", Enumerable.Range(0, 6).Select(i => string.Create(CultureInfo.InvariantCulture, $"## Part {i}\n\nParagraph {i} talks about descaling the kettle with citric acid.")));
        await store.UpsertAsync([new KnowledgeDocument("kettle", "Kettle", longText), Manuals[1]]);
        Assert.True((await store.AllChunksAsync()).Count(c => c.DocumentId == "kettle") > 3);
        var inputs = embedder.Inputs;

        var result = await store.UpsertAsync([new KnowledgeDocument("kettle", "Kettle", "Short now."), Manuals[1]]);
        var embedded = embedder.Inputs - inputs;

        Assert.Equal((0, 1, 1, 0), Counts(result));
        var kettle = Assert.Single(await store.AllChunksAsync(), c => c.DocumentId == "kettle");
        Assert.Contains("Short now.", kettle.Content, StringComparison.Ordinal);
        Assert.Equal(1, embedded);
    }

    /// <summary>An embedding failure part-way through an upsert leaves every stored document as it was; the retry then updates them all.</summary>
    [Fact]
    public virtual async Task UpsertAsync_EmbeddingFailsMidway_PreviousVersionIntact()
    {
        var embedder = TestEmbedder.Hashing();
        await using var store = await CreateStoreAsync(embedder, embeddingBatchSize: 1);
        await store.UpsertAsync(Manuals);
        var before = await ContentsAsync(store);

        embedder.FailOnCall = embedder.Calls + 2;
        var changed = Manuals.Select(d => new KnowledgeDocument(d.Id, d.Title, d.Content + "\n\nVersion 2.") { Metadata = d.Metadata }).ToList();
        await Assert.ThrowsAsync<HttpRequestException>(() => store.UpsertAsync(changed));

        Assert.Equal(before, await ContentsAsync(store));
        embedder.FailOnCall = null;
        Assert.Equal((0, 3, 0, 0), Counts(await store.UpsertAsync(changed)));
        Assert.All((await ContentsAsync(store)).Values, c => Assert.EndsWith("Version 2.", c, StringComparison.Ordinal));
    }

    /// <summary>An upsert that fails on a new document keeps the old version of a changed one searchable and adds nothing.</summary>
    [Fact]
    public virtual async Task UpsertAsync_EmbeddingFails_LeavesPreviousVersionIntact()
    {
        var embedder = TestEmbedder.Hashing();
        await using var store = await CreateStoreAsync(embedder);
        await store.UpsertAsync([Doc("a", "The return window is 30 days."), Doc("b", "Shipping is free.")]);

        embedder.FailOnText = "poison";
        await Assert.ThrowsAsync<HttpRequestException>(() => store.UpsertAsync([Doc("a", "The return window is 60 days."), Doc("c", "poison")]));

        var results = await store.RetrieveAsync(new RetrievalRequest("return window days"));
        Assert.Contains("30 days", results[0].Content, StringComparison.Ordinal);
        Assert.Equal(["a", "b"], await store.KnowledgeBase.ListDocumentIdsAsync());
    }

    /// <summary>An embedding failure on the second batch of a first upsert stores nothing at all.</summary>
    [Fact]
    public virtual async Task UpsertAsync_EmbedderFailsOnSecondBatch_NothingStored()
    {
        var embedder = TestEmbedder.Hashing();
        embedder.FailOnCall = 2;
        await using var store = await CreateStoreAsync(embedder, embeddingBatchSize: 2);

        await Assert.ThrowsAsync<HttpRequestException>(() => store.UpsertAsync(Enumerable.Range(0, 5).Select(i => new KnowledgeDocument($"d{i}", $"Doc {i}", $"Text {i}."))));

        Assert.Equal(0, await store.KnowledgeBase.CountAsync());
        Assert.Empty(await store.AllChunksAsync());
    }

    /// <summary>No embedding call carries more texts than the configured batch size.</summary>
    [Fact]
    public virtual async Task UpsertAsync_EmbeddingBatchSize_NoCallCarriesMoreTexts()
    {
        var embedder = TestEmbedder.Hashing();
        await using var store = await CreateStoreAsync(embedder, embeddingBatchSize: 3);

        await store.UpsertAsync(Enumerable.Range(0, 10).Select(i => new KnowledgeDocument($"d{i}", $"Doc {i}", $"Document number {i} talks about topic {i}.")));

        Assert.Equal([3, 3, 3, 1], embedder.BatchSizes);
        Assert.Equal(10, (await store.AllChunksAsync()).Count);
    }

    /// <summary>An empty vector from the embedder is refused with a clear error, and nothing is stored.</summary>
    [Fact]
    public virtual async Task UpsertAsync_EmbedderReturnsEmptyVector_RejectedAndNothingStored()
    {
        await using var store = await CreateStoreAsync(new TestEmbedder(16, _ => []));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => store.UpsertAsync([new KnowledgeDocument("kettle", "Kettle", "The kettle boils water.")]));

        Assert.Contains("empty vector", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, await store.KnowledgeBase.CountAsync());
    }

    /// <summary>An upsert cancelled after its last embedding (so the cancellation reaches the write) leaves the stored version intact.</summary>
    [Fact]
    public virtual async Task UpsertAsync_CancelledDuringWrite_PreviousVersionIntact()
    {
        using var cancellation = new CancellationTokenSource();
        var embedder = new TestEmbedder(16, text =>
        {
            if (text.Contains("Version 2", StringComparison.Ordinal) && text.Contains("air fryer", StringComparison.OrdinalIgnoreCase))
            {
                cancellation.Cancel();
            }

            return TestEmbedder.RandomVector(16, TestEmbedder.StableSeed(text));
        });
        await using var store = await CreateStoreAsync(embedder);
        await store.UpsertAsync(Manuals);
        var before = await ContentsAsync(store);

        var changed = Manuals.Select(d => new KnowledgeDocument(d.Id, d.Title, d.Content + "\n\nVersion 2.")).ToList();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.UpsertAsync(changed, cancellation.Token));

        Assert.Equal(before, await ContentsAsync(store));
    }

    /// <summary>Every operation honours a cancelled token: it throws and changes nothing.</summary>
    [Fact]
    public virtual async Task EveryOperation_CancelledToken_ThrowsAndChangesNothing()
    {
        await using var store = await CreateStoreAsync();
        await store.UpsertAsync(Manuals);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.UpsertAsync([Doc("new", "A new document.")], cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.KnowledgeBase.DeleteAsync(["kettle"], cancellationToken: cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.KnowledgeBase.ListDocumentIdsAsync(cancellationToken: cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.KnowledgeBase.CountAsync(cancellationToken: cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.RetrieveAsync(new RetrievalRequest("kettle"), cancelled.Token));

        Assert.Equal(["blender", "draft", "kettle"], await store.KnowledgeBase.ListDocumentIdsAsync());
    }

    /// <summary>Delete removes exactly the named documents and all their chunks, ignores unknown ids and returns how many existed.</summary>
    [Fact]
    public virtual async Task DeleteAsync_RemovesOnlyTheNamedDocumentsAndTheirChunks()
    {
        await using var store = await CreateStoreAsync();
        await store.UpsertAsync(Random(5, seed: 6));

        Assert.Equal(2, await store.KnowledgeBase.DeleteAsync(["doc-0001", "doc-0003", "missing"]));

        Assert.Equal(["doc-0000", "doc-0002", "doc-0004"], await store.KnowledgeBase.ListDocumentIdsAsync());
        Assert.Equal(3, await store.KnowledgeBase.CountAsync());
        var results = await store.RetrieveAsync(new RetrievalRequest("refund shipping warranty blender") { TopK = 10 });
        Assert.DoesNotContain(results, r => r.DocumentId is "doc-0001" or "doc-0003");
        Assert.DoesNotContain(await store.AllChunksAsync(), r => r.DocumentId is "doc-0001" or "doc-0003");
    }

    /// <summary>Delete by the manuals' ids: only the named one goes, with its chunks.</summary>
    [Fact]
    public virtual async Task DeleteAsync_AndCount_RemoveOnlyTheNamedDocuments()
    {
        await using var store = await CreateStoreAsync();
        await store.UpsertAsync(Manuals);

        Assert.Equal(1, await store.KnowledgeBase.DeleteAsync(["kettle", "no-such-document"]));

        Assert.Equal(["blender", "draft"], await store.KnowledgeBase.ListDocumentIdsAsync());
        Assert.Equal(2, await store.KnowledgeBase.CountAsync());
        Assert.DoesNotContain(await store.AllChunksAsync(), c => c.DocumentId == "kettle");
    }

    /// <summary>Pruning (list the stored ids, delete those whose source is gone) leaves exactly the source's documents, in ordinal order.</summary>
    [Fact]
    public virtual async Task ListDocumentIdsAsync_DeleteWhatTheSourceLost_PrunesToTheSource()
    {
        await using var store = await CreateStoreAsync();
        await store.UpsertAsync([Doc("b", "Bravo."), Doc("a", "Alpha."), Doc("C", "Charlie."), Doc("d", "Delta.")]);
        string[] source = ["a", "d"];

        var stored = await store.KnowledgeBase.ListDocumentIdsAsync();
        var deleted = await store.KnowledgeBase.DeleteAsync(stored.Except(source, StringComparer.Ordinal));

        Assert.Equal(["C", "a", "b", "d"], stored);
        Assert.Equal(2, deleted);
        Assert.Equal(source, await store.KnowledgeBase.ListDocumentIdsAsync());
        Assert.Equal(["a", "d"], (await store.AllChunksAsync()).Select(c => c.DocumentId).Order(StringComparer.Ordinal));
    }

    /// <summary>The same id twice in one upsert is refused, naming the id, before anything is stored.</summary>
    [Fact]
    public virtual async Task UpsertAsync_DuplicateIdsInOneCall_ThrowsAndStoresNothing()
    {
        await using var store = await CreateStoreAsync();

        var e = await Assert.ThrowsAsync<ArgumentException>(() => store.UpsertAsync([Doc("a", "x y z"), Doc("a", "x y")]));

        Assert.Contains("'a'", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, await store.KnowledgeBase.CountAsync());
    }

    /// <summary>A NUL character in content is refused (PostgreSQL cannot store it; every store refuses it alike).</summary>
    [Fact]
    public virtual async Task UpsertAsync_NulInContent_Rejected()
    {
        await using var store = await CreateStoreAsync();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => store.UpsertAsync([new KnowledgeDocument("nul", "Nul", "before\0after")]));

        Assert.Equal("documents", error.ParamName);
        Assert.Contains("NUL", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, await store.KnowledgeBase.CountAsync());
        Assert.Empty(await store.AllChunksAsync());
    }

    /// <summary>Bad list-valued metadata (a key that is also scalar, null lists or values, NUL, lone surrogates) is refused, naming the document; nothing of the batch is stored.</summary>
    /// <param name="problem">What is wrong.</param>
    [Theory]
    [InlineData("both")]
    [InlineData("null list")]
    [InlineData("null value")]
    [InlineData("nul in value")]
    [InlineData("nul in key")]
    [InlineData("lone surrogate in value")]
    [InlineData("lone surrogate in key")]
    public virtual async Task UpsertAsync_BadMultiValuedMetadata_RejectedAndNothingStored(string problem)
    {
        await using var store = await CreateStoreAsync();
        IReadOnlyDictionary<string, IReadOnlyList<string>> lists = problem switch
        {
            "both" => new Dictionary<string, IReadOnlyList<string>> { ["status"] = ["published"] },
            "null list" => new Dictionary<string, IReadOnlyList<string>> { ["tags"] = null! },
            "null value" => new Dictionary<string, IReadOnlyList<string>> { ["tags"] = ["a", null!] },
            "nul in value" => new Dictionary<string, IReadOnlyList<string>> { ["tags"] = ["a\0b"] },
            "nul in key" => new Dictionary<string, IReadOnlyList<string>> { ["ta\0gs"] = ["a"] },
            "lone surrogate in value" => new Dictionary<string, IReadOnlyList<string>> { ["tags"] = ["a\uD800"] },
            _ => new Dictionary<string, IReadOnlyList<string>> { ["ta\uDC00gs"] = ["a"] },
        };
        var document = new KnowledgeDocument("d", "D", "text") { Metadata = new Dictionary<string, string> { ["status"] = "draft" }, MultiValuedMetadata = lists };

        var error = await Assert.ThrowsAsync<ArgumentException>(() => store.UpsertAsync([Kettle, document]));

        Assert.Equal("documents", error.ParamName);
        Assert.Contains("'d'", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, await store.KnowledgeBase.CountAsync());
        Assert.Empty(await store.AllChunksAsync());
    }

    /// <summary>The same lists again are unchanged (the store keeps them exactly); a changed list is an update.</summary>
    [Fact]
    public virtual async Task UpsertAsync_SameListsAgain_Unchanged_ChangedList_Updated()
    {
        await using var store = await CreateStoreAsync();
        await store.UpsertAsync(Tagged);

        var again = await store.UpsertAsync(Tagged);
        var retagged = await store.UpsertAsync([Tagged[0] with { MultiValuedMetadata = new Dictionary<string, IReadOnlyList<string>> { ["tags"] = ["billing"] } }]);

        Assert.Equal((0, 0, 3, 0), Counts(again));
        Assert.Equal(1, retagged.Updated);
    }

    /// <summary>Readers searching while a document is replaced fifty times always see exactly one version of it, never none and never two.</summary>
    [Fact]
    public virtual async Task RetrieveAsync_WhileUpserting_SeesOldOrNewVersionNeverMissing()
    {
        await using var store = await CreateStoreAsync();
        await store.UpsertAsync([Doc("policy", "The return window is version 0 days."), .. Random(100, seed: 7)]);
        var writer = Task.Run(async () =>
        {
            for (var v = 1; v <= 50; v++)
            {
                await store.UpsertAsync([Doc("policy", string.Create(CultureInfo.InvariantCulture, $"The return window is version {v} days."))]);
            }
        });

        var readers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            var seen = 0;
            while (!writer.IsCompleted)
            {
                var results = await store.RetrieveAsync(new RetrievalRequest("return window version days") { TopK = 3 });
                Assert.Single(results, r => r.DocumentId == "policy");
                seen++;
            }

            return seen;
        })).ToList();

        await writer;
        Assert.All(await Task.WhenAll(readers), seen => Assert.True(seen >= 0));
        Assert.Contains("version 50", (await store.RetrieveAsync(new RetrievalRequest("return window version"))).First(r => r.DocumentId == "policy").Content, StringComparison.Ordinal);
    }
}
