namespace HybridAnswer;

/// <summary>One call of the answerer with its per-call options resolved against the configured defaults and validated.</summary>
internal sealed record AnswerCall(
    string Question,
    AnswerMode Mode,
    int TopK,
    double MinScore,
    IReadOnlyDictionary<string, string> Filter,
    string? CustomerId,
    string? TenantId)
{
    /// <summary>Gets whether this call retrieves (see <see cref="AnswerModeExtensions"/>).</summary>
    public bool Retrieves => Mode.Retrieves;

    /// <summary>Gets the commit position retrieval must see (read-your-writes on replicas).</summary>
    public string? MinCommitPosition { get; init; }

    /// <summary>Validates the question and the overrides and merges them with the defaults; throws before anything is sent.</summary>
    /// <exception cref="ArgumentException">The question is empty, whitespace or too long, or an option is out of range.</exception>
    public static AnswerCall Resolve(string question, AnswerOptions? options, HybridAnsweringOptions defaults)
    {
        ArgumentNullException.ThrowIfNull(question);
        if (string.IsNullOrWhiteSpace(question))
        {
            throw new ArgumentException("The question is empty or whitespace.", nameof(question));
        }

        if (question.Length > defaults.MaxQuestionLength)
        {
            throw new ArgumentException($"The question has {question.Length} characters; at most {defaults.MaxQuestionLength} are accepted (HybridAnswering:MaxQuestionLength).", nameof(question));
        }

        var mode = options?.Mode ?? defaults.Mode;
        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(nameof(options), mode, "AnswerOptions.Mode is not a defined AnswerMode.");
        }

        var topK = options?.TopK ?? defaults.TopK;
        if (topK is < 1 or > RetrievalRequest.MaxTopK)
        {
            throw new ArgumentOutOfRangeException(nameof(options), topK, $"AnswerOptions.TopK must be between 1 and {RetrievalRequest.MaxTopK}.");
        }

        var minScore = options?.MinScore ?? defaults.MinScore;
        if (double.IsNaN(minScore) || minScore is < -1 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), minScore, "AnswerOptions.MinScore must be between -1 and 1.");
        }

        var filter = new Dictionary<string, string>(defaults.DefaultFilter, StringComparer.Ordinal);
        foreach (var (key, value) in options?.Filter ?? new Dictionary<string, string>())
        {
            if (string.IsNullOrWhiteSpace(key))
            {
                throw new ArgumentException("AnswerOptions.Filter has an empty key.", nameof(options));
            }

            filter[key] = value ?? throw new ArgumentException($"AnswerOptions.Filter['{key}'] is null.", nameof(options));
        }

        // In every mode, before anything is embedded, searched or sent: one answer for one question, whatever the store. Checked
        // here once (NUL, lone surrogates, in the question, tenant and filter); the store boundary does not check this request again.
        var retrieval = KnowledgeText.CheckedAtBoundary(
            new RetrievalRequest(question.Trim()) { TopK = topK, Filter = filter, MinScore = minScore, TenantId = options?.TenantId, MinCommitPosition = options?.MinCommitPosition },
            nameof(options),
            nameof(question));
        return new AnswerCall(retrieval.Query, mode, topK, minScore, filter, options?.CustomerId, options?.TenantId) { MinCommitPosition = options?.MinCommitPosition, Retrieval = retrieval };
    }

    /// <summary>Gets the request sent down the retrieval pipeline, checked once by <see cref="Resolve"/>.</summary>
    public required RetrievalRequest Retrieval { get; init; }

    /// <summary>The request sent down the retrieval pipeline.</summary>
    public RetrievalRequest ToRetrievalRequest() => Retrieval;
}
