using System.Globalization;
using System.Numerics.Tensors;
using HybridAnswer.InMemory;
using HybridAnswer.Storage;

namespace HybridAnswer.Tests.InMemory;

/// <summary>The inverted index of metadata values: a filtered search reads only the eligible rows and ranks them exactly.</summary>
public sealed class InMemorySnapshotTests
{
    [Fact]
    public async Task EligibleRows_TwoConditionsAndTenant_IntersectionInRowOrder()
    {
        var store = await StoreAsync();
        var snapshot = Snapshot(store);

        Assert.Null(snapshot.EligibleRows(null, new Dictionary<string, string>()));
        var rows = snapshot.EligibleRows(null, new Dictionary<string, string> { ["status"] = "published", ["segment"] = "s3" })!;
        Assert.Equal(100, rows.Length); // i % 10 == 3: all published
        Assert.Equal(rows.Order(), rows);
        Assert.All(rows, r => Assert.Equal("s3", snapshot.Chunks[r].Document.Metadata["segment"]));
        Assert.Empty(snapshot.EligibleRows(null, new Dictionary<string, string> { ["status"] = "draft", ["segment"] = "s3" })!);
        Assert.Empty(snapshot.EligibleRows(null, new Dictionary<string, string> { ["missing"] = "x" })!);
        Assert.Empty(snapshot.EligibleRows("other-tenant", new Dictionary<string, string>())!);
    }

    [Theory]
    [InlineData("status", "published")]
    [InlineData("tag", "rare")]
    public async Task Search_Filtered_EqualsBruteForceOverMatchingRows(string key, string value)
    {
        var store = await StoreAsync();
        var query = Vector(5000);
        var expected = Enumerable.Range(0, 1000).Where(i => Metadata(i)[key] == value)
            .OrderByDescending(i => TensorPrimitives.Dot(query, Vector(i))).Take(5).Select(i => Id(i)).ToList();

        var results = store.Search(new RetrievalRequest("q") { TopK = 5, Filter = new Dictionary<string, string> { [key] = value } }, query);

        Assert.Equal(expected, results.Select(r => r.DocumentId).ToList());
    }

    [Theory]
    [InlineData(1, 5)]
    [InlineData(2, 5)]
    [InlineData(3, 40)]
    [InlineData(4, 2000)]
    public void TopByCosine_RandomDataWithTies_EqualsBruteForceFilterAndStableSort(int seed, int k)
    {
        // Vectors drawn from a few values per coordinate, and many exact duplicates, so equal scores are common: ties rank
        // by row. k = 2,000 exceeds every eligible set, so each must come back whole.
        var random = new Random(seed);
        var prototypes = Enumerable.Range(0, 50).Select(_ => Enumerable.Range(0, 8).Select(_ => (float)random.Next(-2, 3)).ToArray()).ToArray();
        var chunks = Enumerable.Range(0, 1000).Select(i =>
        {
            var metadata = new Dictionary<string, string>
            {
                ["status"] = random.Next(10) != 0 ? "published" : "draft",
                ["segment"] = "s" + random.Next(10).ToString(CultureInfo.InvariantCulture),
                ["tag"] = random.Next(100) == 0 ? "rare" : "common",
            };
            var document = new KnowledgeDocument(Id(i), Id(i), "c") { Metadata = metadata };
            var vector = prototypes[random.Next(prototypes.Length)];
            return new InMemorySnapshot.StoredChunk(new DocumentKey(null, Id(i)), document, "h", new DocumentChunk(Id(i), 0, "c"), new Dictionary<string, int>(), vector);
        }).ToArray();
        var snapshot = InMemorySnapshot.Create(chunks);
        var query = Enumerable.Range(0, 8).Select(_ => (float)random.Next(-2, 3)).ToArray();
        Dictionary<string, string>[] filters =
        [
            [],
            new() { ["status"] = "published" },
            new() { ["status"] = "draft" },
            new() { ["tag"] = "rare" },
            new() { ["status"] = "published", ["segment"] = "s3" },
            new() { ["status"] = "draft", ["segment"] = "s1", ["tag"] = "common" },
            new() { ["segment"] = "none" },
        ];

        foreach (var filter in filters)
        {
            foreach (var minScore in new[] { double.NegativeInfinity, 1.0 })
            {
                var expected = Enumerable.Range(0, chunks.Length)
                    .Where(i => filter.All(f => chunks[i].Document.Metadata[f.Key] == f.Value))
                    .Select(i => (Item: i, Score: (double)DotProducts.Dot(query, chunks[i].Vector)))
                    .Where(r => r.Score >= minScore)
                    .OrderByDescending(r => r.Score).ThenBy(r => r.Item)
                    .Take(k).ToList();

                var rows = snapshot.EligibleRows(null, filter);
                var actual = snapshot.TopByCosine(query, k, rows, minScore);

                Assert.Equal(expected, actual);

                // Split into row ranges (forced at this size) on 2, 3 and 7 threads: the same chunks, scores and order,
                // ties across range boundaries included.
                foreach (var threads in new[] { 2, 3, 7 })
                {
                    Assert.Equal(expected, snapshot.TopByCosine(query, k, rows, minScore, threads, minFloatsPerRange: 1));
                }
            }
        }
    }

    private static InMemorySnapshot Snapshot(InMemoryChunkStore store) =>
        (InMemorySnapshot)typeof(InMemoryChunkStore).GetField("_snapshot", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(store)!;

    private static async Task<InMemoryChunkStore> StoreAsync()
    {
        var store = new InMemoryChunkStore(new InMemoryKnowledgeBaseOptions { RetrievalKind = RetrievalKind.Vector });
        var pipeline = new KnowledgePipeline(store, new Embedder(), null, multiTenant: false, embeddingBatchSize: 100);
        await pipeline.UpsertAsync(Enumerable.Range(0, 1000).Select(i => new KnowledgeDocument(Id(i), Id(i), "chunk " + i.ToString(CultureInfo.InvariantCulture)) { Metadata = Metadata(i) }), default);
        return store;
    }

    private static string Id(int i) => "d" + i.ToString(CultureInfo.InvariantCulture);

    private static Dictionary<string, string> Metadata(int i) => new()
    {
        ["status"] = i % 10 != 0 ? "published" : "draft",
        ["segment"] = "s" + (i % 10).ToString(CultureInfo.InvariantCulture),
        ["tag"] = i % 100 == 7 ? "rare" : "common",
    };

    private static float[] Vector(int seed)
    {
        var random = new Random(seed);
        var vector = Enumerable.Range(0, 32).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
        TensorPrimitives.Divide(vector, TensorPrimitives.Norm(vector), vector);
        return vector;
    }

    private sealed class Embedder : Microsoft.Extensions.AI.IEmbeddingGenerator<string, Microsoft.Extensions.AI.Embedding<float>>
    {
        public Task<Microsoft.Extensions.AI.GeneratedEmbeddings<Microsoft.Extensions.AI.Embedding<float>>> GenerateAsync(IEnumerable<string> values, Microsoft.Extensions.AI.EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new Microsoft.Extensions.AI.GeneratedEmbeddings<Microsoft.Extensions.AI.Embedding<float>>(
                values.Select(v => new Microsoft.Extensions.AI.Embedding<float>(Vector(int.Parse(v[(v.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture))))));

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
