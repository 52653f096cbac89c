namespace HybridAnswer;

/// <summary>How an answer is produced: which model generates it and whether the knowledge base is consulted.</summary>
public enum AnswerMode
{
    /// <summary>Retrieval-augmented generation with the base model: retrieve, then answer only from the retrieved sources.</summary>
    Rag,

    /// <summary>The fine-tuned model alone: no retrieval, no sources in the prompt. For style, format and specialised tasks.</summary>
    FineTuned,

    /// <summary>The fine-tuned model grounded in retrieved sources: brand voice from the weights, facts from the knowledge base.</summary>
    Hybrid,
}
