namespace HybridAnswer.Cli;

internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The operation ran and failed (server unreachable, model error), or found problems (a file failed validation).</summary>
    public const int Failure = 1;

    /// <summary>The command line itself was wrong: unknown option, bad value, missing folder or file.</summary>
    public const int Usage = 2;

    /// <summary>
    /// The operation ran and did part of its work: <c>ingest</c> ingested the good files, and <c>ask</c>/<c>eval --docs</c> answered
    /// from them, and reported the ones they could not read (or would not: a link out of the folder).
    /// </summary>
    public const int Partial = 3;

    /// <summary><c>compare --baseline</c>: a metric of a mode dropped (or its cost rose) past the allowance.</summary>
    public const int Regression = 4;

    /// <summary><c>finetune submit --wait</c> / <c>status</c>: the fine-tuning job ended cancelled (on the server, or by Ctrl-C).</summary>
    public const int JobCancelled = 5;

    public const int Cancelled = 130;
}
