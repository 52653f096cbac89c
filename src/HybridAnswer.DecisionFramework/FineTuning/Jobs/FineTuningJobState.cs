namespace HybridAnswer.FineTuning;

/// <summary>Where a fine-tuning job is, as the <c>fine_tuning/jobs</c> API reports it.</summary>
public enum FineTuningJobState
{
    /// <summary>A status this library does not know (a newer API); treated as still in progress.</summary>
    Unknown,

    /// <summary><c>validating_files</c>: the service checks the training file.</summary>
    ValidatingFiles,

    /// <summary><c>queued</c>: waiting for capacity.</summary>
    Queued,

    /// <summary><c>running</c>: training.</summary>
    Running,

    /// <summary><c>succeeded</c>: the fine-tuned model exists (<see cref="FineTuningJobStatus.FineTunedModel"/>).</summary>
    Succeeded,

    /// <summary><c>failed</c>: see <see cref="FineTuningJobStatus.Error"/>.</summary>
    Failed,

    /// <summary><c>cancelled</c>.</summary>
    Cancelled,
}
