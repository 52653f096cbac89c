namespace HybridAnswer.Planning;

/// <summary>The approach the decision framework recommends.</summary>
public enum Approach
{
    /// <summary>Retrieval-augmented generation with the base model (<see cref="AnswerMode.Rag"/>).</summary>
    Rag,

    /// <summary>A fine-tuned model without retrieval (<see cref="AnswerMode.FineTuned"/>).</summary>
    FineTuning,

    /// <summary>A fine-tuned model grounded in retrieved sources (<see cref="AnswerMode.Hybrid"/>).</summary>
    Hybrid,
}
