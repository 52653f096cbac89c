using Microsoft.Extensions.Options;

namespace HybridAnswer.Embeddings.MiniLM;

/// <summary>Validates <see cref="MiniLMEmbeddingOptions"/>, naming each bad option by its configuration key (<c>HybridAnswering:MiniLM:MaxBatchSize</c>).</summary>
internal sealed class MiniLMEmbeddingOptionsValidator : IValidateOptions<MiniLMEmbeddingOptions>
{
    public ValidateOptionsResult Validate(string? name, MiniLMEmbeddingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        OptionsValidation.Annotations(options, MiniLMEmbeddingOptions.SectionName, failures);
        return OptionsValidation.Result(failures);
    }
}
