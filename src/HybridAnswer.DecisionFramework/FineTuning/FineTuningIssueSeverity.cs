namespace HybridAnswer.FineTuning;

/// <summary>How serious a problem found in a fine-tuning file is.</summary>
public enum FineTuningIssueSeverity
{
    /// <summary>The file would be rejected or the example ignored by the fine-tuning service: fix it.</summary>
    Error,

    /// <summary>The file would be accepted, but the result will likely be worse (too few examples, duplicates, leaked knowledge).</summary>
    Warning,
}
