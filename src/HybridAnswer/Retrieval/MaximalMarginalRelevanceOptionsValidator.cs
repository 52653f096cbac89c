using Microsoft.Extensions.Options;

namespace HybridAnswer;

/// <summary>Validates <see cref="MaximalMarginalRelevanceOptions"/>, naming each bad option by its configuration key.</summary>
internal sealed class MaximalMarginalRelevanceOptionsValidator : IValidateOptions<MaximalMarginalRelevanceOptions>
{
    public ValidateOptionsResult Validate(string? name, MaximalMarginalRelevanceOptions options) =>
        OptionsValidation.Validate(options, MaximalMarginalRelevanceOptions.SectionName);
}
