namespace HybridAnswer;

/// <summary>How a knowledge base ranks chunks for a query.</summary>
public enum RetrievalKind
{
    /// <summary>Vector similarity and keyword relevance fused by reciprocal rank fusion: finds paraphrases and exact terms (product codes, error numbers).</summary>
    Hybrid,

    /// <summary>Vector (embedding) similarity only.</summary>
    Vector,

    /// <summary>Keyword relevance only (BM25 in memory, full-text search in PostgreSQL).</summary>
    Keyword,
}
