namespace HybridAnswer;

/// <summary>
/// The names under which HybridAnswer reports traces and metrics. Collect them with OpenTelemetry:
/// <c>.WithTracing(t =&gt; t.AddSource(HybridAnswerTelemetry.SourceName))</c> and <c>.WithMetrics(m =&gt; m.AddMeter(HybridAnswerTelemetry.SourceName))</c>.
/// </summary>
public static class HybridAnswerTelemetry
{
    /// <summary>The name of the <see cref="System.Diagnostics.ActivitySource"/> and of the <see cref="System.Diagnostics.Metrics.Meter"/>.</summary>
    public const string SourceName = "HybridAnswer";
}
