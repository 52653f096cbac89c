namespace HybridAnswer;

/// <summary>The keys under which HybridAnswer looks for keyed services.</summary>
public static class HybridAnsweringServiceKeys
{
    /// <summary>The key of the <c>IChatClient</c> of the base model. Without it, an unkeyed <c>IChatClient</c> is used.</summary>
    public const string BaseModel = "HybridAnswer:BaseModel";

    /// <summary>The key of the <c>IChatClient</c> of the fine-tuned model. Without it, the base model's client is used with the fine-tuned model id.</summary>
    public const string FineTunedModel = "HybridAnswer:FineTunedModel";

    /// <summary>
    /// The key under which <c>UseEmbeddingGenerator(...)</c> registers the embedding generator of the knowledge base. Without it,
    /// the unkeyed <c>IEmbeddingGenerator&lt;string, Embedding&lt;float&gt;&gt;</c> is used, or the hashing embedder when none is registered.
    /// </summary>
    public const string EmbeddingGenerator = "HybridAnswer:EmbeddingGenerator";
}
