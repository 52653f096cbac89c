using Microsoft.Extensions.Options;

namespace HybridAnswer.Agents;

/// <summary>Validates <see cref="HybridAnswerContextProviderOptions"/>, naming each bad option by its key (<c>HybridAnswerContextProviderOptions:…</c>; the options are passed in code, not bound from configuration).</summary>
internal sealed class HybridAnswerContextProviderOptionsValidator : IValidateOptions<HybridAnswerContextProviderOptions>
{
    private const string Section = nameof(HybridAnswerContextProviderOptions);

    public ValidateOptionsResult Validate(string? name, HybridAnswerContextProviderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        OptionsValidation.Annotations(options, Section, failures);
        return OptionsValidation.Result(failures);
    }
}
