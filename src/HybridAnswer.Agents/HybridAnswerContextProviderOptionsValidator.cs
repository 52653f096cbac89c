using Microsoft.Extensions.Options;

namespace HybridAnswer.Agents;

/// <summary>Validates <see cref="HybridAnswerContextProviderOptions"/>, naming each bad option by its key (<c>HybridAnswerContextProviderOptions:…</c>; the options are passed in code, not bound from configuration).</summary>
internal sealed class HybridAnswerContextProviderOptionsValidator : IValidateOptions<HybridAnswerContextProviderOptions>
{
    private const string Section = nameof(HybridAnswerContextProviderOptions);

    public ValidateOptionsResult Validate(string? name, HybridAnswerContextProviderOptions options) =>
        OptionsValidation.Validate(options, Section);
}
