namespace HybridAnswer;

/// <summary>Per-call overrides of <see cref="HybridAnsweringOptions"/>. Every <see langword="null"/> property falls back to the configured default.</summary>
public sealed record AnswerOptions
{
    /// <summary>Gets the answering mode for this call.</summary>
    public AnswerMode? Mode { get; init; }

    /// <summary>Gets how many chunks to retrieve (1–100).</summary>
    public int? TopK { get; init; }

    /// <summary>Gets metadata equality filters, ANDed with each other and with <see cref="HybridAnsweringOptions.DefaultFilter"/> (a key given here replaces the default for that key).</summary>
    public IReadOnlyDictionary<string, string>? Filter { get; init; }

    /// <summary>Gets the relevance floor: chunks scoring below it are dropped, and with none left the answer is a refusal.</summary>
    public double? MinScore { get; init; }

    /// <summary>Gets the customer the question is asked for; passed to <see cref="ICustomerContextProvider"/> when one is registered.</summary>
    public string? CustomerId { get; init; }

    /// <summary>Gets the tenant whose knowledge may be searched; required when the knowledge base is multi-tenant.</summary>
    public string? TenantId { get; init; }

    /// <summary>Gets a commit position (<see cref="IngestResult.CommitPosition"/>) the retrieval must see; see <see cref="RetrievalRequest.MinCommitPosition"/>.</summary>
    public string? MinCommitPosition { get; init; }
}
