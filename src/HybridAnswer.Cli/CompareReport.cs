using System.Globalization;
using System.Text;
using HybridAnswer.Evaluation;

namespace HybridAnswer.Cli;

/// <summary>The terminal table and the Markdown report of <c>compare</c>: one row per metric, one column per mode.</summary>
internal static class CompareReport
{
    public static string Table(ModeComparison comparison, string source)
    {
        var rows = Rows(comparison);
        var header = new[] { "metric" }.Concat(comparison.Modes.Select(m => ModeComparisonJson.ModeName(m.Mode))).ToList();
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Max(r => r[i].Length))).ToList();
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{source}: {comparison.Modes[0].Questions} questions; projection at {comparison.QueriesPerDay:N0} queries/day");
        text.AppendLine();
        text.AppendLine(Line(header, widths));
        text.AppendLine(Line(widths.Select(w => new string('-', w)).ToList(), widths));
        foreach (var row in rows)
        {
            text.AppendLine(Line(row, widths));
        }

        text.AppendLine();
        AppendVerdicts(text, comparison);
        return text.ToString().TrimEnd();
    }

    public static string Markdown(ModeComparison comparison, string source, IReadOnlyList<GateViolation>? gate)
    {
        var text = new StringBuilder();
        text.AppendLine("# RAG vs fine-tuned vs hybrid: measured");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Question set `{source}`, {comparison.Modes[0].Questions} questions; monthly projection at {comparison.QueriesPerDay:N0} queries/day.");
        text.AppendLine();
        text.AppendLine("| metric | " + string.Join(" | ", comparison.Modes.Select(m => ModeComparisonJson.ModeName(m.Mode))) + " |");
        text.AppendLine("|---|" + string.Concat(comparison.Modes.Select(_ => "---:|")));
        foreach (var row in Rows(comparison))
        {
            text.AppendLine("| " + string.Join(" | ", row) + " |");
        }

        text.AppendLine();
        AppendVerdicts(text, comparison);
        text.AppendLine();
        text.AppendLine("Fact rate: answerable questions whose answer contains the expected phrase. Citation accuracy: answered questions that cite at least one source, every citation's source holding the citing sentence's terms. Groundedness: answer sentences supported by a cited source. Format agreement: format checks of the question set passed. Voice agreement: cosine similarity of word unigrams and bigrams between answer and reference answer. Cost: mean measured usage × prices per answer (cached input tokens at the cached price); the projection adds the cost model's training per month to the fine-tuned modes.");
        if (gate is not null)
        {
            text.AppendLine();
            text.AppendLine("## Regression gate");
            text.AppendLine();
            if (gate.Count == 0)
            {
                text.AppendLine("Passed: no metric dropped past the allowance.");
            }

            foreach (var violation in gate)
            {
                text.AppendLine("- " + violation.Message);
            }
        }

        return text.ToString();
    }

    private static void AppendVerdicts(StringBuilder text, ModeComparison comparison)
    {
        text.AppendLine(CultureInfo.InvariantCulture, $"measured verdict: {ModeComparisonJson.ModeName(comparison.Recommendation)} ({comparison.RecommendationReason})");
        text.AppendLine(comparison.ChecklistRecommendation is { } checklist
            ? $"checklist verdict: {ModeComparisonJson.ModeName(checklist)}"
            : "checklist verdict: none (pass the advise options, e.g. --needs-citations --knowledge-changes-weekly)");
        text.AppendLine("modelled (cost model, no measurement): " + string.Join(", ", comparison.Modelled.Select(p => string.Create(CultureInfo.InvariantCulture, $"{ModeComparisonJson.ModeName(p.Mode)} ${p.TotalUsdPerMonth:N0}/month"))));
    }

    private static List<string[]> Rows(ModeComparison comparison)
    {
        string[] Row(string name, Func<ModeResult, string> value) => [name, .. comparison.Modes.Select(value)];
        return
        [
            Row("fact rate", m => Rate(m.FactRate)),
            Row("citation accuracy", m => Rate(m.CitationAccuracy)),
            Row("groundedness", m => Rate(m.Groundedness)),
            Row("refusal precision", m => Rate(m.RefusalPrecision)),
            Row("refusal recall", m => Rate(m.RefusalRecall)),
            Row("format agreement", m => Rate(m.FormatAgreement)),
            Row("voice agreement", m => Rate(m.VoiceAgreement)),
            Row("retrieval hit rate", m => Rate(m.RetrievalHitRate)),
            Row("quality (mean)", m => Rate(m.Quality)),
            Row("latency p50", m => m.LatencyP50Ms.ToString("0.0 'ms'", CultureInfo.InvariantCulture)),
            Row("latency p95", m => m.LatencyP95Ms.ToString("0.0 'ms'", CultureInfo.InvariantCulture)),
            Row("tokens in/out per answer", m => m.InputTokensPerAnswer is null ? "n/a" : string.Create(CultureInfo.InvariantCulture, $"{m.InputTokensPerAnswer:0}/{m.OutputTokensPerAnswer:0}")),
            Row("cached input tokens per answer", m => m.CachedInputTokensPerAnswer is { } cached ? cached.ToString("0", CultureInfo.InvariantCulture) : "n/a"),
            Row("$ per answer", m => m.CostUsdPerAnswer is { } c ? c.ToString("0.000000", CultureInfo.InvariantCulture) : "n/a (no price)"),
            Row("$ per month (projected)", m => m.ProjectedMonthlyUsd is { } c ? c.ToString("N2", CultureInfo.InvariantCulture) : "n/a"),
            Row("model", m => m.ModelId ?? "-"),
        ];
    }

    private static string Rate(double? value) => value is { } v ? v.ToString("0.000", CultureInfo.InvariantCulture) : "n/a";

    private static string Line(IReadOnlyList<string> cells, IReadOnlyList<int> widths) =>
        string.Join("  ", cells.Select((c, i) => i == 0 ? c.PadRight(widths[i]) : c.PadLeft(widths[i]))).TrimEnd();
}
