namespace HybridAnswer.Cli;

internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The operation ran and failed (server unreachable, model error), or found problems (a file failed validation).</summary>
    public const int Failure = 1;

    /// <summary>The command line itself was wrong: unknown option, bad value, missing folder or file.</summary>
    public const int Usage = 2;

    public const int Cancelled = 130;
}
