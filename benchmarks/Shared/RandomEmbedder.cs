using System.Globalization;
using Microsoft.Extensions.AI;

/// <summary>
/// Deterministic vectors with structure like real embeddings: texts about "topic N" lie around one of 50 topic centroids, plus
/// per-text noise. (Uniformly random vectors have no neighbourhoods at all and make any approximate index look worse than it is.)
/// The measurement is about the database, not the model. Shared by HybridAnswer.PgVectorMeasure and HybridAnswer.ScaleMeasure.
/// </summary>
internal sealed class RandomEmbedder(int dimensions) : IEmbeddingGenerator<string, Embedding<float>>
{
    public float[] Embed(string text)
    {
        var topic = System.Text.RegularExpressions.Regex.Match(text, @"topic (\d+)");
        var centroid = Noise(topic.Success ? int.Parse(topic.Groups[1].Value, CultureInfo.InvariantCulture) : -1);
        var noise = Noise(text.Aggregate(17, (h, c) => unchecked((h * 31) + c)));
        var vector = centroid.Zip(noise, (c, n) => (0.6f * c) + (0.4f * n)).ToArray();
        var norm = MathF.Sqrt(vector.Sum(x => x * x));
        return [.. vector.Select(x => x / norm)];
    }

    private float[] Noise(int seed)
    {
        var random = new Random(seed);
        var vector = new float[dimensions];
        for (var i = 0; i < dimensions; i++)
        {
            vector[i] = (float)((random.NextDouble() * 2) - 1);
        }

        return vector;
    }

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(values.Select(v => new Embedding<float>(Embed(v)))));

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType == typeof(EmbeddingGeneratorMetadata) ? new EmbeddingGeneratorMetadata("random", null, "random", dimensions) : null;

    public void Dispose()
    {
    }
}
