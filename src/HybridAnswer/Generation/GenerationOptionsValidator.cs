using Microsoft.Extensions.Options;

namespace HybridAnswer;

/// <summary>Validates <see cref="GenerationOptions"/>, naming each bad option by its configuration key (<see cref="GenerationOptions.SectionName"/>).</summary>
internal sealed class GenerationOptionsValidator : IValidateOptions<GenerationOptions>
{
    public ValidateOptionsResult Validate(string? name, GenerationOptions options) =>
        OptionsValidation.Validate(options, GenerationOptions.SectionName, static (options, failures) =>
        {
            if (options.MaxRetryDelay < options.RetryBaseDelay)
            {
                failures.Add($"{OptionsValidation.Key(GenerationOptions.SectionName, nameof(options.MaxRetryDelay))} ({options.MaxRetryDelay}) must not be less than {OptionsValidation.Key(GenerationOptions.SectionName, nameof(options.RetryBaseDelay))} ({options.RetryBaseDelay}).");
            }
        });
}
