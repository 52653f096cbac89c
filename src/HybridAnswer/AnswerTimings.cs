namespace HybridAnswer;

/// <summary>Where the time of one answer went.</summary>
public sealed class AnswerTimings
{
    /// <summary>Gets the time spent embedding the question and searching the knowledge base; zero when retrieval was skipped.</summary>
    public TimeSpan Retrieval { get; init; }

    /// <summary>Gets the time spent in the generator (model) call; zero when no model was called.</summary>
    public TimeSpan Generation { get; init; }

    /// <summary>Gets the time of the whole answer, from validation to the returned result.</summary>
    public TimeSpan Total { get; init; }
}
