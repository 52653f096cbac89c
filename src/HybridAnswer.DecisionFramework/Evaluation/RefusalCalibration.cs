namespace HybridAnswer.Evaluation;

/// <summary>The recommended refusal thresholds and the curves they were chosen on (<see cref="RefusalCalibrator"/>).</summary>
public sealed record RefusalCalibration
{
    /// <summary>Gets the number of questions measured.</summary>
    public required int Samples { get; init; }

    /// <summary>Gets how many of them were unanswerable.</summary>
    public required int Unanswerable { get; init; }

    /// <summary>Gets the recommended relevance floor (<see cref="HybridAnsweringOptions.MinScore"/>).</summary>
    public required double MinScore { get; init; }

    /// <summary>Gets the curve <see cref="MinScore"/> was chosen on (best chunk's score).</summary>
    public required IReadOnlyList<CalibrationPoint> MinScoreCurve { get; init; }

    /// <summary>Gets the recommended extractive support threshold.</summary>
    public required double SupportThreshold { get; init; }

    /// <summary>Gets the curve <see cref="SupportThreshold"/> was chosen on (questions passing <see cref="MinScore"/>).</summary>
    public required IReadOnlyList<CalibrationPoint> SupportCurve { get; init; }

    /// <summary>Gets what the support threshold measures: "sentence similarity" or "question coverage".</summary>
    public required string SupportKind { get; init; }
}
