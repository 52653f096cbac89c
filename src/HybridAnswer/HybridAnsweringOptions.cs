using System.ComponentModel.DataAnnotations;

namespace HybridAnswer;

/// <summary>The host-wide defaults of <see cref="HybridAnswerer"/>. Bound from configuration section <c>HybridAnswering</c> and validated at start.</summary>
public sealed class HybridAnsweringOptions
{
    /// <summary>The configuration section the options bind from.</summary>
    public const string SectionName = "HybridAnswering";

    /// <summary>The default refusal text.</summary>
    public const string DefaultNoAnswerText = "I don't have that information.";

    /// <summary>Gets or sets the default answering mode.</summary>
    /// <value>The default is <see cref="AnswerMode.Rag"/>.</value>
    public AnswerMode Mode { get; set; } = AnswerMode.Rag;

    /// <summary>Gets or sets how many chunks to retrieve (1–100).</summary>
    /// <value>The default is 5.</value>
    [Range(1, RetrievalRequest.MaxTopK)]
    public int TopK { get; set; } = 5;

    /// <summary>Gets or sets the relevance floor (−1 to 1): chunks scoring below it are dropped, and with none left the answer is a refusal without a model call.</summary>
    /// <value>The default is 0.1, tuned for the embedded hashing embedder; calibrate it for a real embedding model on your own questions (the <c>eval</c> command reports refusal precision and recall).</value>
    [Range(-1.0, 1.0)]
    public double MinScore { get; set; } = 0.1;

    /// <summary>Gets the metadata filter applied to every retrieval (e.g. <c>status</c> = <c>published</c>); per-call filters add to it or override a key.</summary>
    /// <value>The default is empty.</value>
    public Dictionary<string, string> DefaultFilter { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets or sets the model id used in <see cref="AnswerMode.Rag"/> mode.</summary>
    /// <value>The default is <c>gpt-4o-mini</c>.</value>
    [Required(AllowEmptyStrings = false)]
    public string BaseModel { get; set; } = "gpt-4o-mini";

    /// <summary>Gets or sets the fine-tuned model id used in <see cref="AnswerMode.FineTuned"/> and <see cref="AnswerMode.Hybrid"/> modes (e.g. <c>ft:gpt-4o-mini:acme::abc123</c>).</summary>
    /// <value>The default is <see langword="null"/>; required when <see cref="Mode"/> is not <see cref="AnswerMode.Rag"/>.</value>
    public string? FineTunedModel { get; set; }

    /// <summary>Gets or sets the text of a refusal.</summary>
    /// <value>The default is "I don't have that information."</value>
    [Required(AllowEmptyStrings = false)]
    public string NoAnswerText { get; set; } = DefaultNoAnswerText;

    /// <summary>Gets or sets the longest question accepted, in characters.</summary>
    /// <value>The default is 2,000; at most <see cref="RetrievalRequest.MaxQueryLength"/>.</value>
    [Range(1, RetrievalRequest.MaxQueryLength)]
    public int MaxQuestionLength { get; set; } = 2000;

    /// <summary>Gets how documents are split into chunks (section <c>HybridAnswering:Chunking</c>).</summary>
    public ChunkingOptions Chunking { get; } = new();

    /// <summary>Gets the prompt templates and the token budget (section <c>HybridAnswering:Prompt</c>).</summary>
    public PromptOptions Prompt { get; } = new();

    /// <summary>Gets how chat models are called: timeout, retries, fallback (section <c>HybridAnswering:Generation</c>).</summary>
    public GenerationOptions Generation { get; } = new();

    /// <summary>Gets the support thresholds of the embedded extractive generator, used when no chat model is registered (section <c>HybridAnswering:Extractive</c>).</summary>
    public ExtractiveGeneratorOptions Extractive { get; } = new();

    /// <summary>Gets the prices that <see cref="Answer.CostUsd"/> is computed from (section <c>HybridAnswering:Pricing</c>).</summary>
    public ModelPriceTable Pricing { get; } = new();
}
