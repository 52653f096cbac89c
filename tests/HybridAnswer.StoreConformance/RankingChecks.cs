using static HybridAnswer.StoreConformance.ConformanceDocuments;

namespace HybridAnswer.StoreConformance;

/// <summary>Checks that hold for every ranking (vector, keyword, hybrid), shared by the suites that run them with different kinds.</summary>
internal static class RankingChecks
{
    /// <summary>1% of 2,000 documents pass the filter: still exactly top-K of them come back.</summary>
    public static async Task SelectiveFilterStillReturnsTopKAsync(ConformanceStore store)
    {
        await store.UpsertAsync(Random(2000, seed: 2, i => i % 100 == 0 ? "published" : "draft"));

        var results = await store.RetrieveAsync(new RetrievalRequest("refund warranty") { TopK = 10, Filter = new Dictionary<string, string> { ["status"] = "published" } });

        Assert.Equal(10, results.Count);
        Assert.All(results, r => Assert.Equal("published", r.Metadata["status"]));
    }

    /// <summary>Every chunk returned clears the floor; a floor nothing reaches returns nothing.</summary>
    public static async Task MinScoreDropsWeakChunksAsync(ConformanceStore store)
    {
        await store.UpsertAsync(Random(50, seed: 4));

        var all = await store.RetrieveAsync(new RetrievalRequest("refund blender") { TopK = 20 });
        var floor = all[5].Score + 1e-6;
        var above = await store.RetrieveAsync(new RetrievalRequest("refund blender") { TopK = 20, MinScore = floor });

        Assert.NotEmpty(above);
        Assert.All(above, r => Assert.True(r.Score >= floor));
        Assert.Empty(await store.RetrieveAsync(new RetrievalRequest("refund blender") { MinScore = 0.9999 }));
    }
}
