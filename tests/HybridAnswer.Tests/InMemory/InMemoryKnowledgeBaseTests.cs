using System.Globalization;
using System.Numerics.Tensors;
using HybridAnswer.InMemory;

namespace HybridAnswer.Tests.InMemory;

public sealed class InMemoryKnowledgeBaseTests
{
    private static readonly string[] Vocabulary =
    [
        "refund", "shipping", "warranty", "blender", "kettle", "invoice", "password", "printer", "voucher", "delivery",
        "battery", "router", "laptop", "account", "loyalty", "points", "tier", "customs", "duties", "label",
    ];

    private static List<KnowledgeDocument> RandomDocuments(int count, int seed, Func<int, string?>? status = null)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(i =>
        {
            var words = Enumerable.Range(0, 12).Select(_ => Vocabulary[random.Next(Vocabulary.Length)]);
            return TestData.Doc(string.Create(CultureInfo.InvariantCulture, $"doc-{i:D4}"), string.Join(' ', words) + ".", status?.Invoke(i));
        })];
    }

    [Fact]
    public async Task RetrieveAsync_VectorKind_EqualsBruteForce()
    {
        var embedder = new HashingEmbeddingGenerator(128);
        var kb = new InMemoryKnowledgeBase(embedder, options: new InMemoryKnowledgeBaseOptions { RetrievalKind = RetrievalKind.Vector });
        var docs = RandomDocuments(300, seed: 1);
        await kb.UpsertAsync(docs);

        foreach (var query in new[] { "refund for a blender", "printer password", "customs duties on delivery" })
        {
            var q = embedder.Embed(query);
            var expected = docs
                .Select(d => (d.Id, Score: TensorPrimitives.CosineSimilarity(q, embedder.Embed(d.Title + "\n" + d.Content))))
                .OrderByDescending(x => x.Score).Take(7).ToList();

            var actual = await kb.RetrieveAsync(new RetrievalRequest(query) { TopK = 7 });

            Assert.Equal(expected.Select(e => e.Score), actual.Select(a => (float)a.Score), new ToleranceComparer(1e-4f));
            Assert.Equal(expected[0].Id, actual[0].DocumentId);
        }
    }

    [Fact]
    public async Task RetrieveAsync_SelectiveFilter_StillReturnsTopK()
    {
        var kb = new InMemoryKnowledgeBase(new HashingEmbeddingGenerator(64));

        // 1% of 2,000 documents are published: the filter must be applied before ranking, not after.
        await kb.UpsertAsync(RandomDocuments(2000, seed: 2, i => i % 100 == 0 ? "published" : "draft"));

        var results = await kb.RetrieveAsync(new RetrievalRequest("refund warranty") { TopK = 10, Filter = new Dictionary<string, string> { ["status"] = "published" } });

        Assert.Equal(10, results.Count);
        Assert.All(results, r => Assert.Equal("published", r.Metadata["status"]));
    }

    [Fact]
    public async Task RetrieveAsync_SeveralFilters_AreAnded()
    {
        var kb = new InMemoryKnowledgeBase(new HashingEmbeddingGenerator(64));
        await kb.UpsertAsync(
        [
            new KnowledgeDocument("a", "A", "refund policy") { Metadata = new Dictionary<string, string> { ["status"] = "published", ["lang"] = "en" } },
            new KnowledgeDocument("b", "B", "refund policy") { Metadata = new Dictionary<string, string> { ["status"] = "published", ["lang"] = "de" } },
            new KnowledgeDocument("c", "C", "refund policy") { Metadata = new Dictionary<string, string> { ["status"] = "draft", ["lang"] = "en" } },
        ]);

        var results = await kb.RetrieveAsync(new RetrievalRequest("refund") { Filter = new Dictionary<string, string> { ["status"] = "published", ["lang"] = "en" } });

        Assert.Equal(["a"], results.Select(r => r.DocumentId));
    }

    [Fact]
    public async Task RetrieveAsync_Hybrid_FindsExactCodeThatVectorRanksLow()
    {
        // A topic-only embedder stands in for a semantic model that has never seen the product code.
        var embedder = new TopicEmbedder();
        var docs = Enumerable.Range(1, 8)
            .Select(i => TestData.Doc(string.Create(CultureInfo.InvariantCulture, $"blender-{i}"), string.Create(CultureInfo.InvariantCulture, $"Blender tip {i}: the blender jar must be locked before the blender starts.")))
            .Append(TestData.Doc("code", "Part QX-7731 is the replacement drive belt."))
            .Concat(RandomDocuments(100, seed: 3))
            .ToList();
        var hybrid = new InMemoryKnowledgeBase(embedder);
        var vector = new InMemoryKnowledgeBase(embedder, options: new InMemoryKnowledgeBaseOptions { RetrievalKind = RetrievalKind.Vector });
        await hybrid.UpsertAsync(docs);
        await vector.UpsertAsync(docs);
        var question = "Do you have QX-7731 for my blender?";

        var vectorResults = await vector.RetrieveAsync(new RetrievalRequest(question) { TopK = 5 });
        var hybridResults = await hybrid.RetrieveAsync(new RetrievalRequest(question) { TopK = 5 });

        Assert.DoesNotContain(vectorResults, r => r.DocumentId == "code");
        Assert.Contains(hybridResults, r => r.DocumentId == "code");
    }

    [Fact]
    public async Task RetrieveAsync_MinScore_DropsWeakChunks()
    {
        var kb = new InMemoryKnowledgeBase(new HashingEmbeddingGenerator(64));
        await kb.UpsertAsync(RandomDocuments(50, seed: 4));

        var all = await kb.RetrieveAsync(new RetrievalRequest("refund blender") { TopK = 20 });
        var floor = all[5].Score + 1e-6;
        var above = await kb.RetrieveAsync(new RetrievalRequest("refund blender") { TopK = 20, MinScore = floor });

        Assert.NotEmpty(above);
        Assert.All(above, r => Assert.True(r.Score >= floor));
        Assert.Empty(await kb.RetrieveAsync(new RetrievalRequest("refund blender") { MinScore = 0.9999 }));
    }

    [Fact]
    public async Task UpsertAsync_UnchangedDocuments_AreNotReembedded()
    {
        var embedder = new CountingEmbeddingGenerator();
        var kb = new InMemoryKnowledgeBase(embedder);
        var docs = RandomDocuments(10, seed: 5);

        var first = await kb.UpsertAsync(docs);
        var textsAfterFirst = embedder.Texts;
        var second = await kb.UpsertAsync(docs);
        var changed = docs.Select((d, i) => i == 3 ? new KnowledgeDocument(d.Id, d.Title, d.Content + " Updated.") : d).ToList();
        var third = await kb.UpsertAsync(changed);

        Assert.Equal(new IngestResult { Added = 10, Updated = 0, Unchanged = 0, Deleted = 0 }, first);
        Assert.Equal(new IngestResult { Added = 0, Updated = 0, Unchanged = 10, Deleted = 0 }, second);
        Assert.Equal(textsAfterFirst, embedder.Texts - 1);
        Assert.Equal(new IngestResult { Added = 0, Updated = 1, Unchanged = 9, Deleted = 0 }, third);
        Assert.Equal(10, await kb.CountAsync());
    }

    [Fact]
    public async Task UpsertAsync_EmbeddingFails_LeavesPreviousVersionIntact()
    {
        var embedder = new CountingEmbeddingGenerator();
        var kb = new InMemoryKnowledgeBase(embedder);
        await kb.UpsertAsync([TestData.Doc("a", "The return window is 30 days."), TestData.Doc("b", "Shipping is free.")]);

        embedder.FailOn = "poison";
        await Assert.ThrowsAsync<HttpRequestException>(() => kb.UpsertAsync(
            [TestData.Doc("a", "The return window is 60 days."), TestData.Doc("c", "poison")]));

        var results = await kb.RetrieveAsync(new RetrievalRequest("return window days"));
        Assert.Contains("30 days", results[0].Content, StringComparison.Ordinal);
        Assert.Equal(["a", "b"], await kb.ListDocumentIdsAsync());
    }

    [Fact]
    public async Task UpsertAsync_DuplicateIdsInOneCall_ThrowsAndStoresNothing()
    {
        var kb = new InMemoryKnowledgeBase(new HashingEmbeddingGenerator(64));
        var e = await Assert.ThrowsAsync<ArgumentException>(() => kb.UpsertAsync([TestData.Doc("a", "x y z"), TestData.Doc("a", "x y")]));
        Assert.Contains("'a'", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, await kb.CountAsync());
    }

    [Fact]
    public async Task DeleteAsync_RemovesDocumentAndItsChunks()
    {
        var kb = new InMemoryKnowledgeBase(new HashingEmbeddingGenerator(64));
        await kb.UpsertAsync(RandomDocuments(5, seed: 6));

        Assert.Equal(2, await kb.DeleteAsync(["doc-0001", "doc-0003", "missing"]));
        Assert.Equal(["doc-0000", "doc-0002", "doc-0004"], await kb.ListDocumentIdsAsync());
        var results = await kb.RetrieveAsync(new RetrievalRequest("refund shipping warranty blender") { TopK = 10 });
        Assert.DoesNotContain(results, r => r.DocumentId is "doc-0001" or "doc-0003");
    }

    [Fact]
    public async Task RetrieveAsync_Tenants_NeverCrossed()
    {
        var kb = new InMemoryKnowledgeBase(new HashingEmbeddingGenerator(64), options: new InMemoryKnowledgeBaseOptions { MultiTenant = true });
        await kb.UpsertAsync([TestData.Doc("same-id", "acme refund policy 30 days", tenant: "acme"), TestData.Doc("same-id", "globex refund policy 90 days", tenant: "globex")]);

        var acme = await kb.RetrieveAsync(new RetrievalRequest("refund policy") { TenantId = "acme", TopK = 10 });

        var only = Assert.Single(acme);
        Assert.Equal("acme", only.TenantId);
        await Assert.ThrowsAsync<ArgumentException>(() => kb.RetrieveAsync(new RetrievalRequest("refund policy")));
        await Assert.ThrowsAsync<ArgumentException>(() => kb.UpsertAsync([TestData.Doc("x", "no tenant")]));
        Assert.Equal(1, await kb.CountAsync("globex"));
    }

    [Fact]
    public async Task RetrieveAsync_QueryEmbeddingOfOtherDimensions_ThrowsClearError()
    {
        var kb = new InMemoryKnowledgeBase(new SwitchableEmbedder());
        await kb.UpsertAsync([TestData.Doc("a", "some text here")]);
        SwitchableEmbedder.Dimensions = 32;
        try
        {
            var e = await Assert.ThrowsAsync<InvalidOperationException>(() => kb.RetrieveAsync(new RetrievalRequest("text")));
            Assert.Contains("32 dimensions", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            SwitchableEmbedder.Dimensions = 64;
        }
    }

    [Fact]
    public async Task RetrieveAsync_WhileUpserting_SeesOldOrNewVersionNeverMissing()
    {
        var kb = new InMemoryKnowledgeBase(new HashingEmbeddingGenerator(64));
        await kb.UpsertAsync([TestData.Doc("policy", "The return window is version 0 days."), .. RandomDocuments(100, seed: 7)]);
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            for (var v = 1; v <= 50; v++)
            {
                await kb.UpsertAsync([TestData.Doc("policy", string.Create(CultureInfo.InvariantCulture, $"The return window is version {v} days."))]);
            }
        });

        var readers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            var seen = 0;
            while (!writer.IsCompleted)
            {
                var results = await kb.RetrieveAsync(new RetrievalRequest("return window version days") { TopK = 3 });
                Assert.Single(results, r => r.DocumentId == "policy");
                seen++;
            }

            return seen;
        })).ToList();

        await writer;
        Assert.All(await Task.WhenAll(readers), seen => Assert.True(seen >= 0));
        Assert.Contains("version 50", (await kb.RetrieveAsync(new RetrievalRequest("return window version"))).First(r => r.DocumentId == "policy").Content, StringComparison.Ordinal);
    }

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
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            new InMemoryKnowledgeBase(new HashingEmbeddingGenerator(64), options: new InMemoryKnowledgeBaseOptions { MaxSearchThreads = -1 }));

        Assert.Equal("options", error.ParamName);
    }

    private sealed class ToleranceComparer(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(float obj) => 0;
    }

    private sealed class TopicEmbedder : Microsoft.Extensions.AI.IEmbeddingGenerator<string, Microsoft.Extensions.AI.Embedding<float>>
    {
        public Task<Microsoft.Extensions.AI.GeneratedEmbeddings<Microsoft.Extensions.AI.Embedding<float>>> GenerateAsync(IEnumerable<string> values, Microsoft.Extensions.AI.EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            var result = new Microsoft.Extensions.AI.GeneratedEmbeddings<Microsoft.Extensions.AI.Embedding<float>>();
            foreach (var value in values)
            {
                var words = TextAnalyzer.Terms(value);
                var vector = Vocabulary.Select(v => (float)words.Count(w => w == TextAnalyzer.Stem(v))).Append(0.1f).ToArray();
                result.Add(new(vector));
            }

            return Task.FromResult(result);
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
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

    private sealed class SwitchableEmbedder : Microsoft.Extensions.AI.IEmbeddingGenerator<string, Microsoft.Extensions.AI.Embedding<float>>
    {
        public static int Dimensions { get; set; } = 64;

        public Task<Microsoft.Extensions.AI.GeneratedEmbeddings<Microsoft.Extensions.AI.Embedding<float>>> GenerateAsync(IEnumerable<string> values, Microsoft.Extensions.AI.EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
            new HashingEmbeddingGenerator(Dimensions).GenerateAsync(values, options, cancellationToken);

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
