namespace HybridAnswer.FineTuning;

/// <summary>The training file failed validation: nothing was uploaded and no job was created.</summary>
public sealed class FineTuningRefusedException : Exception
{
    /// <summary>Initializes a new instance with the report that refused the file.</summary>
    /// <param name="report">The validation report (its <see cref="FineTuningValidationReport.Issues"/> say what to fix).</param>
    public FineTuningRefusedException(FineTuningValidationReport report)
        : base($"The training file has {report?.ErrorCount} error(s); nothing was uploaded. Fix them (hybrid-answer finetune validate FILE) and submit again.") =>
        Report = report ?? throw new ArgumentNullException(nameof(report));

    /// <summary>Gets the validation report.</summary>
    public FineTuningValidationReport Report { get; }
}
