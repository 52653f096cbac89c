using System.Globalization;
using System.Numerics.Tensors;
using HybridAnswer.InMemory;

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
