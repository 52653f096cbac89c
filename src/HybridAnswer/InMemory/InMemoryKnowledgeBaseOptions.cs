using System.ComponentModel.DataAnnotations;

namespace HybridAnswer.InMemory;

/// <summary>Options of the in-memory knowledge base. Bound from configuration section <c>HybridAnswering:InMemory</c>.</summary>
public sealed class InMemoryKnowledgeBaseOptions
{
    /// <summary>The configuration section these options bind from: <c>HybridAnswering:InMemory</c>.</summary>
    public const string SectionName = HybridAnsweringOptions.SectionName + ":InMemory";

    /// <summary>Gets or sets how chunks are ranked.</summary>
    /// <value>The default is <see cref="RetrievalKind.Hybrid"/>.</value>
    public RetrievalKind RetrievalKind { get; set; } = RetrievalKind.Hybrid;

    /// <summary>Gets or sets a value indicating whether every document and every request must name a tenant.</summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool MultiTenant { get; set; }

    /// <summary>Gets or sets the constant k of reciprocal rank fusion, 1 / (k + rank).</summary>
    /// <value>
    /// The default is 10. The original RRF paper uses 60 for fusing long result lists; here each list holds at most
    /// max(4 × top-K, 40) candidates, and a smaller k lets a chunk that one list ranks first (an exact product code)
    /// compete with chunks both lists rank in the middle. Measured with the <c>eval</c> command on the sample and
    /// helpdesk question sets: hit@1 is equal or better at 10 than at 60.
    /// </value>
    [Range(1, 1000)]
    public int RrfK { get; set; } = RetrievalConstants.DefaultRrfK;

    /// <summary>Gets or sets how many chunk texts are sent to the embedding generator per call while ingesting.</summary>
    /// <value>The default is 64.</value>
    [Range(1, 2048)]
    public int EmbeddingBatchSize { get; set; } = RetrievalConstants.DefaultEmbeddingBatchSize;

    /// <summary>Gets or sets the most threads one vector search may use.</summary>
    /// <value>
    /// The default is 0: one per processor (<see cref="Environment.ProcessorCount"/>). Only a scan of at least 2²¹ floats per
    /// thread (about 5,500 chunks of 384 dimensions each) is split, into contiguous row ranges merged into one exact top-K: the
    /// same chunks in the same order as on one thread. Set 1 where a host serves many questions at once and would rather each
    /// search took one core.
    /// </value>
    [Range(0, 1024)]
    public int MaxSearchThreads { get; set; }
}
