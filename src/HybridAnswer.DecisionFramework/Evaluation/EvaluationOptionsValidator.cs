using HybridAnswer.DecisionFramework;
using Microsoft.Extensions.Options;

namespace HybridAnswer.Evaluation;

/// <summary>Validates <see cref="EvaluationOptions"/>, naming each bad option by its key (<c>HybridAnswering:Evaluation:…</c>).</summary>
internal sealed class EvaluationOptionsValidator : IValidateOptions<EvaluationOptions>
{
    /// <summary>The one instance the evaluation tools check their options with.</summary>
    public static EvaluationOptionsValidator Instance { get; } = new();

    public ValidateOptionsResult Validate(string? name, EvaluationOptions options) =>
        OptionsValidation.Validate(options, EvaluationOptions.SectionName);
}
