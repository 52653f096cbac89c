using HybridAnswer.DecisionFramework;
using Microsoft.Extensions.Options;

namespace HybridAnswer.FineTuning;

/// <summary>Validates <see cref="FineTuningValidationOptions"/>, naming each bad option by its key (<c>HybridAnswering:FineTuning:Validation:…</c>).</summary>
internal sealed class FineTuningValidationOptionsValidator : IValidateOptions<FineTuningValidationOptions>
{
    /// <summary>The one instance <see cref="FineTuningValidator"/> checks its options with.</summary>
    public static FineTuningValidationOptionsValidator Instance { get; } = new();

    public ValidateOptionsResult Validate(string? name, FineTuningValidationOptions options) =>
        OptionsValidation.Validate(options, FineTuningValidationOptions.SectionName, static (options, failures) =>
        {
            if (options.Model is { MaxTokensPerExample: <= 0 } model)
            {
                failures.Add($"{OptionsValidation.Key(FineTuningValidationOptions.SectionName, nameof(options.Model))}:{nameof(model.MaxTokensPerExample)} must be at least 1 (was {model.MaxTokensPerExample}).");
            }
        });
}
