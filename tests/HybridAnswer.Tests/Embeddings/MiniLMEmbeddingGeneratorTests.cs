using System.Numerics.Tensors;
using HybridAnswer.Embeddings.MiniLM;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HybridAnswer.Tests.Embeddings;

/// <summary>Loads the real packaged model once (about a second) and embeds a handful of texts.</summary>
public sealed class MiniLMEmbeddingGeneratorTests : IClassFixture<MiniLMEmbeddingGeneratorTests.Model>
{
    private readonly MiniLMEmbeddingGenerator _embedder;

    public MiniLMEmbeddingGeneratorTests(Model model) => _embedder = model.Embedder;

    [Fact]
    public async Task GenerateAsync_Texts_UnitVectorsOf384DimensionsThatRankParaphrasesAboveUnrelatedText()
    {
        var embeddings = await _embedder.GenerateAsync([
            "How many days do I have to return an item?",
            "Items can be sent back within 30 days of delivery for a refund.",
            "The kettle heats 1.7 litres of water in three minutes.",
        ]);

        Assert.All(embeddings, e => Assert.Equal(MiniLMEmbeddingGenerator.Dimensions, e.Vector.Length));
        Assert.All(embeddings, e => Assert.Equal(1f, TensorPrimitives.Norm(e.Vector.Span), 3));
        Assert.All(embeddings, e => Assert.Equal(MiniLMEmbeddingGenerator.ModelId, e.ModelId));
        var paraphrase = TensorPrimitives.CosineSimilarity(embeddings[0].Vector.Span, embeddings[1].Vector.Span);
        var unrelated = TensorPrimitives.CosineSimilarity(embeddings[0].Vector.Span, embeddings[2].Vector.Span);
        Assert.True(paraphrase > unrelated + 0.2, $"paraphrase {paraphrase}, unrelated {unrelated}");
    }

    [Fact]
    public async Task GenerateAsync_ShortTextBatchedWithLongOne_SameVectorAsAlone()
    {
        // Dynamic padding: a text padded to a longer neighbour in its batch must embed exactly as it does alone.
        const string shortText = "Refunds take five days.";
        var alone = (await _embedder.GenerateAsync([shortText]))[0].Vector.ToArray();
        var batched = await _embedder.GenerateAsync([string.Join(' ', Enumerable.Repeat("Orders ship from the warehouse in Leeds every weekday.", 8)), shortText]);

        Assert.Equal(alone.Length, batched[1].Vector.Length);
        Assert.True(TensorPrimitives.CosineSimilarity(alone, batched[1].Vector.Span) > 0.9999f);
    }

    [Fact]
    public async Task GenerateAsync_AnyBatchSizeAndThreadCount_VectorsWithin1e3CosineOfOneTextAtATime()
    {
        // Ingest speed settings (how many texts share a run and its padding, how many threads run it) must not change what a
        // chunk embeds to: texts of very different lengths, embedded one at a time on one thread as the reference.
        var words = "Npgsql maps PostgreSQL types to .NET types and pools connections per data source; COPY loads rows in bulk.".Split(' ');
        var texts = Enumerable.Range(0, 24).Select(i => string.Join(' ', Enumerable.Range(0, 3 + (i * 11)).Select(w => words[(w + i) % words.Length]))).ToList();
        using var reference = new MiniLMEmbeddingGenerator(new MiniLMEmbeddingOptions { MaxBatchSize = 1, IntraOpThreads = 1 });
        var expected = new List<float[]>();
        foreach (var text in texts)
        {
            expected.Add((await reference.GenerateAsync([text]))[0].Vector.ToArray());
        }

        foreach (var (batch, threads) in new[] { (4, 2), (16, 1), (64, 2) })
        {
            using var embedder = new MiniLMEmbeddingGenerator(new MiniLMEmbeddingOptions { MaxBatchSize = batch, IntraOpThreads = threads });
            var actual = await embedder.GenerateAsync(texts);

            for (var i = 0; i < texts.Count; i++)
            {
                var cosine = TensorPrimitives.CosineSimilarity(expected[i], actual[i].Vector.Span);
                Assert.True(cosine >= 1 - 1e-3, $"text {i} ({embedder.CountTokens(texts[i])} tokens), batch {batch}, {threads} threads: cosine {cosine}");
            }
        }
    }

    [Fact]
    public async Task GenerateAsync_TextLongerThanTheLimit_TruncatedAndMarked()
    {
        var longText = string.Join(' ', Enumerable.Repeat("pgvector stores embeddings next to the rows they describe.", 60));
        Assert.True(_embedder.CountTokens(longText) > MiniLMEmbeddingGenerator.DefaultMaxTokens);
        var before = _embedder.TruncatedInputs;

        var embeddings = await _embedder.GenerateAsync([longText, "short"]);

        Assert.Equal(true, embeddings[0].AdditionalProperties?["truncated"]);
        Assert.Null(embeddings[1].AdditionalProperties);
        Assert.Equal(before + 1, _embedder.TruncatedInputs);
    }

    [Fact]
    public async Task GenerateAsync_LineBreaksBetweenWords_ReadAsSpacesNotGlued()
    {
        // Microsoft.ML.Tokenizers' BERT normalizer drops "\n" without a space: "transactions\n\nAlthough" was read as one word.
        var limit = _embedder.GetService<EmbeddingInputLimit>()!;
        var wrapped = "Basic transactions\n\nAlthough savepoints\nare supported,\r\nnested\ttransactions are not.";
        var spaced = "Basic transactions  Although savepoints are supported,  nested transactions are not.";

        Assert.Equal(Pieces(spaced), Pieces(wrapped));
        Assert.DoesNotContain("##al", Pieces(wrapped));
        var vectors = await _embedder.GenerateAsync([wrapped, spaced]);
        Assert.True(TensorPrimitives.CosineSimilarity(vectors[0].Vector.Span, vectors[1].Vector.Span) >= 1 - 1e-6);
        Assert.Equal(limit.Tokenizer.CountTokens(spaced), limit.Tokenizer.CountTokens(wrapped));

        string[] Pieces(string text) => [.. limit.Tokenizer.EncodeToTokens(text, out _).Select(t => t.Value)];
    }

    [Fact]
    public void GetService_Metadata_ReportsModelAndDimensionsAndInputLimit()
    {
        var metadata = _embedder.GetService<EmbeddingGeneratorMetadata>();
        var limit = _embedder.GetService<EmbeddingInputLimit>();

        Assert.Equal(MiniLMEmbeddingGenerator.ModelId, metadata?.DefaultModelId);
        Assert.Equal(384, metadata?.DefaultModelDimensions);
        Assert.Equal(256, limit?.MaxTokens);
        Assert.Equal(2, limit?.SpecialTokens);
        Assert.Equal(_embedder.CountTokens("hello world") - 2, limit!.Tokenizer.CountTokens("hello world"));
    }

    [Fact]
    public void Constructor_BatchSizeZero_ThrowsNamingTheOption()
    {
        var e = Assert.Throws<OptionsValidationException>(() => new MiniLMEmbeddingGenerator(new MiniLMEmbeddingOptions { MaxBatchSize = 0 }));
        Assert.Contains("HybridAnswering:MiniLM:MaxBatchSize", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UseMiniLMEmbeddings_DefaultMinScore_RecommendedFloorAndMiniLMRegistered()
    {
        var services = new ServiceCollection();
        services.AddHybridAnswering().UseMiniLMEmbeddings();
        using var provider = services.BuildServiceProvider();

        Assert.Equal(MiniLMEmbeddingGenerator.RecommendedMinScore, provider.GetRequiredService<IOptions<HybridAnsweringOptions>>().Value.MinScore);
        Assert.IsType<MiniLMEmbeddingGenerator>(provider.GetKnowledgeBaseEmbeddingGenerator());
    }

    [Fact]
    public void UseMiniLMEmbeddings_HostSetDefaultMinScore_ExplicitValueKept()
    {
        // 0.1 is also the library's default: an explicit setting must still win over the model's recommended floor.
        var services = new ServiceCollection();
        services.AddHybridAnswering(o => o.MinScore = 0.1).UseMiniLMEmbeddings();
        using var provider = services.BuildServiceProvider();

        Assert.Equal(0.1, provider.GetRequiredService<IOptions<HybridAnsweringOptions>>().Value.MinScore);
    }

    [Fact]
    public void UseMiniLMEmbeddings_MinScoreInConfiguration_ConfiguredValueKept()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["HybridAnswering:MinScore"] = "0.1" }).Build());
        services.AddHybridAnswering().UseMiniLMEmbeddings();
        using var provider = services.BuildServiceProvider();

        Assert.Equal(0.1, provider.GetRequiredService<IOptions<HybridAnsweringOptions>>().Value.MinScore);
    }

    [Fact]
    public void UseMiniLMEmbeddings_HostRegisteredGenerator_RegistrationKept()
    {
        // The host's own generator (used elsewhere in the app) stays registered; the knowledge base embeds with MiniLM.
        var hosts = new HashingEmbeddingGenerator();
        var services = new ServiceCollection();
        services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(hosts);
        services.AddHybridAnswering().UseMiniLMEmbeddings();
        using var provider = services.BuildServiceProvider();

        Assert.Same(hosts, provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>());
        Assert.IsType<MiniLMEmbeddingGenerator>(provider.GetKnowledgeBaseEmbeddingGenerator());
    }

    [Fact]
    public void UseMiniLMEmbeddings_HostSetMinScore_HostValueKept()
    {
        var services = new ServiceCollection();
        services.AddHybridAnswering(o => o.MinScore = 0.5).UseMiniLMEmbeddings();
        using var provider = services.BuildServiceProvider();

        Assert.Equal(0.5, provider.GetRequiredService<IOptions<HybridAnsweringOptions>>().Value.MinScore);
    }

    public sealed class Model : IDisposable
    {
        public MiniLMEmbeddingGenerator Embedder { get; } = new(new MiniLMEmbeddingOptions { MaxBatchSize = 4 });

        public void Dispose() => Embedder.Dispose();
    }
}
