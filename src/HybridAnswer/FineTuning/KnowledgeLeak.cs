namespace HybridAnswer.FineTuning;

/// <summary>A sentence of a training answer that states something the knowledge base already says.</summary>
/// <param name="Sentence">The answer sentence.</param>
/// <param name="DocumentId">The knowledge-base document that holds the fact.</param>
/// <param name="Title">That document's title.</param>
/// <param name="SharedFacts">Numbers and codes (prices, days, product codes) the sentence and the document passage both contain: the strongest signal.</param>
/// <param name="Overlap">The share of the sentence's content terms found in the passage, 0 to 1.</param>
public sealed record KnowledgeLeak(string Sentence, string DocumentId, string Title, IReadOnlyList<string> SharedFacts, double Overlap);
