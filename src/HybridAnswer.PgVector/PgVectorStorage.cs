namespace HybridAnswer.PgVector;

/// <summary>How the embedding column stores each dimension.</summary>
/// <remarks>
/// Chosen when the table is created; a table keeps its storage (an existing table of the other storage fails at start with a message
/// saying so, it is never converted or mixed). Embeddings and query vectors stay <see cref="float"/> in .NET either way; with
/// <see cref="Float16"/> PostgreSQL stores and compares them as half-precision floats.
/// </remarks>
public enum PgVectorStorage
{
    /// <summary>4-byte floats: the <c>vector(n)</c> type, HNSW on <c>vector_*_ops</c>, at most 2,000 dimensions.</summary>
    Float32,

    /// <summary>2-byte floats (pgvector 0.7.0 or later): the <c>halfvec(n)</c> type, HNSW on <c>halfvec_*_ops</c>, at most 4,000 dimensions.
    /// Half the table and index size, and a smaller graph to walk; scores and rankings differ from float32 in the third decimal place.</summary>
    Float16,
}
