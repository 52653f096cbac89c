using Microsoft.Extensions.Options;

namespace HybridAnswer.VectorData;

/// <summary>Validates <see cref="VectorDataChunkStoreOptions"/>, naming each bad option by its key (<c>VectorDataChunkStoreOptions:…</c>; the options are passed in code, not bound from configuration).</summary>
internal sealed class VectorDataChunkStoreOptionsValidator : IValidateOptions<VectorDataChunkStoreOptions>
{
    private const string Section = nameof(VectorDataChunkStoreOptions);

    public ValidateOptionsResult Validate(string? name, VectorDataChunkStoreOptions options) =>
        OptionsValidation.Validate(options, Section);
}
