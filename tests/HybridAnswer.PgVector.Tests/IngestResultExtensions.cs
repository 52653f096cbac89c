namespace HybridAnswer.PgVector.Tests;

internal static class IngestResultExtensions
{
    /// <summary>The counts of a result without its commit position (a WAL position that differs every run), for comparing with expected counts.</summary>
    public static IngestResult Counts(this IngestResult result) => result with { CommitPosition = null };
}
