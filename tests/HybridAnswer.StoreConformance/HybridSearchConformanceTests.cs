using System.Globalization;
using static HybridAnswer.StoreConformance.ConformanceDocuments;

namespace HybridAnswer.StoreConformance;

/// <summary>
/// Keyword and hybrid retrieval (<see cref="RetrievalKind.Keyword"/>, <see cref="RetrievalKind.Hybrid"/>), for the stores that
/// declare them: subclass this suite only if the store ranks by keywords too. An exact term (a product code) that the vectors
/// miss is found, and keyword scores stay comparable with the floor.
/// </summary>
/// <param name="fixture">Creates the stores under test.</param>
public abstract class HybridSearchConformanceTests(KnowledgeStoreFixture fixture) : ConformanceTests(fixture)
{
    /// <summary>Vectors carry the topic only, so every warranty text embeds near the query and the product-code page does not: hybrid
    /// finds the page with the exact code in the top 5 (first, where the store declares
    /// <see cref="KnowledgeStoreFixture.HybridRanksDecisiveKeywordMatchFirst"/>), vector alone does not.</summary>
    [Fact]
    public virtual async Task RetrieveAsync_Hybrid_FindsExactProductCodeThatVectorAloneRanksLow()
    {
        var warrantyDirection = TestEmbedder.RandomVector(32, 7);
        var embedder = new TestEmbedder(32, text => text.StartsWith("Spare parts", StringComparison.Ordinal)
            ? TestEmbedder.RandomVector(32, 99)
            : Blend(warrantyDirection, TestEmbedder.RandomVector(32, TestEmbedder.StableSeed(text)), 0.8f));
        var documents = Enumerable.Range(0, 30)
            .Select(i => new KnowledgeDocument(Invariant($"warranty-{i}"), Invariant($"Warranty note {i}"), Invariant($"Our warranty covers appliance {i} for {i + 1} years against defects.")))
            .Append(new KnowledgeDocument("xr-7731", "Spare parts", "Part XR-7731 is the replacement lid; its warranty is six months."))
            .ToList();
        await using var vector = await CreateStoreAsync(embedder, kind: RetrievalKind.Vector);
        await using var hybrid = await CreateStoreAsync(embedder, kind: RetrievalKind.Hybrid);
        await vector.UpsertAsync(documents);
        await hybrid.UpsertAsync(documents);

        var request = new RetrievalRequest("warranty XR-7731") { TopK = 5 };
        var byVector = await vector.RetrieveAsync(request);
        var byHybrid = await hybrid.RetrieveAsync(request);

        Assert.DoesNotContain(byVector, r => r.DocumentId == "xr-7731");
        Assert.Equal(5, byHybrid.Count);
        if (Fixture.HybridRanksDecisiveKeywordMatchFirst)
        {
            Assert.Equal("xr-7731", byHybrid[0].DocumentId);
        }
        else
        {
            Assert.Contains(byHybrid, r => r.DocumentId == "xr-7731");
        }
    }

    /// <summary>A topic-only embedder stands in for a semantic model that has never seen the product code: among blender tips and
    /// a hundred other documents, hybrid finds the code's page in the top 5, vector alone does not.</summary>
    [Fact]
    public virtual async Task RetrieveAsync_Hybrid_FindsExactCodeThatVectorRanksLow()
    {
        var embedder = new TestEmbedder(Vocabulary.Length + 1, TopicVector);
        var docs = Enumerable.Range(1, 8)
            .Select(i => Doc(Invariant($"blender-{i}"), Invariant($"Blender tip {i}: the blender jar must be locked before the blender starts.")))
            .Append(Doc("code", "Part QX-7731 is the replacement drive belt."))
            .Concat(Random(100, seed: 3))
            .ToList();
        await using var hybrid = await CreateStoreAsync(embedder, kind: RetrievalKind.Hybrid);
        await using var vector = await CreateStoreAsync(embedder, kind: RetrievalKind.Vector);
        await hybrid.UpsertAsync(docs);
        await vector.UpsertAsync(docs);
        var question = "Do you have QX-7731 for my blender?";

        var vectorResults = await vector.RetrieveAsync(new RetrievalRequest(question) { TopK = 5 });
        var hybridResults = await hybrid.RetrieveAsync(new RetrievalRequest(question) { TopK = 5 });

        Assert.DoesNotContain(vectorResults, r => r.DocumentId == "code");
        Assert.Contains(hybridResults, r => r.DocumentId == "code");
    }

    /// <summary>
    /// A question put in the asker's own words: it shares one common word ("package", on twenty notes) with the documents and none
    /// with the page that answers it, which the vectors rank first. The keyword ranking's best match holds a sliver of the question's
    /// term weight ("freeze" is on no page), so it must not outvote the meaning: hybrid ranks the answering page first.
    /// </summary>
    [Fact]
    public virtual async Task RetrieveAsync_Hybrid_CommonWordOnlyKeywordMatchDoesNotOutrankMeaning()
    {
        var meaning = TestEmbedder.RandomVector(32, 11);
        var embedder = new TestEmbedder(32, text => text.Contains("hold", StringComparison.OrdinalIgnoreCase) || text.Contains("freeze", StringComparison.OrdinalIgnoreCase)
            ? meaning
            : TestEmbedder.RandomVector(32, TestEmbedder.StableSeed(text)));
        var documents = Enumerable.Range(0, 20)
            .Select(i => new KnowledgeDocument(Invariant($"note-{i:D2}"), Invariant($"Note {i}"), Invariant($"Every package lists its maintainer and section {i}.")))
            .Append(new KnowledgeDocument("hold", "Holding", "Holding keeps the current release installed while the rest is upgraded."))
            .ToList();
        await using var store = await CreateStoreAsync(embedder, kind: RetrievalKind.Hybrid);
        await store.UpsertAsync(documents);

        var results = await store.RetrieveAsync(new RetrievalRequest("How do I freeze a package?") { TopK = 5 });

        Assert.Equal("hold", results[0].DocumentId);
    }

    /// <summary>
    /// Among 1,200 product pages sharing every other word of the question, keyword ranking puts the page of the one rare word (the
    /// product code) first, though no page holds every word of the question ("many" is on none): the ranking scores chunks matching
    /// some of the words and weights each word by its rarity, as BM25 does.
    /// </summary>
    [Fact]
    public virtual async Task RetrieveAsync_KeywordOnly_RareCodeOutranksWordsEveryPageShares()
    {
        if (!Fixture.KeywordOnlySearch)
        {
            await KeywordOnlyIsDeclinedAsync();
            return;
        }

        var documents = Enumerable.Range(0, 1200)
            .Select(i => new KnowledgeDocument(Invariant($"pc{i:D5}x"), Invariant($"Product pc{i:D5}x"), Invariant($"Product code pc{i:D5}x ships in {(i % 9) + 1} days from the product warehouse.")))
            .ToList();
        await using var store = await CreateStoreAsync(kind: RetrievalKind.Keyword);
        await store.UpsertAsync(documents);

        var results = await store.RetrieveAsync(new RetrievalRequest("product code pc00777x ships in how many days") { TopK = 5 });

        Assert.NotEmpty(results);
        Assert.Equal("pc00777x", results[0].DocumentId);
        Assert.InRange(results[0].Score, 0.0001, 1);
    }

    /// <summary>
    /// The words of how a question is asked ("what do I need to know about …") rank nothing: the page about its topic comes first,
    /// not a page that happens to hold "need", though both hold one word of the question. Every store leaves out the same
    /// question words, whatever its own analyzer's stop list (PostgreSQL's <c>english</c> one keeps "need" and "know").
    /// </summary>
    [Fact]
    public virtual async Task RetrieveAsync_KeywordOnly_QuestionWordsDoNotRank()
    {
        if (!Fixture.KeywordOnlySearch)
        {
            await KeywordOnlyIsDeclinedAsync();
            return;
        }

        var documents = Enumerable.Range(0, 10)
            .Select(i => new KnowledgeDocument(Invariant($"menu-{i}"), Invariant($"Menu {i}"), Invariant($"Dish {i} is served with rice.")))
            .Append(new KnowledgeDocument("help", "Help", "Need help? Call the desk."))
            .Append(new KnowledgeDocument("times", "Times", "Boarding starts thirty minutes before departure."))
            .ToList();
        await using var store = await CreateStoreAsync(kind: RetrievalKind.Keyword);
        await store.UpsertAsync(documents);

        var results = await store.RetrieveAsync(new RetrievalRequest("What do I need to know about boarding?") { TopK = 5 });

        Assert.Equal("times", results[0].DocumentId);
    }

    /// <summary>Keyword-only retrieval finds the one document with the words, scored in (0, 1] like every score the floor compares.</summary>
    [Fact]
    public virtual async Task RetrieveAsync_KeywordOnly_ScoresBetweenZeroAndOne()
    {
        if (!Fixture.KeywordOnlySearch)
        {
            await KeywordOnlyIsDeclinedAsync();
            return;
        }

        await using var store = await CreateStoreAsync(kind: RetrievalKind.Keyword);
        await store.UpsertAsync(Manuals);

        var results = await store.RetrieveAsync(new RetrievalRequest("citric acid"));

        Assert.Equal("kettle", Assert.Single(results).DocumentId);
        Assert.InRange(results[0].Score, 0.0001, 1);
    }

    /// <summary>A hybrid search honours the filter and the tenant like a vector search.</summary>
    [Fact]
    public virtual async Task RetrieveAsync_HybridWithFilterAndTenant_ReturnsOnlyMatchingChunksOfTheTenant()
    {
        await using var store = await CreateStoreAsync(multiTenant: true, kind: RetrievalKind.Hybrid);
        await store.UpsertAsync(Manuals.Select(d => d with { TenantId = "acme" }));
        await store.UpsertAsync(Manuals.Select(d => new KnowledgeDocument(d.Id, "Globex " + d.Title, d.Content) { Metadata = d.Metadata, TenantId = "globex" }));

        var results = await store.RetrieveAsync(new RetrievalRequest("air fryer basket litres kettle") { TenantId = "acme", TopK = 10, Filter = new Dictionary<string, string> { ["status"] = "published" } });

        Assert.Equal(["blender", "kettle"], results.Select(r => r.DocumentId).Order(StringComparer.Ordinal));
        Assert.All(results, r => Assert.Equal("acme", r.TenantId));
    }

    /// <summary>Hybrid ranking applies the filter before top-K too: 1% of 2,000 documents pass, and still top-K come back.</summary>
    [Fact]
    public virtual async Task RetrieveAsync_HybridSelectiveFilter_StillReturnsTopK()
    {
        await using var store = await CreateStoreAsync(kind: RetrievalKind.Hybrid);
        await RankingChecks.SelectiveFilterStillReturnsTopKAsync(store);
    }

    /// <summary>Hybrid scores are held to the floor like vector scores.</summary>
    [Fact]
    public virtual async Task RetrieveAsync_HybridMinScore_DropsWeakChunks()
    {
        await using var store = await CreateStoreAsync(kind: RetrievalKind.Hybrid);
        await RankingChecks.MinScoreDropsWeakChunksAsync(store);
    }

    /// <summary>
    /// What a store without keyword-only search (<see cref="KnowledgeStoreFixture.KeywordOnlySearch"/> false) does instead: its fixture
    /// declines a keyword-only store clearly, and its chunk store declares vector search (so the knowledge base always embeds the
    /// query) and refuses a search without the query vector rather than ranking some other way.
    /// </summary>
    private async Task KeywordOnlyIsDeclinedAsync()
    {
        var declined = await Assert.ThrowsAsync<NotSupportedException>(() => CreateStoreAsync(kind: RetrievalKind.Keyword));
        Assert.Contains(nameof(RetrievalKind.Keyword), declined.Message, StringComparison.Ordinal);

        await using var store = await CreateStoreAsync(kind: RetrievalKind.Hybrid);
        await store.UpsertAsync(Manuals);
        var chunks = Assert.IsAssignableFrom<Storage.IChunkStore>(store.Retriever.GetService(typeof(Storage.IChunkStore)));
        Assert.Equal(Storage.ChunkStoreCapabilities.VectorSearch, chunks.Capabilities & Storage.ChunkStoreCapabilities.VectorSearch);
        var refused = await Assert.ThrowsAnyAsync<ArgumentException>(() => chunks.SearchAsync(new RetrievalRequest("citric acid"), null, CancellationToken.None));
        Assert.Equal("queryVector", refused.ParamName);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static float[] TopicVector(string text)
    {
        var words = text.ToUpperInvariant().Split([' ', '.', ',', ':', '?', '!', '\n'], StringSplitOptions.RemoveEmptyEntries);
        return [.. Vocabulary.Select(v => (float)words.Count(w => w.StartsWith(v.ToUpperInvariant(), StringComparison.Ordinal))).Append(0.1f)];
    }

    private static float[] Blend(float[] direction, float[] noise, float weight)
    {
        var result = direction.Zip(noise, (d, n) => (weight * d) + ((1 - weight) * n)).ToArray();
        var norm = MathF.Sqrt(result.Sum(x => x * x));
        return [.. result.Select(x => x / norm)];
    }
}
