using System.Globalization;
using HybridAnswer.InMemory;

namespace HybridAnswer.Tests.InMemory;

/// <summary>A vector scan split over threads returns exactly what one thread returns, through the public API.</summary>
public sealed class InMemoryParallelSearchTests
{
    [Fact]
    public async Task RetrieveAsync_ScanSplitOverThreads_SameChunksScoresAndOrderAsOneThread()
    {
        // 14,000 chunks x 384 dimensions is past two ranges' worth (2 x 2^21 floats) unfiltered and at 90 %, so MaxSearchThreads = 2
        // splits those scans; vectors drawn from 40 prototypes make equal scores common, across the range boundary too.
        var embedder = new PrototypeEmbedder(384, 40);
        var documents = Enumerable.Range(0, 14_000).Select(i => TestData.Doc(
            string.Create(CultureInfo.InvariantCulture, $"doc-{i:D5}"), string.Create(CultureInfo.InvariantCulture, $"text {i}"), i % 10 == 0 ? "draft" : "published")).ToList();
        var serialOptions = new InMemoryKnowledgeBaseOptions { RetrievalKind = RetrievalKind.Vector, MaxSearchThreads = 1 };
        var splitOptions = new InMemoryKnowledgeBaseOptions { RetrievalKind = RetrievalKind.Vector, MaxSearchThreads = 2 };
        var serial = new InMemoryKnowledgeBase(embedder, options: serialOptions);
        var split = new InMemoryKnowledgeBase(embedder, options: splitOptions);
        await serial.UpsertAsync(documents);
        await split.UpsertAsync(documents);

        foreach (var status in new[] { null, "published", "draft" })
        {
            foreach (var query in new[] { "text 3", "text 77", "text 13999" })
            {
                var request = new RetrievalRequest(query)
                {
                    TopK = 100,
                    Filter = status is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["status"] = status },
                };

                var expected = await serial.RetrieveAsync(request);
                var actual = await split.RetrieveAsync(request);

                Assert.Equal(100, expected.Count);
                Assert.Equal(expected.Select(r => (r.DocumentId, r.Score)), actual.Select(r => (r.DocumentId, r.Score)));
                Assert.True(expected.Select(r => r.Score).Distinct().Count() < 100, "the prototypes must produce ties");
            }
        }
    }

    [Fact]
    public void Constructor_NegativeMaxSearchThreads_ThrowsNamingOptions()
    {
        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            new InMemoryKnowledgeBase(new HashingEmbeddingGenerator(64), options: new InMemoryKnowledgeBaseOptions { MaxSearchThreads = -1 }));

        // Names the option by its configuration key, like every options failure.
        Assert.Contains("HybridAnswering:InMemory:MaxSearchThreads", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Unit vectors drawn from a few prototypes by a hash of the text: many texts share a vector, so scores tie.</summary>
    private sealed class PrototypeEmbedder(int dimensions, int prototypes) : Microsoft.Extensions.AI.IEmbeddingGenerator<string, Microsoft.Extensions.AI.Embedding<float>>
    {
        private readonly float[][] _prototypes = [.. Enumerable.Range(0, prototypes).Select(p =>
        {
            var random = new Random(p);
            return Enumerable.Range(0, dimensions).Select(_ => (float)random.Next(-3, 4)).ToArray();
        })];

        public Task<Microsoft.Extensions.AI.GeneratedEmbeddings<Microsoft.Extensions.AI.Embedding<float>>> GenerateAsync(IEnumerable<string> values, Microsoft.Extensions.AI.EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new Microsoft.Extensions.AI.GeneratedEmbeddings<Microsoft.Extensions.AI.Embedding<float>>(
                values.Select(v => new Microsoft.Extensions.AI.Embedding<float>((float[])_prototypes[(int)((uint)string.GetHashCode(v, StringComparison.Ordinal) % (uint)prototypes)].Clone()))));

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
