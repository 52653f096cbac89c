using System.ComponentModel.DataAnnotations;

namespace HybridAnswer;

/// <summary>How documents are split into chunks before embedding. Bound from configuration section <c>HybridAnswering:Chunking</c>.</summary>
public sealed class ChunkingOptions
{
    /// <summary>The configuration section these options bind from: <c>HybridAnswering:Chunking</c>, inside <see cref="HybridAnsweringOptions"/>.</summary>
    public const string SectionName = HybridAnsweringOptions.SectionName + ":Chunking";

    /// <summary>Gets or sets the target chunk size in characters.</summary>
    /// <value>The default is 1,200 characters (roughly 300 tokens).</value>
    [Range(100, 100_000)]
    public int TargetSize { get; set; } = 1200;

    /// <summary>Gets or sets how many characters of the end of a chunk are repeated at the start of the next one within a section.</summary>
    /// <value>The default is 150 characters. Must be less than half of <see cref="TargetSize"/>.</value>
    [Range(0, 50_000)]
    public int Overlap { get; set; } = 150;
}
