using System.ComponentModel.DataAnnotations;

namespace HybridAnswer.FineTuning;

/// <summary>
/// How <see cref="TrainingDataHarvester"/> turns reviewed answers into training examples. Checked by its constructor: a bad value
/// throws <see cref="Microsoft.Extensions.Options.OptionsValidationException"/> naming its key under <see cref="SectionName"/>.
/// </summary>
public sealed class TrainingDataHarvestOptions
{
    /// <summary>The configuration section the options bind from, and the prefix of the keys its validation failures name.</summary>
    public const string SectionName = HybridAnsweringOptions.SectionName + ":FineTuning:Harvest";

    /// <summary>The system prompt used when none is given.</summary>
    public const string DefaultSystemPrompt = "You are a helpful customer support assistant. Answer in the company's voice: friendly, concise and accurate.";

    /// <summary>Gets the system prompt every example starts with; use the one the fine-tuned model will run with.</summary>
    /// <value>The default is <see cref="DefaultSystemPrompt"/>; required (not empty or white space).</value>
    [Required]
    public string SystemPrompt { get; init; } = DefaultSystemPrompt;

    /// <summary>
    /// Gets a value indicating whether <c>[n]</c> citation markers are removed from answers. A fine-tuned model answering
    /// without retrieved sources must not learn to cite sources it was never given.
    /// </summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool RemoveCitationMarkers { get; init; } = true;

    /// <summary>Gets the no-answer text: an answer equal to it is a refusal even when marked answered.</summary>
    /// <value>The default is <see cref="HybridAnsweringOptions.DefaultNoAnswerText"/>; required (not empty or white space).</value>
    [Required]
    public string NoAnswerText { get; init; } = HybridAnsweringOptions.DefaultNoAnswerText;
}
