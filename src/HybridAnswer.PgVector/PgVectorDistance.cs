namespace HybridAnswer.PgVector;

/// <summary>The distance the HNSW index is built for and nearest neighbours are ordered by.</summary>
/// <remarks>
/// Embeddings are stored L2-normalised, so all three order neighbours identically; they differ in speed only.
/// Whatever the distance, <see cref="RetrievedChunk.Score"/> is the cosine similarity.
/// </remarks>
public enum PgVectorDistance
{
    /// <summary>Cosine distance (<c>&lt;=&gt;</c>, <c>vector_cosine_ops</c>).</summary>
    Cosine,

    /// <summary>Negative inner product (<c>&lt;#&gt;</c>, <c>vector_ip_ops</c>): slightly faster than cosine for normalised vectors.</summary>
    InnerProduct,

    /// <summary>Euclidean distance (<c>&lt;-&gt;</c>, <c>vector_l2_ops</c>).</summary>
    L2,
}
