using Microsoft.Extensions.Logging;

namespace HybridAnswer;

/// <summary>
/// The library's log messages. At Information and above they carry counts, ids, durations and reasons only —
/// never question text, document content or customer data, which may be personal or confidential.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Answered in {Mode} mode with {ModelId}: answered={Answered}, reason={Reason}, {SourceCount} sources, {CitationCount} citations, {ElapsedMs:0.0} ms")]
    public static partial void AnswerCompleted(ILogger logger, AnswerMode mode, string? modelId, bool answered, NoAnswerReason? reason, int sourceCount, int citationCount, double elapsedMs);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Answering in {Mode} mode failed during {Stage}: {ErrorType}")]
    public static partial void AnswerFailed(ILogger logger, Exception exception, AnswerMode mode, string stage, string errorType);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "The model cited {Count} source markers that point at no source; they were removed from the answer")]
    public static partial void InvalidCitations(ILogger logger, int count);
}
