using Microsoft.Extensions.Options;

namespace HybridAnswer;

/// <summary>Validates <see cref="MaximalMarginalRelevanceOptions"/>, naming each bad option by its configuration key.</summary>
internal sealed class MaximalMarginalRelevanceOptionsValidator : IValidateOptions<MaximalMarginalRelevanceOptions>
{
    public ValidateOptionsResult Validate(string? name, MaximalMarginalRelevanceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        OptionsValidation.Annotations(options, MaximalMarginalRelevanceOptions.SectionName, failures);
        return OptionsValidation.Result(failures);
    }
}
