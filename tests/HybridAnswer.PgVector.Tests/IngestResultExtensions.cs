namespace HybridAnswer.PgVector.Tests;

internal static class IngestResultExtensions
{
    /// <summary>The counts of a result without its commit position (a WAL position that differs every run), for comparing with expected counts.</summary>
    public static (int Added, int Updated, int Unchanged, int Deleted) Counts(this IngestResult result) =>
        (result.Added, result.Updated, result.Unchanged, result.Deleted);
}
