using Microsoft.Extensions.Options;

namespace HybridAnswer;

/// <summary>Validates <see cref="PromptOptions"/>, naming each bad option by its configuration key (<see cref="PromptOptions.SectionName"/>).</summary>
internal sealed class PromptOptionsValidator : IValidateOptions<PromptOptions>
{
    public ValidateOptionsResult Validate(string? name, PromptOptions options) =>
        OptionsValidation.Validate(options, PromptOptions.SectionName, static (options, failures) =>
        {
            // Half the window at least must remain for instructions, question and sources, or every prompt is starved.
            if (options.MaxAnswerTokens * 2 > options.MaxPromptTokens)
            {
                failures.Add($"{OptionsValidation.Key(PromptOptions.SectionName, nameof(options.MaxAnswerTokens))} ({options.MaxAnswerTokens}) must be at most half of {OptionsValidation.Key(PromptOptions.SectionName, nameof(options.MaxPromptTokens))} ({options.MaxPromptTokens}).");
            }
        });
}
