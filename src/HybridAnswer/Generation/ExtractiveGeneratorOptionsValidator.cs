using Microsoft.Extensions.Options;

namespace HybridAnswer;

/// <summary>Validates <see cref="ExtractiveGeneratorOptions"/>, naming each bad option by its configuration key (<see cref="ExtractiveGeneratorOptions.SectionName"/>).</summary>
internal sealed class ExtractiveGeneratorOptionsValidator : IValidateOptions<ExtractiveGeneratorOptions>
{
    public ValidateOptionsResult Validate(string? name, ExtractiveGeneratorOptions options) =>
        OptionsValidation.Validate(options, ExtractiveGeneratorOptions.SectionName);
}
