namespace HybridAnswer;

/// <summary>What to retrieve: a query, how many chunks, which ones are eligible.</summary>
public sealed record RetrievalRequest
{
    /// <summary>Initializes a new request.</summary>
    /// <param name="query">The question or search text.</param>
    /// <exception cref="ArgumentException"><paramref name="query"/> is empty or whitespace.</exception>
    public RetrievalRequest(string query)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(query);
        Query = query;
    }

    /// <summary>The largest <see cref="TopK"/> accepted.</summary>
    public const int MaxTopK = 100;

    /// <summary>
    /// The longest <see cref="Query"/>, in characters, the knowledge bases accept (a longer one is refused before it is embedded or
    /// sent to the database: a 1 MB query cost seconds of server CPU). <see cref="HybridAnsweringOptions.MaxQuestionLength"/> cannot
    /// be set higher, so a question the answerer accepts is always a query the knowledge base accepts.
    /// </summary>
    public const int MaxQueryLength = 10_000;

    /// <summary>Gets the question or search text.</summary>
    public string Query { get; }

    /// <summary>Gets how many chunks to return at most (1–100).</summary>
    /// <value>The default is 5.</value>
    public int TopK
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1, nameof(TopK));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, MaxTopK, nameof(TopK));
            field = value;
        }
    } = 5;

    /// <summary>Gets metadata equality filters, all of which a chunk's document must match. Applied before top-K, so a selective filter still yields top-K results when that many chunks match.</summary>
    public IReadOnlyDictionary<string, string> Filter { get; init; } = new Dictionary<string, string>();

    /// <summary>Gets the relevance floor (see <see cref="RetrievedChunk.Score"/>): chunks below it are not returned.</summary>
    /// <value>The default is <see langword="null"/>: no floor.</value>
    public double? MinScore { get; init; }

    /// <summary>Gets the tenant whose chunks may be returned; <see langword="null"/> in a single-tenant knowledge base.</summary>
    public string? TenantId { get; init; }

    /// <summary>
    /// Gets a commit position the search must see (an <see cref="IngestResult.CommitPosition"/>): a store that reads from replicas
    /// waits, bounded, until the replica serving the search has replayed it, and otherwise reads the primary (read-your-writes).
    /// </summary>
    /// <value>The default is <see langword="null"/>: the replica answers as it is, possibly a little behind the primary.</value>
    public string? MinCommitPosition { get; init; }
}
