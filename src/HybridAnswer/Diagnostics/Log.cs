using Microsoft.Extensions.Logging;

namespace HybridAnswer;

/// <summary>
/// The library's log messages. At Information and above they carry counts, ids, durations and reasons only —
/// never question text, document content or customer data, which may be personal or confidential.
/// </summary>
/// <remarks>
/// Event ids are disjoint per area, so a host can filter or alert on an id without knowing the category, and an id
/// never changes meaning when messages are added. Take the next free id of the area; a new area takes a new range.
/// <list type="table">
///   <item><term>1000–1099</term><description>answering (<see cref="HybridAnswerer"/>, citations): this class</description></item>
///   <item><term>1100–1199</term><description>generation (chat models, resilience, fallback)</description></item>
///   <item><term>1200–1299</term><description>knowledge and ingestion (pipeline, loader, in-memory store)</description></item>
///   <item><term>1300–1399</term><description>retrieval (retriever decorators, rerankers)</description></item>
///   <item><term>2000–2099</term><description>PostgreSQL + pgvector (HybridAnswer.PgVector: <c>PgVectorLog</c>)</description></item>
/// </list>
/// <c>LogEventIdTests</c> checks every <c>[LoggerMessage]</c> of the shipped assemblies against these ranges.
/// </remarks>
internal static partial class Log
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Answered in {Mode} mode with {ModelId}: answered={Answered}, reason={Reason}, {SourceCount} sources, {CitationCount} citations, {ElapsedMs:0.0} ms")]
    public static partial void AnswerCompleted(ILogger logger, AnswerMode mode, string? modelId, bool answered, NoAnswerReason? reason, int sourceCount, int citationCount, double elapsedMs);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "Answering in {Mode} mode failed during {Stage}: {ErrorType}")]
    public static partial void AnswerFailed(ILogger logger, Exception exception, AnswerMode mode, string stage, string errorType);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "The model cited {Count} source markers that point at no source; they were removed from the answer")]
    public static partial void InvalidCitations(ILogger logger, int count);
}
