using System.Text.Json;

namespace HybridAnswer.Cli;

/// <summary>The JSON shape of an answer printed by <c>ask --json</c>: a stable contract for scripts. <c>answer</c> is the model's text
/// verbatim (untrusted); <c>answerHtml</c> is the same text HTML-encoded (<see cref="AnswerRenderer.ToHtml(string)"/>).</summary>
internal static class AnswerJson
{
    public static string Serialize(Answer answer) => JsonSerializer.Serialize(ToObject(answer), CliJson.Options);

    public static object ToObject(Answer answer) => new
    {
        answer = answer.Text,

        // The answer is untrusted text (a model's reply, which may hold HTML or script): a web page shows answerHtml, never answer.
        answerHtml = AnswerRenderer.ToHtml(answer),
        answered = answer.Answered,
        noAnswerReason = answer.NoAnswerReason,
        mode = answer.Mode,
        model = answer.ModelId,
        usedFallback = answer.UsedFallback,
        invalidCitationMarkers = answer.InvalidCitationMarkers,
        citations = answer.Citations.Select(c => new { index = c.Index, documentId = c.DocumentId, title = c.Title, score = Math.Round(c.Score, 4), source = c.SourceUri }),
        timings = new
        {
            retrievalMs = Math.Round(answer.Timings.Retrieval.TotalMilliseconds, 3),
            generationMs = Math.Round(answer.Timings.Generation.TotalMilliseconds, 3),
            totalMs = Math.Round(answer.Timings.Total.TotalMilliseconds, 3),
        },
        usage = new { inputTokens = answer.Usage?.InputTokens, cachedInputTokens = answer.Usage?.CachedInputTokens, outputTokens = answer.Usage?.OutputTokens },
        costUsd = answer.CostUsd,
    };
}
