namespace HybridAnswer.FineTuning;

/// <summary>The author of a message in a chat fine-tuning example (the OpenAI chat format's <c>role</c>).</summary>
public enum TrainingRole
{
    /// <summary>Instructions that frame the conversation (<c>"system"</c>).</summary>
    System,

    /// <summary>The end user's turn (<c>"user"</c>).</summary>
    User,

    /// <summary>The model's turn: what training teaches it to say (<c>"assistant"</c>).</summary>
    Assistant,

    /// <summary>The result of a tool call (<c>"tool"</c>).</summary>
    Tool,
}
