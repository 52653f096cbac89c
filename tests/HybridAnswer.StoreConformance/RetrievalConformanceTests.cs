using System.Diagnostics;
using System.Globalization;
using static HybridAnswer.StoreConformance.ConformanceDocuments;

namespace HybridAnswer.StoreConformance;

/// <summary>
/// Vector retrieval: scores are the cosine similarity, the top-K is exact under every filter selectivity (the filter applies
/// before top-K), the score floor, the embedding span, and the query embedder's mistakes reported clearly.
/// </summary>
/// <param name="fixture">Creates the stores under test.</param>
public abstract class RetrievalConformanceTests(KnowledgeStoreFixture fixture) : ConformanceTests(fixture)
{
    private const int CorpusSize = 1000;
    private const int Dimensions = 32;

    /// <summary>Without a filter, the top-K and its scores are those of a brute-force cosine ranking (or, for an approximate index,
    /// at least <see cref="KnowledgeStoreFixture.ApproximateRecall"/> of it, every returned score still the exact cosine).</summary>
    [Fact]
    public virtual async Task RetrieveAsync_NoFilter_EqualsBruteForce()
    {
        var embedder = new HashingEmbeddingGenerator(128);
        await using var store = await CreateStoreAsync(new TestEmbedder(128, embedder.Embed));
        var docs = Random(300, seed: 1);
        await store.UpsertAsync(docs);

        foreach (var query in new[] { "refund for a blender", "printer password", "customs duties on delivery" })
        {
            var q = embedder.Embed(query);
            var expected = docs
                .Select(d => (d.Id, Score: TestEmbedder.Dot(q, embedder.Embed(d.Title + "\n" + d.Content))))
                .OrderByDescending(x => x.Score).Take(7).ToList();

            var actual = await store.RetrieveAsync(new RetrievalRequest(query) { TopK = 7 });

            Assert.Equal(7, actual.Count);
            AssertTopK(expected, actual, exact: Fixture.ExactUnfilteredSearch);
            foreach (var chunk in actual)
            {
                var document = docs.Single(d => d.Id == chunk.DocumentId);
                Assert.Equal(TestEmbedder.Dot(q, embedder.Embed(document.Title + "\n" + document.Content)), chunk.Score, Fixture.ScorePrecision);
            }
        }
    }

    /// <summary>
    /// Under a filter that passes every, half, a tenth, a hundredth or a two-hundredth of 1,000 documents, exactly the true top-10 of
    /// the matching documents comes back, best first, with their cosine scores (five when only five match): the filter is applied
    /// before top-K, never after it.
    /// </summary>
    /// <param name="every">The filter passes every <paramref name="every"/>-th document.</param>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(10)]
    [InlineData(100)]
    [InlineData(200)]
    public virtual async Task RetrieveAsync_FilterOfEverySelectivity_ReturnsTheExactTopK(int every)
    {
        var (store, vectors) = await RandomCorpusAsync();
        await using (store)
        {
            var key = string.Create(CultureInfo.InvariantCulture, $"every{every}");
            for (var q = 0; q < 3; q++)
            {
                var query = string.Create(CultureInfo.InvariantCulture, $"query {q}");
                var queryVector = TestEmbedder.RandomVector(Dimensions, TestEmbedder.StableSeed(query));
                var expected = vectors.Where(v => v.Id % every == 0)
                    .Select(v => (Id: Name(v.Id), Score: TestEmbedder.Dot(queryVector, v.Vector)))
                    .OrderByDescending(v => v.Score).Take(10).ToList();

                var results = await store.RetrieveAsync(new RetrievalRequest(query) { TopK = 10, Filter = new Dictionary<string, string> { [key] = "yes" } });

                Assert.Equal(Math.Min(10, CorpusSize / every), results.Count);
                Assert.All(results, r => Assert.Equal("yes", r.Metadata[key]));
                AssertTopK(expected, results, exact: true);
            }
        }
    }

    /// <summary>1% of 2,000 documents pass the filter: still exactly top-K of them come back.</summary>
    [Fact]
    public virtual async Task RetrieveAsync_SelectiveFilter_StillReturnsTopK()
    {
        await using var store = await CreateStoreAsync();
        await RankingChecks.SelectiveFilterStillReturnsTopKAsync(store);
    }

    /// <summary>A filtered vector search returns only matching documents, each scored with its cosine similarity to the query.</summary>
    [Fact]
    public virtual async Task RetrieveAsync_Filter_ReturnsOnlyMatchingDocumentsWithCosineScores()
    {
        await using var store = await CreateStoreAsync();
        await store.UpsertAsync(Manuals);

        var results = await store.RetrieveAsync(new RetrievalRequest("air fryer basket litres") { Filter = new Dictionary<string, string> { ["status"] = "published" } });

        Assert.Equal(2, results.Count);
        Assert.DoesNotContain(results, r => r.DocumentId == "draft");
        Assert.All(results, r => Assert.Equal("published", r.Metadata["status"]));
        var hashing = new HashingEmbeddingGenerator(64);
        var query = hashing.Embed("air fryer basket litres");
        foreach (var result in results)
        {
            var document = Manuals.Single(d => d.Id == result.DocumentId);
            Assert.Equal(TestEmbedder.Dot(query, hashing.Embed(document.Title + "\n" + result.Content)), result.Score, Fixture.ScorePrecision);
        }
    }

    /// <summary>The floor drops exactly the chunks below it (between the best and the second best, only the best is left).</summary>
    [Fact]
    public virtual async Task RetrieveAsync_MinScore_DropsChunksBelowIt()
    {
        await using var store = await CreateStoreAsync();
        await store.UpsertAsync(Manuals);

        var all = await store.RetrieveAsync(new RetrievalRequest("kettle descale citric acid"));
        var floor = (all[0].Score + all.Skip(1).Max(r => r.Score)) / 2;
        var above = await store.RetrieveAsync(new RetrievalRequest("kettle descale citric acid") { MinScore = floor });

        Assert.Equal(3, all.Count);
        Assert.Equal("kettle", Assert.Single(above).DocumentId);
    }

    /// <summary>Every chunk returned clears the floor; a floor nothing reaches returns nothing.</summary>
    [Fact]
    public virtual async Task RetrieveAsync_MinScore_DropsWeakChunks()
    {
        await using var store = await CreateStoreAsync();
        await RankingChecks.MinScoreDropsWeakChunksAsync(store);
    }

    /// <summary>Embedding the query is traced as the span hybrid_answer.embed of the HybridAnswer activity source.</summary>
    [Fact]
    public virtual async Task RetrieveAsync_EmitsTheEmbedSpan()
    {
        await using var store = await CreateStoreAsync(TestEmbedder.Hashing(32));
        await store.UpsertAsync([Kettle]);
        var spans = new List<string>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == HybridAnswerTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                lock (spans)
                {
                    spans.Add(a.OperationName);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        var results = await store.RetrieveAsync(new RetrievalRequest("How fast does the kettle boil?"));

        Assert.Equal("kettle", Assert.Single(results).DocumentId);
        lock (spans)
        {
            Assert.Contains("hybrid_answer.embed", spans);
        }
    }

    /// <summary>An embedder that returns two vectors for one query is reported, not silently half-used.</summary>
    [Fact]
    public virtual async Task RetrieveAsync_EmbedderReturnsTwoVectorsForOneQuery_InvalidOperationException()
    {
        var embedder = TestEmbedder.Batched(2, texts => texts.Count == 1 ? [[1f, 0f], [0f, 1f]] : [.. texts.Select(_ => new[] { 1f, 0f })]);
        await using var store = await CreateStoreAsync(embedder);
        await store.UpsertAsync([Kettle, new KnowledgeDocument("other", "Other", "Something else entirely.")]);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => store.RetrieveAsync(new RetrievalRequest("kettle")));

        Assert.Contains("2 embeddings for one query", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A query embedding of other dimensions than the stored ones is reported with its dimensions.</summary>
    [Fact]
    public virtual async Task RetrieveAsync_QueryEmbeddingOfOtherDimensions_ThrowsClearError()
    {
        var dimensions = 64;
        var embedder = new TestEmbedder(64, text => new HashingEmbeddingGenerator(dimensions).Embed(text));
        await using var store = await CreateStoreAsync(embedder);
        await store.UpsertAsync([Doc("a", "some text here")]);
        dimensions = 32;

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => store.RetrieveAsync(new RetrievalRequest("text")));

        Assert.Contains("32 dimensions", e.Message, StringComparison.Ordinal);
    }

    /// <summary>Thirty-two searches at once all give the same answer as one alone.</summary>
    [Fact]
    public virtual async Task RetrieveAsync_ConcurrentQueries_AllGiveTheSameAnswer()
    {
        await using var store = await CreateStoreAsync();
        await store.UpsertAsync(Manuals);
        var expected = await store.RetrieveAsync(new RetrievalRequest("blender motor warranty"));

        var results = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(() => store.RetrieveAsync(new RetrievalRequest("blender motor warranty")))));

        Assert.All(results, r => Assert.Equal(expected.Select(c => c.ChunkId), r.Select(c => c.ChunkId)));
    }

    private static string Name(int id) => string.Create(CultureInfo.InvariantCulture, $"doc{id}");

    private void AssertTopK(List<(string Id, float Score)> expected, IReadOnlyList<RetrievedChunk> actual, bool exact)
    {
        if (exact)
        {
            Assert.Equal(expected.Select(e => e.Id), actual.Select(a => a.DocumentId));
        }
        else
        {
            var found = actual.Count(a => expected.Any(e => e.Id == a.DocumentId));
            Assert.True(found >= expected.Count * Fixture.ApproximateRecall, $"recall {found}/{expected.Count}");
        }
    }

    /// <summary>1,000 one-chunk documents with random vectors; document i carries every{n} = yes when n divides i.</summary>
    private async Task<(ConformanceStore Store, List<(int Id, float[] Vector)> Vectors)> RandomCorpusAsync()
    {
        var vectors = Enumerable.Range(0, CorpusSize).Select(i => (Id: i, Vector: TestEmbedder.RandomVector(Dimensions, i))).ToList();
        var byText = vectors.ToDictionary(v => string.Create(CultureInfo.InvariantCulture, $"Document {v.Id}\nBody of document {v.Id}."), v => v.Vector, StringComparer.Ordinal);
        var embedder = new TestEmbedder(Dimensions, text => byText.TryGetValue(text, out var vector) ? vector : TestEmbedder.RandomVector(Dimensions, TestEmbedder.StableSeed(text)));
        var store = await CreateStoreAsync(embedder, embeddingBatchSize: 500);
        await store.UpsertAsync(vectors.Select(v => new KnowledgeDocument(Name(v.Id), string.Create(CultureInfo.InvariantCulture, $"Document {v.Id}"), string.Create(CultureInfo.InvariantCulture, $"Body of document {v.Id}."))
        {
            Metadata = new[] { 1, 2, 10, 100, 200 }.ToDictionary(n => string.Create(CultureInfo.InvariantCulture, $"every{n}"), n => v.Id % n == 0 ? "yes" : "no"),
        }));
        return (store, vectors);
    }
}
