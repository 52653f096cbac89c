using HybridAnswer.Storage;
using Microsoft.Extensions.Options;
using static HybridAnswer.StoreConformance.ConformanceDocuments;

namespace HybridAnswer.StoreConformance;

/// <summary>
/// Metadata filters: equality on scalar values, membership in list values, several keys ANDed, keys and values that look like
/// query syntax matched literally, and a refusal that says when a filter matched no document at all.
/// </summary>
/// <param name="fixture">Creates the stores under test.</param>
public abstract class FilterConformanceTests(KnowledgeStoreFixture fixture) : ConformanceTests(fixture)
{
    /// <summary>A filter on a list-valued key matches the documents whose list holds the value (and not a scalar that merely contains it); lists and scalars come back as stored.</summary>
    [Fact]
    public virtual async Task RetrieveAsync_FilterOnMultiValuedField_MatchesDocumentsWhoseListHasTheValue()
    {
        await using var store = await CreateStoreAsync(TestEmbedder.Hashing(32));
        await store.UpsertAsync(Tagged);

        var billing = await store.RetrieveAsync(new RetrievalRequest("refund invoice") { TopK = 10, Filter = new Dictionary<string, string> { ["tags"] = "billing" } });
        var published = await store.RetrieveAsync(new RetrievalRequest("refund invoice") { TopK = 10, Filter = new Dictionary<string, string> { ["tags"] = "billing", ["status"] = "published" } });

        Assert.Equal(["invoices", "refunds"], billing.Select(r => r.DocumentId).Order(StringComparer.Ordinal));
        Assert.Equal(["refunds"], published.Select(r => r.DocumentId));
        Assert.Equal(["billing", "refunds"], published[0].MultiValuedMetadata["tags"]);
        Assert.Equal("published", published[0].Metadata["status"]);
        Assert.False(published[0].Metadata.ContainsKey("tags"));
        Assert.Equal(["billing"], billing.Single(r => r.DocumentId == "invoices").MultiValuedMetadata["tags"]);
    }

    /// <summary>Several filter keys are ANDed.</summary>
    [Fact]
    public virtual async Task RetrieveAsync_SeveralFilters_AreAnded()
    {
        await using var store = await CreateStoreAsync();
        await store.UpsertAsync(
        [
            new KnowledgeDocument("a", "A", "refund policy") { Metadata = new Dictionary<string, string> { ["status"] = "published", ["lang"] = "en" } },
            new KnowledgeDocument("b", "B", "refund policy") { Metadata = new Dictionary<string, string> { ["status"] = "published", ["lang"] = "de" } },
            new KnowledgeDocument("c", "C", "refund policy") { Metadata = new Dictionary<string, string> { ["status"] = "draft", ["lang"] = "en" } },
        ]);

        var results = await store.RetrieveAsync(new RetrievalRequest("refund") { Filter = new Dictionary<string, string> { ["status"] = "published", ["lang"] = "en" } });

        Assert.Equal(["a"], results.Select(r => r.DocumentId));
    }

    /// <summary>Keys and values that are query syntax in some store (JSON path, quotes, escapes, control characters, non-ASCII) match only the equal value, scalar or in a list.</summary>
    /// <param name="key">The metadata key.</param>
    /// <param name="value">The metadata value.</param>
    [Theory]
    [InlineData("k", "a\" || true || \"")]
    [InlineData("a\\\"b", "x\\")]
    [InlineData("$.k", "@ == @")]
    [InlineData("k", "line\nbreak\ttab\u0001")]
    [InlineData("ключ", "😀 é")]
    [InlineData("a.b", "strict $")]
    public virtual async Task RetrieveAsync_FilterWithQuerySyntax_MatchesOnlyTheEqualValue(string key, string value)
    {
        await using var store = await CreateStoreAsync(TestEmbedder.Hashing(32));
        await store.UpsertAsync(
        [
            new KnowledgeDocument("single", "Single", "The kettle boils water.") { Metadata = new Dictionary<string, string> { [key] = value } },
            new KnowledgeDocument("list", "List", "The kettle boils water.") { MultiValuedMetadata = new Dictionary<string, IReadOnlyList<string>> { [key] = ["other", value] } },
            new KnowledgeDocument("near", "Near", "The kettle boils water.") { Metadata = new Dictionary<string, string> { [key] = value + " " } },
        ]);

        var results = await store.RetrieveAsync(new RetrievalRequest("kettle") { TopK = 10, Filter = new Dictionary<string, string> { [key] = value } });

        Assert.Equal(["list", "single"], results.Select(r => r.DocumentId).Order(StringComparer.Ordinal));
        Assert.Equal(value, results.Single(r => r.DocumentId == "single").Metadata[key]);
        Assert.Equal(["other", value], results.Single(r => r.DocumentId == "list").MultiValuedMetadata[key]);
    }

    /// <summary>Injection attempts in filter keys, values and the tenant match nothing and change nothing; a NUL in a key is refused.</summary>
    [Fact]
    public virtual async Task RetrieveAsync_InjectionInFilterKeysAndValues_MatchesNothingAndChangesNothing()
    {
        await using var store = await CreateStoreAsync();
        await store.UpsertAsync(Manuals);
        string[] attacks =
        [
            "status') OR 1=1 --",
            "x'; DROP TABLE hybridanswer_chunks; --",
            "\" OR \"\"=\"",
            "{\"status\": \"draft\"}",
            "status\"::jsonb OR true --",
            "$1",
        ];

        foreach (var attack in attacks)
        {
            Assert.Empty(await store.RetrieveAsync(new RetrievalRequest("kettle") { Filter = new Dictionary<string, string> { [attack] = "published" } }));
            Assert.Empty(await store.RetrieveAsync(new RetrievalRequest("kettle") { Filter = new Dictionary<string, string> { ["status"] = attack } }));
            Assert.Empty(await store.RetrieveAsync(new RetrievalRequest("kettle") { TenantId = attack }));
            Assert.NotNull(await store.RetrieveAsync(new RetrievalRequest(attack)));
        }

        await Assert.ThrowsAsync<ArgumentException>(() => store.RetrieveAsync(new RetrievalRequest("kettle") { Filter = new Dictionary<string, string> { ["status\0"] = "x" } }));
        Assert.Equal(3, await store.KnowledgeBase.CountAsync());
        Assert.Equal(2, (await store.RetrieveAsync(new RetrievalRequest("kettle") { Filter = new Dictionary<string, string> { ["status"] = "published" } })).Count);
    }

    /// <summary>
    /// An answer whose filter matches no document (a typo in a value or a list value) refuses with
    /// <see cref="NoAnswerReason.FilterMatchedNothing"/> (when the store reports it, and then its retriever offers an
    /// <see cref="IFilterProbe"/> through <see cref="IRetriever.GetService"/>); a filter that matches but whose documents are below the
    /// floor refuses with <see cref="NoAnswerReason.NoRelevantSources"/>.
    /// </summary>
    /// <param name="key">The filter key.</param>
    /// <param name="value">The filter value.</param>
    /// <param name="minScore">The floor of the answer.</param>
    /// <param name="reason">The expected reason.</param>
    [Theory]
    [InlineData("status", "publshed", null, "FilterMatchedNothing")] // a typo in the value
    [InlineData("tags", "biling", null, "FilterMatchedNothing")] // a typo in a list value
    [InlineData("tags", "billing", 0.99, "NoRelevantSources")] // the filter matches; nothing clears the floor
    public virtual async Task AnswerAsync_FilterMatchesNoDocument_SaysSo(string key, string value, double? minScore, string reason)
    {
        await using var store = await CreateStoreAsync(TestEmbedder.Hashing(32));
        await store.UpsertAsync(Tagged);
        var answerer = new HybridAnswerer(store.Retriever, new ExtractiveGenerator(), Options.Create(new HybridAnsweringOptions()));

        var answer = await answerer.AnswerAsync("How long does a refund take?", new AnswerOptions { MinScore = minScore, Filter = new Dictionary<string, string> { [key] = value } });

        Assert.False(answer.Answered);
        Assert.Equal(Fixture.ReportsFilterMatchedNothing, store.Retriever.GetService(typeof(IFilterProbe)) is not null);
        var expected = Enum.Parse<NoAnswerReason>(reason);
        Assert.Equal(Fixture.ReportsFilterMatchedNothing || expected != NoAnswerReason.FilterMatchedNothing ? expected : NoAnswerReason.NoRelevantSources, answer.NoAnswerReason);
    }
}
