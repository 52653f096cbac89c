namespace HybridAnswer;

/// <summary>What an ingest did, per document.</summary>
/// <param name="Added">Documents that were new.</param>
/// <param name="Updated">Documents whose content changed and whose chunks were replaced.</param>
/// <param name="Unchanged">Documents with the same content hash: neither embedded nor rewritten.</param>
/// <param name="Deleted">Documents removed (pruned because their source disappeared, or deleted by id).</param>
public sealed record IngestResult(int Added, int Updated, int Unchanged, int Deleted)
{
    /// <summary>Gets an empty result.</summary>
    public static IngestResult Empty { get; } = new(0, 0, 0, 0);

    /// <summary>Adds two results.</summary>
    /// <param name="other">The other result.</param>
    /// <returns>The sums of each count.</returns>
    public IngestResult Add(IngestResult other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new(Added + other.Added, Updated + other.Updated, Unchanged + other.Unchanged, Deleted + other.Deleted);
    }
}
