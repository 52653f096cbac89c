using System.Numerics.Tensors;

namespace HybridAnswer.Tests.Embeddings;

public sealed class HashingEmbeddingGeneratorTests
{
    private readonly HashingEmbeddingGenerator _embedder = new();

    [Fact]
    public async Task GenerateAsync_SameText_SameVectorAcrossInstances()
    {
        var a = await _embedder.GenerateAsync(["How long does shipping take to Canada?"]);
        var b = await new HashingEmbeddingGenerator().GenerateAsync(["How long does shipping take to Canada?"]);
        Assert.Equal(a[0].Vector.ToArray(), b[0].Vector.ToArray());
        Assert.Equal(HashingEmbeddingGenerator.DefaultDimensions, a[0].Vector.Length);
    }

    [Theory]
    [InlineData("Refunds are issued within five business days.")]
    [InlineData("KB-450")]
    [InlineData("Ünïcödé façade naïve café")]
    public void Embed_AnyText_HasUnitLength(string text)
    {
        Assert.Equal(1.0, TensorPrimitives.Norm(_embedder.Embed(text)), 4);
    }

    [Fact]
    public void Embed_OnlyStopWords_IsZeroVector()
    {
        Assert.All(_embedder.Embed("what is the and of"), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Embed_RelatedTexts_AreCloserThanUnrelated()
    {
        var question = _embedder.Embed("How many days do I have to return a blender?");
        var related = _embedder.Embed("You can return most items within 30 days of delivery.");
        var unrelated = _embedder.Embed("Our VPN client disconnects after twelve hours.");

        var relatedScore = TensorPrimitives.CosineSimilarity(question, related);
        var unrelatedScore = TensorPrimitives.CosineSimilarity(question, unrelated);
        Assert.True(relatedScore > unrelatedScore + 0.1, $"related {relatedScore}, unrelated {unrelatedScore}");
    }

    [Fact]
    public void Embed_WordForms_ShareFeatures()
    {
        var a = _embedder.Embed("shipping");
        var b = _embedder.Embed("shipped");
        var c = _embedder.Embed("warranty");
        Assert.True(TensorPrimitives.CosineSimilarity(a, b) > 0.9);
        Assert.True(TensorPrimitives.CosineSimilarity(a, c) < 0.3);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(8)]
    [InlineData(5000)]
    public void Constructor_BadDimensions_Throws(int dimensions)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new HashingEmbeddingGenerator(dimensions));
    }
}
