namespace HybridAnswer.Evaluation;

/// <summary>What went wrong with one evaluation question, so a miss says where to look.</summary>
public enum EvaluationMiss
{
    /// <summary>Nothing: an answerable question answered from a top-k document (with the expected phrase, when one is given), or an unanswerable one refused.</summary>
    None,

    /// <summary>No expected document was in the top-k: retrieval (embedder, keyword side, chunking) missed it.</summary>
    RetrievalMiss,

    /// <summary>The right document was retrieved but the answerer refused: a threshold or the support check is too strict.</summary>
    OverRefusal,

    /// <summary>The right document was retrieved and an answer given, but without the expected phrase: the wrong sentences were quoted.</summary>
    WrongSentence,

    /// <summary>An unanswerable question was answered.</summary>
    AnsweredUnanswerable,
}
