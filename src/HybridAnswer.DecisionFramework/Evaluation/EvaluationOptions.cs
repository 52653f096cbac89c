namespace HybridAnswer.Evaluation;

/// <summary>How an evaluation runs: retrieval depth, filter and tenant, applied to every question.</summary>
public sealed record EvaluationOptions
{
    /// <summary>The number of results the ranking metrics other than recall look at (nDCG@10).</summary>
    public const int RankingDepth = 10;

    /// <summary>Gets the k of recall@k, which is also the top-k the answers are generated from (1–100).</summary>
    /// <value>The default is 5.</value>
    public int TopK
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1, nameof(TopK));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, RetrievalRequest.MaxTopK, nameof(TopK));
            field = value;
        }
    } = 5;

    /// <summary>Gets metadata equality filters applied to retrieval and answers (e.g. <c>status</c> = <c>published</c>).</summary>
    /// <value>The default is empty.</value>
    public IReadOnlyDictionary<string, string> Filter { get; init; } = new Dictionary<string, string>();

    /// <summary>Gets the tenant whose knowledge is searched; <see langword="null"/> in a single-tenant knowledge base.</summary>
    public string? TenantId { get; init; }
}
