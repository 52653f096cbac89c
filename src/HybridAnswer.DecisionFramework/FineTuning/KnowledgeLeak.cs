namespace HybridAnswer.FineTuning;

/// <summary>A sentence of a training answer that states something the knowledge base already says.</summary>
public sealed record KnowledgeLeak
{
    /// <summary>Gets the answer sentence.</summary>
    public required string Sentence { get; init; }

    /// <summary>Gets the knowledge-base document that holds the fact.</summary>
    public required string DocumentId { get; init; }

    /// <summary>Gets that document's title.</summary>
    public required string Title { get; init; }

    /// <summary>Gets the numbers and codes (prices, days, product codes) the sentence and the document passage both contain: the strongest signal.</summary>
    public required IReadOnlyList<string> SharedFacts { get; init; }

    /// <summary>Gets the share of the sentence's content terms found in the passage, 0 to 1.</summary>
    public required double Overlap { get; init; }
}
