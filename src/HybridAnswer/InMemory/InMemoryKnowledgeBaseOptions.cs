using System.ComponentModel.DataAnnotations;

namespace HybridAnswer.InMemory;

/// <summary>Options of the in-memory knowledge base. Bound from configuration section <c>HybridAnswering:InMemory</c>.</summary>
public sealed class InMemoryKnowledgeBaseOptions
{
    /// <summary>Gets or sets how chunks are ranked.</summary>
    /// <value>The default is <see cref="RetrievalKind.Hybrid"/>.</value>
    public RetrievalKind RetrievalKind { get; set; } = RetrievalKind.Hybrid;

    /// <summary>Gets or sets a value indicating whether every document and every request must name a tenant.</summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool MultiTenant { get; set; }

    /// <summary>Gets or sets the constant k of reciprocal rank fusion, 1 / (k + rank).</summary>
    /// <value>The default is 60, the value of the original RRF paper.</value>
    [Range(1, 1000)]
    public int RrfK { get; set; } = 60;
}
