namespace HybridAnswer.FineTuning;

/// <summary>What <see cref="FineTuningJobRunner.SubmitAsync"/> trains: the base model and the job's settings.</summary>
public sealed record FineTuningJobRequest
{
    /// <summary>Gets the model to fine-tune, e.g. <c>gpt-4o-mini-2024-07-18</c>.</summary>
    public required string BaseModel { get; init; }

    /// <summary>Gets the suffix of the fine-tuned model's name (up to 64 characters), or <see langword="null"/>.</summary>
    public string? Suffix { get; init; }

    /// <summary>Gets the number of epochs, or <see langword="null"/> for the service's automatic choice.</summary>
    public int? Epochs { get; init; }

    /// <summary>Gets the validation settings (and the knowledge-leakage detector) the file is checked with before upload.</summary>
    public FineTuningValidationOptions? Validation { get; init; }
}
