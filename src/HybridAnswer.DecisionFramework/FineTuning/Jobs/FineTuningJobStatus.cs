namespace HybridAnswer.FineTuning;

/// <summary>A fine-tuning job as last read from the service.</summary>
public sealed record FineTuningJobStatus
{
    /// <summary>Gets the job id (<c>ftjob-…</c>).</summary>
    public required string JobId { get; init; }

    /// <summary>Gets where the job is.</summary>
    public required FineTuningJobState State { get; init; }

    /// <summary>Gets the status exactly as the service wrote it (e.g. <c>validating_files</c>).</summary>
    public required string RawStatus { get; init; }

    /// <summary>Gets the model being fine-tuned.</summary>
    public string? BaseModel { get; init; }

    /// <summary>Gets the id of the fine-tuned model once the job succeeded (set it as <c>HybridAnswering:FineTunedModel</c>).</summary>
    public string? FineTunedModel { get; init; }

    /// <summary>Gets the uploaded training file's id.</summary>
    public string? TrainingFileId { get; init; }

    /// <summary>Gets the tokens trained on (billed), once known.</summary>
    public long? TrainedTokens { get; init; }

    /// <summary>Gets why the job failed, when it did.</summary>
    public FineTuningJobError? Error { get; init; }

    /// <summary>Gets a value indicating whether the job has ended (succeeded, failed or cancelled).</summary>
    public bool IsTerminal => State is FineTuningJobState.Succeeded or FineTuningJobState.Failed or FineTuningJobState.Cancelled;
}
