namespace HybridAnswer.FineTuning;

/// <summary>The result of <see cref="FineTuningJobRunner.SubmitAsync"/>.</summary>
public sealed record FineTuningSubmission
{
    /// <summary>Gets the validation report the file passed (warnings included).</summary>
    public required FineTuningValidationReport Validation { get; init; }

    /// <summary>Gets the SHA-256 of the training file (hex), the key its upload and job are remembered by.</summary>
    public required string FileSha256 { get; init; }

    /// <summary>Gets the uploaded file's id.</summary>
    public required string FileId { get; init; }

    /// <summary>Gets a value indicating whether the file was uploaded now (<see langword="false"/>: the same content was uploaded before).</summary>
    public required bool Uploaded { get; init; }

    /// <summary>Gets a value indicating whether a remembered job for this file and request was resumed instead of creating one.</summary>
    public required bool Resumed { get; init; }

    /// <summary>Gets the job.</summary>
    public required FineTuningJobStatus Job { get; init; }
}
