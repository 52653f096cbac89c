using System.ComponentModel.DataAnnotations;

namespace HybridAnswer.Embeddings.MiniLM;

/// <summary>How <see cref="MiniLMEmbeddingGenerator"/> runs the model. Bound from configuration section <c>HybridAnswering:MiniLM</c> by <c>UseMiniLMEmbeddings()</c>.</summary>
public sealed class MiniLMEmbeddingOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = HybridAnsweringOptions.SectionName + ":MiniLM";

    /// <summary>Gets or sets the largest number of texts run through the model at once.</summary>
    /// <value>The default is 16. Memory grows with batch size times the longest text in the batch; on two cores larger batches are no faster.</value>
    [Range(1, 256)]
    public int MaxBatchSize { get; set; } = 16;

    /// <summary>Gets or sets how many threads one model run uses.</summary>
    /// <value>The default is 0: one per processor core (<see cref="Environment.ProcessorCount"/>).</value>
    [Range(0, 1024)]
    public int IntraOpThreads { get; set; }

    /// <summary>Gets or sets the longest input, in word pieces including the two special tokens; longer texts are truncated and reported (a warning in the log and <c>truncated</c> = <see langword="true"/> in the embedding's additional properties).</summary>
    /// <value>The default is 256, the length all-MiniLM-L6-v2 was trained on (its position table allows 512, but quality drops past 256).</value>
    [Range(8, MiniLMEmbeddingGenerator.MaxSupportedTokens)]
    public int MaxTokens { get; set; } = MiniLMEmbeddingGenerator.DefaultMaxTokens;
}
