using System.Diagnostics;
using System.Globalization;
using HybridAnswer.Tests.Shared;
using static HybridAnswer.StoreConformance.ConformanceDocuments;

namespace HybridAnswer.StoreConformance;

/// <summary>
/// Hostile content (issue 13): the seeded content fuzzer's ingest invariant (Unicode digits and brackets, delimiter look-alikes,
/// bidi and zero-width characters, huge runs, ambiguous and list-valued metadata, now and then an invalid document, two tenants),
/// lone surrogates, metadata edits that keep the old key=value text, heading-only documents and the query length bound.
/// The seed is HYBRIDANSWER_FUZZ_SEED and the scale HYBRIDANSWER_FUZZ_CASES; a failure prints both and the case.
/// </summary>
/// <param name="fixture">Creates the stores under test.</param>
public abstract class HostileContentConformanceTests(KnowledgeStoreFixture fixture) : ConformanceTests(fixture)
{
    /// <summary>Gets how many rounds (two batches each, one per tenant) the ingest fuzzer runs.</summary>
    /// <value>The default is HYBRIDANSWER_FUZZ_CASES / 100, at least 4; a fast store may run more.</value>
    protected virtual int FuzzRounds => Math.Max(4, HostileContent.Scale / 100);

    /// <summary>After every batch of hostile documents: the counts match what changed, an invalid batch changes nothing, the other
    /// tenant is untouched, and no search of a tenant returns another tenant's chunk.</summary>
    [Fact]
    public virtual async Task Ingest_HostileDocumentsInTwoTenants_OnlyChangedDocumentsChangeAndNothingCrossesTenants()
    {
        await using var store = await CreateStoreAsync(multiTenant: true);
        var watch = Stopwatch.StartNew();

        var documents = await HostileContent.IngestAsync(new Store(store), new Random(HostileContent.Seed + 2), FuzzRounds);

        Trace.WriteLine($"seed {HostileContent.Seed}: {documents} documents upserted in {FuzzRounds * 2} batches in {watch.ElapsedMilliseconds} ms");
        Assert.True(documents >= FuzzRounds * 2, $"only {documents} documents in {FuzzRounds * 2} batches");
    }

    /// <summary>A lone UTF-16 surrogate in a metadata key or value is refused with a clear error; nothing is stored.</summary>
    /// <param name="which">0: in a value, 1: in a key, 2: in the values of two documents.</param>
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public virtual async Task UpsertAsync_LoneSurrogateInMetadata_RejectedWithClearError(int which)
    {
        // Not in [InlineData]: attribute strings are stored as UTF-8, which turns a lone surrogate into U+FFFD before the test runs.
        await using var store = await CreateStoreAsync();
        KnowledgeDocument[] documents = which switch
        {
            0 => [new KnowledgeDocument("doc", "Doc", "Some text about returns.") { Metadata = new Dictionary<string, string> { ["key"] = "a\ud800" } }],
            1 => [new KnowledgeDocument("doc", "Doc", "Some text about returns.") { Metadata = new Dictionary<string, string> { ["k\udfffey"] = "a" } }],
            _ =>
            [
                new KnowledgeDocument("one", "One", "Returns text.") { Metadata = new Dictionary<string, string> { ["status"] = "pub\ud800" } },
                new KnowledgeDocument("two", "Two", "Returns text.") { Metadata = new Dictionary<string, string> { ["status"] = "pub\udbff" } },
            ],
        };

        var e = await Assert.ThrowsAsync<ArgumentException>(() => store.UpsertAsync(documents));

        Assert.Contains("lone UTF-16 surrogate", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, await store.KnowledgeBase.CountAsync());
    }

    /// <summary>A lone surrogate in a filter is refused: no stored metadata can match it.</summary>
    [Fact]
    public virtual async Task RetrieveAsync_LoneSurrogateInFilter_Rejected()
    {
        await using var store = await CreateStoreAsync();
        var request = new RetrievalRequest("returns") { Filter = new Dictionary<string, string> { ["status"] = "pub\udc00" } };

        var e = await Assert.ThrowsAsync<ArgumentException>(() => store.RetrieveAsync(request));

        Assert.Contains("surrogate", e.Message, StringComparison.Ordinal);
    }

    /// <summary>Metadata a=b: c edited to a: b=c is a change (the content hash cannot be fooled by separators), and the new value filters.</summary>
    [Fact]
    public virtual async Task UpsertAsync_MetadataEditThatKeepsTheOldKeyValueText_IsStored()
    {
        await using var store = await CreateStoreAsync();
        var first = new KnowledgeDocument("doc", "Doc", "Text about returns.") { Metadata = new Dictionary<string, string> { ["a=b"] = "c" } };
        var edited = first with { Metadata = new Dictionary<string, string> { ["a"] = "b=c" } };

        await store.UpsertAsync([first]);
        var result = await store.UpsertAsync([edited]);

        Assert.Equal(1, result.Updated);
        var hit = Assert.Single(await store.RetrieveAsync(new RetrievalRequest("returns") { Filter = new Dictionary<string, string> { ["a"] = "b=c" }, MinScore = -1 }));
        Assert.Equal("doc", hit.DocumentId);
    }

    /// <summary>A document that is only headings (or empty) is stored once, as one searchable chunk, then unchanged.</summary>
    /// <param name="content">The content.</param>
    [Theory]
    [InlineData("# Holiday opening hours")]
    [InlineData("# Holiday opening hours\n\n## Christmas\n")]
    [InlineData("")]
    public virtual async Task UpsertAsync_DocumentWithOnlyHeadings_StoredOnceThenUnchanged(string content)
    {
        await using var store = await CreateStoreAsync();
        var document = new KnowledgeDocument("hours", "Holiday opening hours", content);

        var first = await store.UpsertAsync([document]);
        var second = await store.UpsertAsync([document]);

        Assert.Equal(1, first.Added);
        Assert.Equal((0, 0, 1, 0), Counts(second));
        Assert.Equal(1, await store.KnowledgeBase.CountAsync());
        Assert.Equal(["hours"], await store.KnowledgeBase.ListDocumentIdsAsync());
        var hit = Assert.Single(await store.RetrieveAsync(new RetrievalRequest("holiday opening hours") { MinScore = -1 }));
        Assert.Contains("Holiday opening hours", hit.Content, StringComparison.Ordinal);
    }

    /// <summary>A query over <see cref="RetrievalRequest.MaxQueryLength"/> is refused at once, naming the bound, before it is embedded
    /// or sent anywhere; one just under the bound is answered.</summary>
    [Fact]
    public virtual async Task RetrieveAsync_QueryOverTheSharedBound_RejectedFast()
    {
        await using var store = await CreateStoreAsync();
        await store.UpsertAsync([Doc("returns", "Items can be returned within 30 days.")]);
        var watch = Stopwatch.StartNew();

        var e = await Assert.ThrowsAsync<ArgumentException>(() => store.RetrieveAsync(new RetrievalRequest(new string('a', 1_000_000))));

        Assert.True(watch.ElapsedMilliseconds < 1000, $"took {watch.ElapsedMilliseconds} ms");
        Assert.Contains(RetrievalRequest.MaxQueryLength.ToString(CultureInfo.InvariantCulture), e.Message, StringComparison.Ordinal);
        Assert.Single(await store.RetrieveAsync(new RetrievalRequest(new string('a', RetrievalRequest.MaxQueryLength - 8) + " returns") { MinScore = -1 }));
    }

    /// <summary>The store under test as the one object the shared fuzzer drives.</summary>
    private sealed class Store(ConformanceStore store) : IKnowledgeBase, IRetriever
    {
        public Task<IngestResult> UpsertAsync(IEnumerable<KnowledgeDocument> documents, CancellationToken cancellationToken = default) =>
            store.KnowledgeBase.UpsertAsync(documents, cancellationToken);

        public Task<int> DeleteAsync(IEnumerable<string> documentIds, string? tenantId = null, CancellationToken cancellationToken = default) =>
            store.KnowledgeBase.DeleteAsync(documentIds, tenantId, cancellationToken);

        public Task<IReadOnlyList<string>> ListDocumentIdsAsync(string? tenantId = null, CancellationToken cancellationToken = default) =>
            store.KnowledgeBase.ListDocumentIdsAsync(tenantId, cancellationToken);

        public Task<long> CountAsync(string? tenantId = null, CancellationToken cancellationToken = default) =>
            store.KnowledgeBase.CountAsync(tenantId, cancellationToken);

        public Task<IReadOnlyList<RetrievedChunk>> RetrieveAsync(RetrievalRequest request, CancellationToken cancellationToken = default) =>
            store.Retriever.RetrieveAsync(request, cancellationToken);
    }
}
