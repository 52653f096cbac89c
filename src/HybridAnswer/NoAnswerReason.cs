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

    /// <summary>
    /// Nothing was retrieved because no document of the tenant matches the metadata filter (<see cref="AnswerOptions.Filter"/> with
    /// <see cref="HybridAnsweringOptions.DefaultFilter"/>) at all — often a typo in a key or a value, not a gap in the knowledge
    /// base; no model was called. Reported when the knowledge base can tell (the in-memory and PostgreSQL ones check, only on this
    /// empty-result path); any other retriever reports <see cref="NoRelevantSources"/>.
    /// </summary>
    FilterMatchedNothing,
}
