using Microsoft.Extensions.Options;
using static HybridAnswer.StoreConformance.ConformanceDocuments;

namespace HybridAnswer.StoreConformance;

/// <summary>Tenants: a multi-tenant store requires a tenant everywhere, and no search, count or delete ever crosses into another tenant.</summary>
/// <param name="fixture">Creates the stores under test.</param>
public abstract class TenantConformanceTests(KnowledgeStoreFixture fixture) : ConformanceTests(fixture)
{
    /// <summary>The same document id in two tenants: each search sees its own tenant's only; a request or document without a tenant is refused.</summary>
    [Fact]
    public virtual async Task RetrieveAsync_Tenants_NeverCrossed()
    {
        await using var store = await CreateStoreAsync(multiTenant: true);
        await store.UpsertAsync([Doc("same-id", "acme refund policy 30 days", tenant: "acme"), Doc("same-id", "globex refund policy 90 days", tenant: "globex")]);

        var acme = await store.RetrieveAsync(new RetrievalRequest("refund policy") { TenantId = "acme", TopK = 10 });

        var only = Assert.Single(acme);
        Assert.Equal("acme", only.TenantId);
        await Assert.ThrowsAsync<ArgumentException>(() => store.RetrieveAsync(new RetrievalRequest("refund policy")));
        await Assert.ThrowsAsync<ArgumentException>(() => store.UpsertAsync([Doc("x", "no tenant")]));
        Assert.Equal(1, await store.KnowledgeBase.CountAsync("globex"));
    }

    /// <summary>Requests, counts and deletes of one tenant neither see nor touch another tenant's documents of the same ids.</summary>
    [Fact]
    public virtual async Task MultiTenant_RequestsAndDocumentsAreIsolated()
    {
        await using var store = await CreateStoreAsync(multiTenant: true);
        await store.UpsertAsync(Manuals.Select(d => d with { TenantId = "acme" }));
        await store.UpsertAsync([new KnowledgeDocument("kettle", "Globex kettle", "Globex secret: the kettle boils in two minutes.") { TenantId = "globex" }]);

        var acme = await store.RetrieveAsync(new RetrievalRequest("kettle boils minutes secret") { TenantId = "acme", TopK = 10 });
        var globex = await store.RetrieveAsync(new RetrievalRequest("kettle boils minutes") { TenantId = "globex", TopK = 10 });

        Assert.Equal(3, acme.Count);
        Assert.All(acme, r => Assert.Equal("acme", r.TenantId));
        Assert.DoesNotContain(acme, r => r.Content.Contains("Globex", StringComparison.Ordinal));
        Assert.Equal("Globex kettle", Assert.Single(globex).Title);
        await Assert.ThrowsAsync<ArgumentException>(() => store.RetrieveAsync(new RetrievalRequest("kettle")));
        await Assert.ThrowsAsync<ArgumentException>(() => store.UpsertAsync([Manuals[0]]));

        Assert.Equal(1, await store.KnowledgeBase.DeleteAsync(["kettle"], "globex"));
        Assert.Equal(3, await store.KnowledgeBase.CountAsync("acme"));
        Assert.Equal(0, await store.KnowledgeBase.CountAsync("globex"));
        Assert.Equal(["blender", "draft", "kettle"], await store.KnowledgeBase.ListDocumentIdsAsync("acme"));
    }

    /// <summary>A filter that matches only another tenant's documents is, for this tenant, a filter that matched nothing.</summary>
    [Fact]
    public virtual async Task AnswerAsync_FilterMatchesOnlyAnotherTenant_FilterMatchedNothing()
    {
        await using var store = await CreateStoreAsync(TestEmbedder.Hashing(32), multiTenant: true);
        await store.UpsertAsync([.. Tagged.Select(d => d with { TenantId = "acme" })]);
        await store.UpsertAsync([Tagged[1] with { TenantId = "globex" }]);
        var answerer = new HybridAnswerer(store.Retriever, new ExtractiveGenerator(), Options.Create(new HybridAnsweringOptions()));

        var answer = await answerer.AnswerAsync("How long does a refund take?", new AnswerOptions { TenantId = "globex", Filter = new Dictionary<string, string> { ["status"] = "published" } });

        Assert.False(answer.Answered);
        Assert.Equal(Fixture.ReportsFilterMatchedNothing ? NoAnswerReason.FilterMatchedNothing : NoAnswerReason.NoRelevantSources, answer.NoAnswerReason);
    }
}
