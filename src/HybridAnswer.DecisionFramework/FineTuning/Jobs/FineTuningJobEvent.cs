namespace HybridAnswer.FineTuning;

/// <summary>One event of a fine-tuning job (progress, warnings, the service's messages), oldest first as reported by the runner.</summary>
public sealed record FineTuningJobEvent
{
    /// <summary>Gets the event id.</summary>
    public required string Id { get; init; }

    /// <summary>Gets when the service wrote it.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets the message (e.g. "Step 10/100: training loss=1.23").</summary>
    public required string Message { get; init; }
}
