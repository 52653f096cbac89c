using System.ComponentModel.DataAnnotations;

namespace HybridAnswer.VectorData;

/// <summary>Options of <see cref="VectorDataChunkStore"/>.</summary>
public sealed class VectorDataChunkStoreOptions
{
    /// <summary>Gets or sets the embedding dimensions of the collection (the <see cref="KnowledgeChunkRecord.CreateDefinition"/> argument), checked against every vector before it is sent.</summary>
    /// <value>The default is <see langword="null"/>: taken from the first write.</value>
    [Range(1, int.MaxValue)]
    public int? Dimensions { get; set; }

    /// <summary>Gets or sets whether searches use the collection's <c>IKeywordHybridSearchable</c> (vector and full-text ranking fused by the connector) when it offers one.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool UseHybridSearch { get; set; } = true;

    /// <summary>Gets or sets how many chunks one write carries at most.</summary>
    /// <value>The default is 256.</value>
    [Range(1, int.MaxValue)]
    public int MaxChunksPerWrite { get; set; } = 256;

    /// <summary>Gets or sets how many records one page of a listing reads.</summary>
    /// <value>The default is 500.</value>
    [Range(1, int.MaxValue)]
    public int PageSize { get; set; } = 500;
}
