using System.Globalization;

namespace HybridAnswer.Cli;

/// <summary>
/// Progress of a long ingest on stderr (<c>ingest: 640/2000 documents (5 s)</c>), never on stdout, so text and
/// <c>--json</c> output stay clean for pipes. Silent for an ingest that finishes within <see cref="DefaultQuietPeriod"/>
/// (or in its first batch); after that at most one line a second, and a last line when the count is complete.
/// </summary>
internal sealed class IngestProgress
{
    /// <summary>Documents per upsert: small enough that progress shows, large enough that embedding batches stay full.</summary>
    public const int DocumentsPerBatch = 64;

    /// <summary>An ingest shorter than this prints nothing.</summary>
    public static readonly TimeSpan DefaultQuietPeriod = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly TextWriter _error;
    private readonly int _total;
    private readonly TimeProvider _time;
    private readonly long _started;
    private TimeSpan? _lastPrinted;

    public IngestProgress(TextWriter error, int total, TimeProvider? time = null)
    {
        _error = error;
        _total = total;
        _time = time ?? TimeProvider.System;
        _started = _time.GetTimestamp();
    }

    /// <summary>Reports that <paramref name="done"/> of the documents are stored; prints when the ingest has been running long enough.</summary>
    public async Task ReportAsync(int done)
    {
        var elapsed = _time.GetElapsedTime(_started);
        // The first line only while documents remain (a finished ingest has nothing to reassure about, and the command
        // reports its result anyway); once lines are printed, the last count closes them.
        var due = _lastPrinted is { } last
            ? done >= _total || elapsed - last >= Interval
            : elapsed > DefaultQuietPeriod && done < _total;
        if (!due)
        {
            return;
        }

        _lastPrinted = elapsed;
        await _error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"ingest: {done}/{_total} documents ({elapsed.TotalSeconds:0} s)")).ConfigureAwait(false);
        await _error.FlushAsync().ConfigureAwait(false);
    }

    /// <summary>Upserts <paramref name="documents"/> in batches of <see cref="DocumentsPerBatch"/>, reporting after each.</summary>
    public static async Task<IngestResult> UpsertAsync(IKnowledgeBase knowledgeBase, IReadOnlyList<KnowledgeDocument> documents, TextWriter error, TimeProvider? time, CancellationToken cancellationToken)
    {
        var progress = new IngestProgress(error, documents.Count, time);
        var result = IngestResult.Empty;
        var done = 0;
        foreach (var batch in documents.Chunk(DocumentsPerBatch))
        {
            result = result.Add(await knowledgeBase.UpsertAsync(batch, cancellationToken).ConfigureAwait(false));
            done += batch.Length;
            await progress.ReportAsync(done).ConfigureAwait(false);
        }

        return result;
    }
}
