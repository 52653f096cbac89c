namespace HybridAnswer.FineTuning;

/// <summary>Why a fine-tuning job failed, as the service reported it.</summary>
public sealed record FineTuningJobError
{
    /// <summary>Gets the service's error code (e.g. <c>invalid_training_file</c>), or <see langword="null"/>.</summary>
    public string? Code { get; init; }

    /// <summary>Gets the service's message.</summary>
    public required string Message { get; init; }

    /// <summary>Gets the request parameter at fault, or <see langword="null"/>.</summary>
    public string? Parameter { get; init; }
}
