using Microsoft.Extensions.Options;

namespace HybridAnswer.Embeddings.MiniLM;

/// <summary>Validates <see cref="MiniLMEmbeddingOptions"/>, naming each bad option by its configuration key (<c>HybridAnswering:MiniLM:MaxBatchSize</c>).</summary>
internal sealed class MiniLMEmbeddingOptionsValidator : IValidateOptions<MiniLMEmbeddingOptions>
{
    public ValidateOptionsResult Validate(string? name, MiniLMEmbeddingOptions options) =>
        OptionsValidation.Validate(options, MiniLMEmbeddingOptions.SectionName);
}
