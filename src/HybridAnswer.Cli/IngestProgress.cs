using System.Globalization;

namespace HybridAnswer.Cli;

/// <summary>
/// Progress of a long ingest on stderr, never on stdout, so text and <c>--json</c> output stay clean for pipes. On a terminal, a
/// bar redrawn in place four times a second with the rate and the time left
/// (<c>ingest [########------------] 640/2000  42.7 documents/s  0:32 left</c>); when stderr is redirected, plain lines
/// (<c>ingest: 640/2000 documents (15 s, 42.7 documents/s, about 32 s left)</c>) at most once a second as batches finish, and every
/// <see cref="Heartbeat"/> while one is slow. A clock drives it, not only the batches: the first update comes within
/// <see cref="DefaultQuietPeriod"/> even while the first batch is still embedding (a cold model can take most of a minute), and an
/// ingest that finishes sooner prints nothing; redirected, an ingest of one batch prints nothing either.
/// </summary>
internal sealed class IngestProgress : IDisposable
{
    /// <summary>Documents per upsert: small enough that progress shows, large enough that embedding batches stay full.</summary>
    public const int DocumentsPerBatch = 64;

    /// <summary>An ingest shorter than this prints nothing; a longer one shows its first update by then.</summary>
    public static readonly TimeSpan DefaultQuietPeriod = TimeSpan.FromSeconds(1);

    /// <summary>With plain lines, the longest silence while a batch is slow.</summary>
    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(5);

    private const int BarWidth = 24;
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan TerminalRedraw = TimeSpan.FromMilliseconds(250);

    private readonly TextWriter _error;
    private readonly int _total;
    private readonly bool _terminal;
    private readonly TimeProvider _time;
    private readonly long _started;
    private readonly Lock _lock = new();
    private ITimer? _ticker;
    private TimeSpan? _lastPrinted;
    private int _done;
    private int _lastWidth;
    private bool _finished;

    /// <summary>Creates the progress of an ingest of <paramref name="total"/> documents; call <see cref="Start"/> to let the clock drive it.</summary>
    /// <param name="error">Where progress goes (stderr).</param>
    /// <param name="total">The number of documents.</param>
    /// <param name="time">The clock; tests pass one they move.</param>
    /// <param name="terminal">Whether <paramref name="error"/> is a terminal (a bar redrawn in place) or redirected (plain lines).</param>
    public IngestProgress(TextWriter error, int total, TimeProvider? time = null, bool terminal = false)
    {
        _error = error;
        _total = total;
        _terminal = terminal;
        _time = time ?? TimeProvider.System;
        _started = _time.GetTimestamp();
    }

    /// <summary>Whether <paramref name="error"/> is the process's stderr on a terminal (not redirected to a file or a pipe).</summary>
    public static bool IsTerminal(TextWriter error) => ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected;

    /// <summary>
    /// Starts the clock that shows progress while a batch is still running. With plain lines, only for an ingest of more than one
    /// batch: a log or a pipe that reads stderr gets nothing from an ingest that is one upsert, however slow, as before.
    /// </summary>
    public void Start()
    {
        if (_terminal || _total > DocumentsPerBatch)
        {
            _ticker ??= _time.CreateTimer(_ => Tick(), null, _terminal ? TerminalRedraw : DefaultQuietPeriod, _terminal ? TerminalRedraw : DefaultQuietPeriod);
        }
    }

    /// <summary>Reports that <paramref name="done"/> of the documents are stored.</summary>
    public Task ReportAsync(int done)
    {
        lock (_lock)
        {
            _done = done;
            var elapsed = _time.GetElapsedTime(_started);

            // The first update only while documents remain (a finished ingest has nothing to reassure about, and the command reports its
            // result anyway); once updates are shown, the last count closes them.
            var due = _lastPrinted is { } last
                ? done >= _total || _terminal || elapsed - last >= Interval
                : elapsed >= DefaultQuietPeriod && done < _total;
            if (due)
            {
                Show(elapsed);
            }

            if (done >= _total)
            {
                Finish();
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>Stops the clock; a bar on a terminal gets its line ended, so what follows starts on a line of its own.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            Finish();
        }
    }

    /// <summary>Upserts <paramref name="documents"/> in batches of <see cref="DocumentsPerBatch"/>, reporting after each and as time passes.</summary>
    public static async Task<IngestResult> UpsertAsync(IKnowledgeBase knowledgeBase, IReadOnlyList<KnowledgeDocument> documents, TextWriter error, TimeProvider? time, CancellationToken cancellationToken)
    {
        using var progress = new IngestProgress(error, documents.Count, time, IsTerminal(error));
        progress.Start();
        var result = new IngestResult();
        var done = 0;
        foreach (var batch in documents.Chunk(DocumentsPerBatch))
        {
            result = result.Add(await knowledgeBase.UpsertAsync(batch, cancellationToken).ConfigureAwait(false));
            done += batch.Length;
            await progress.ReportAsync(done).ConfigureAwait(false);
        }

        return result;
    }

    private void Tick()
    {
        lock (_lock)
        {
            if (_finished)
            {
                return;
            }

            var elapsed = _time.GetElapsedTime(_started);
            var due = _lastPrinted is { } last
                ? _terminal || elapsed - last >= Heartbeat
                : elapsed >= DefaultQuietPeriod;
            if (due && _done < _total)
            {
                Show(elapsed);
            }
        }
    }

    private void Show(TimeSpan elapsed)
    {
        _lastPrinted = elapsed;
        var rate = elapsed > TimeSpan.Zero ? _done / elapsed.TotalSeconds : 0;
        TimeSpan? left = rate > 0 ? TimeSpan.FromSeconds((_total - _done) / rate) : null;
        if (_terminal)
        {
            var filled = _total == 0 ? BarWidth : (int)((long)BarWidth * _done / _total);
            var line = string.Create(CultureInfo.InvariantCulture,
                $"ingest [{new string('#', filled)}{new string('-', BarWidth - filled)}] {_done}/{_total}  {(rate > 0 ? $"{rate:0.0} documents/s  {Clock(left!.Value)} left" : $"{Clock(elapsed)} (embedding the first batch)")}");
            // Pad over the previous, longer line: \r returns to its start but does not clear it.
            _error.Write("\r" + line.PadRight(_lastWidth));
            _lastWidth = line.Length;
        }
        else
        {
            var pace = rate <= 0 ? ", embedding the first batch"
                : _done >= _total ? string.Create(CultureInfo.InvariantCulture, $", {rate:0.0} documents/s")
                : string.Create(CultureInfo.InvariantCulture, $", {rate:0.0} documents/s, about {left!.Value.TotalSeconds:0} s left");
            _error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ingest: {_done}/{_total} documents ({elapsed.TotalSeconds:0} s{pace})"));
        }

        _error.Flush();
    }

    private void Finish()
    {
        if (_finished)
        {
            return;
        }

        _finished = true;
        _ticker?.Dispose();
        if (_terminal && _lastPrinted is not null)
        {
            _error.WriteLine();
            _error.Flush();
        }
    }

    private static string Clock(TimeSpan time) => time.TotalHours >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{(int)time.TotalHours}:{time.Minutes:00}:{time.Seconds:00}")
        : string.Create(CultureInfo.InvariantCulture, $"{time.Minutes}:{time.Seconds:00}");
}
