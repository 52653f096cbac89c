namespace HybridAnswer;

/// <summary>Where the time of one answer went.</summary>
/// <param name="Retrieval">Embedding the question and searching the knowledge base; zero when retrieval was skipped.</param>
/// <param name="Generation">The generator (model) call; zero when no model was called.</param>
/// <param name="Total">The whole answer, from validation to the returned result.</param>
public sealed record AnswerTimings(TimeSpan Retrieval, TimeSpan Generation, TimeSpan Total);
