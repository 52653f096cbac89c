namespace HybridAnswer;

/// <summary>What an ingest did, per document.</summary>
/// <remarks>A class with reference equality; compare the counts themselves. Results of several ingests combine with <see cref="Add"/>.</remarks>
public sealed class IngestResult
{
    // An empty result (no document touched).
    internal static IngestResult Empty { get; } = new();

    /// <summary>Gets the number of documents that were new.</summary>
    public int Added { get; init; }

    /// <summary>Gets the number of documents whose content changed and whose chunks were replaced.</summary>
    public int Updated { get; init; }

    /// <summary>Gets the number of documents with the same content hash: neither embedded nor rewritten.</summary>
    public int Unchanged { get; init; }

    /// <summary>Gets the number of documents removed (pruned because their source disappeared, or deleted by id).</summary>
    public int Deleted { get; init; }

    /// <summary>
    /// Gets the store's commit position once this ingest was durable on the primary (in PostgreSQL a WAL position such as
    /// <c>0/16B3748</c>); pass it as <see cref="RetrievalRequest.MinCommitPosition"/> or <see cref="AnswerOptions.MinCommitPosition"/>
    /// so a search on a read replica sees this ingest (read-your-writes).
    /// </summary>
    /// <value><see langword="null"/> for stores without replicas (in memory, where every write is visible at once).</value>
    public string? CommitPosition { get; init; }

    /// <summary>Adds two results.</summary>
    /// <param name="other">The other result.</param>
    /// <returns>The sums of each count, and the commit position of <paramref name="other"/> (the later ingest) when it has one.</returns>
    public IngestResult Add(IngestResult other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new()
        {
            Added = Added + other.Added,
            Updated = Updated + other.Updated,
            Unchanged = Unchanged + other.Unchanged,
            Deleted = Deleted + other.Deleted,
            CommitPosition = other.CommitPosition ?? CommitPosition,
        };
    }
}
