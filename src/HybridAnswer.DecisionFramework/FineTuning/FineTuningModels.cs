namespace HybridAnswer.FineTuning;

/// <summary>
/// The fine-tunable models the validator knows, with the per-example token limits and training prices OpenAI published for
/// them when this table was written. Prices change: pass your own <see cref="FineTuningModel"/> when they do.
/// </summary>
public static class FineTuningModels
{
    /// <summary>Gets <c>gpt-4o-mini-2024-07-18</c>: 65,536 tokens per example, $3.00 per million training tokens. The default.</summary>
    public static FineTuningModel Gpt4oMini { get; } = new() { Id = "gpt-4o-mini-2024-07-18", MaxTokensPerExample = 65_536, TrainingUsdPerMillionTokens = 3.00m };

    /// <summary>Gets <c>gpt-4o-2024-08-06</c>: 65,536 tokens per example, $25.00 per million training tokens.</summary>
    public static FineTuningModel Gpt4o { get; } = new() { Id = "gpt-4o-2024-08-06", MaxTokensPerExample = 65_536, TrainingUsdPerMillionTokens = 25.00m };

    /// <summary>Gets <c>gpt-4.1-2025-04-14</c>: 65,536 tokens per example, $25.00 per million training tokens.</summary>
    public static FineTuningModel Gpt41 { get; } = new() { Id = "gpt-4.1-2025-04-14", MaxTokensPerExample = 65_536, TrainingUsdPerMillionTokens = 25.00m };

    /// <summary>Gets <c>gpt-4.1-mini-2025-04-14</c>: 65,536 tokens per example, $5.00 per million training tokens.</summary>
    public static FineTuningModel Gpt41Mini { get; } = new() { Id = "gpt-4.1-mini-2025-04-14", MaxTokensPerExample = 65_536, TrainingUsdPerMillionTokens = 5.00m };

    /// <summary>Gets <c>gpt-4.1-nano-2025-04-14</c>: 65,536 tokens per example, $1.50 per million training tokens.</summary>
    public static FineTuningModel Gpt41Nano { get; } = new() { Id = "gpt-4.1-nano-2025-04-14", MaxTokensPerExample = 65_536, TrainingUsdPerMillionTokens = 1.50m };

    /// <summary>Gets <c>gpt-3.5-turbo-0125</c>: 16,385 tokens per example, $8.00 per million training tokens.</summary>
    public static FineTuningModel Gpt35Turbo { get; } = new() { Id = "gpt-3.5-turbo-0125", MaxTokensPerExample = 16_385, TrainingUsdPerMillionTokens = 8.00m };

    /// <summary>Gets the default model, <see cref="Gpt4oMini"/> (the framework's base model).</summary>
    public static FineTuningModel Default => Gpt4oMini;

    /// <summary>Gets every known model.</summary>
    public static IReadOnlyList<FineTuningModel> All { get; } = [Gpt4oMini, Gpt4o, Gpt41, Gpt41Mini, Gpt41Nano, Gpt35Turbo];

    /// <summary>Finds a model by id or by its undated alias (<c>gpt-4o-mini</c> finds <c>gpt-4o-mini-2024-07-18</c>).</summary>
    /// <param name="id">The model id.</param>
    /// <param name="model">The model, when found.</param>
    /// <returns><see langword="true"/> when the id is known.</returns>
    public static bool TryFind(string id, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out FineTuningModel? model)
    {
        ArgumentNullException.ThrowIfNull(id);
        var wanted = id.Trim();
        model = All.FirstOrDefault(m => string.Equals(m.Id, wanted, StringComparison.OrdinalIgnoreCase))
             ?? All.FirstOrDefault(m => string.Equals(Alias(m.Id), wanted, StringComparison.OrdinalIgnoreCase));
        return model is not null;
    }

    // "gpt-4o-mini-2024-07-18" → "gpt-4o-mini"; "gpt-3.5-turbo-0125" → "gpt-3.5-turbo".
    private static string Alias(string id)
    {
        var parts = id.Split('-');
        var keep = parts.Length;
        while (keep > 1 && parts[keep - 1].All(char.IsDigit))
        {
            keep--;
        }

        return string.Join('-', parts[..keep]);
    }
}
