namespace HybridAnswer;

/// <summary>Why an <see cref="Answer"/> is a refusal rather than an answer.</summary>
public enum NoAnswerReason
{
    /// <summary>No retrieved chunk cleared the relevance floor (<see cref="AnswerOptions.MinScore"/>); no model was called.</summary>
    NoRelevantSources,

    /// <summary>Sources were retrieved, but the generator found nothing in them that supports an answer to the question.</summary>
    InsufficientSupport,

    /// <summary>The model was called and answered with the no-answer text.</summary>
    ModelDeclined,
}
