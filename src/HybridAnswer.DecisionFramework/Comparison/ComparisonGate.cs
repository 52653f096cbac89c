using System.Globalization;

namespace HybridAnswer.Evaluation;

/// <summary>
/// The regression gate: compares a run with a baseline run on the same questions, mode by mode. A quality rate (fact rate,
/// citation accuracy, groundedness, refusal precision and recall, format and voice agreement) fails when it drops by more than the allowance (absolute,
/// on the 0–1 scale) or can no longer be measured; the cost per answer fails when it rises by more than the allowance
/// (relative: 0.05 = 5 %). Latency is reported, not gated: on a shared CI machine it measures the machine.
/// </summary>
public static class ComparisonGate
{
    /// <summary>The default allowance: 0.05.</summary>
    public const double DefaultMaxDrop = 0.05;

    /// <summary>Checks <paramref name="current"/> against <paramref name="baseline"/>.</summary>
    /// <param name="baseline">The earlier run (<see cref="ModeComparisonJson.Deserialize"/> of its JSON).</param>
    /// <param name="current">This run.</param>
    /// <param name="maxDrop">The allowance, 0–1.</param>
    /// <returns>Every violation; empty when the run passes. A mode of the baseline missing from this run is a violation.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxDrop"/> is outside 0–1.</exception>
    public static IReadOnlyList<GateViolation> Check(ModeComparison baseline, ModeComparison current, double maxDrop = DefaultMaxDrop)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(current);
        ArgumentOutOfRangeException.ThrowIfNegative(maxDrop);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxDrop, 1.0);
        var violations = new List<GateViolation>();
        foreach (var before in baseline.Modes)
        {
            var name = ModeComparisonJson.ModeName(before.Mode);
            var after = current.Modes.FirstOrDefault(m => m.Mode == before.Mode);
            if (after is null)
            {
                violations.Add(new GateViolation { Mode = before.Mode, Metric = "mode", Baseline = 1, Current = null, Message = $"{name}: in the baseline but not measured in this run" });
                continue;
            }

            foreach (var (metric, was, now) in new (string, double?, double?)[]
            {
                ("factRate", before.FactRate, after.FactRate),
                ("citationAccuracy", before.CitationAccuracy, after.CitationAccuracy),
                ("groundedness", before.Groundedness, after.Groundedness),
                ("refusalPrecision", before.RefusalPrecision, after.RefusalPrecision),
                ("refusalRecall", before.RefusalRecall, after.RefusalRecall),
                ("formatAgreement", before.FormatAgreement, after.FormatAgreement),
                ("voiceAgreement", before.VoiceAgreement, after.VoiceAgreement),
            })
            {
                if (was is { } b && (now is not { } c || c < b - maxDrop - 1e-9))
                {
                    violations.Add(new GateViolation
                    {
                        Mode = before.Mode, Metric = metric, Baseline = b, Current = now,
                        Message = string.Create(CultureInfo.InvariantCulture, $"{name}: {metric} dropped from {b:0.000} to {(now is { } v ? v.ToString("0.000", CultureInfo.InvariantCulture) : "not measured")} (allowed drop {maxDrop:0.00#})"),
                    });
                }
            }

            if (before.CostUsdPerAnswer is { } cost && after.CostUsdPerAnswer is { } newCost && (double)newCost > (double)cost * (1 + maxDrop) + 1e-12)
            {
                violations.Add(new GateViolation
                {
                    Mode = before.Mode, Metric = "costUsdPerAnswer", Baseline = (double)cost, Current = (double)newCost,
                    Message = string.Create(CultureInfo.InvariantCulture, $"{name}: costUsdPerAnswer rose from ${cost:0.######} to ${newCost:0.######} (allowed rise {maxDrop:P0})"),
                });
            }
        }

        return violations;
    }
}
