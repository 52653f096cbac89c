using Npgsql;
using Pgvector;

namespace HybridAnswer.PgVector;

/// <summary>
/// Whether a data source can write pgvector values. A data source built without <c>UseVector()</c> (a plain
/// <c>AddNpgsqlDataSource(...)</c>, .NET Aspire's default) connects, migrates and counts fine, and then fails every ingest and every
/// search with Npgsql's <see cref="InvalidCastException"/> ("Writing values of 'Pgvector.Vector' is not supported"), which does not say
/// what to do. So the store tries one vector parameter when it gets ready and says how to fix it.
/// </summary>
internal static class PgVectorTypeMapping
{
    /// <summary>Fails with the fix unless <paramref name="dataSource"/> maps <see cref="Vector"/>; one round trip, run once.</summary>
    /// <exception cref="PgVectorStoreException">The data source was built without <c>UseVector()</c>.</exception>
    public static async Task EnsureAsync(NpgsqlDataSource dataSource, string operation, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var probe = new NpgsqlCommand("SELECT $1 IS NULL", connection);
            await using (probe.ConfigureAwait(false))
            {
                probe.Parameters.Add(new NpgsqlParameter<Vector> { TypedValue = new Vector(new float[] { 0f }), DataTypeName = "vector" });
                try
                {
                    await probe.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (IsMissingMapping(e))
                {
                    throw Missing(dataSource, e, operation);
                }
            }
        }
    }

    /// <summary>Whether <paramref name="exception"/> is Npgsql refusing a pgvector type it has no mapping for.</summary>
    public static bool IsMissingMapping(Exception exception) =>
        exception is InvalidCastException or NotSupportedException
        && exception.Message.Contains("Pgvector.", StringComparison.Ordinal);

    /// <summary>The error that names the fix.</summary>
    public static PgVectorStoreException Missing(NpgsqlDataSource dataSource, Exception exception, string operation) => new(
        $"The NpgsqlDataSource for '{new NpgsqlConnectionStringBuilder(dataSource.ConnectionString).Host}' cannot read or write pgvector " +
        "values: it was built without UseVector(). Call UseVector() on its builder - an extension method in namespace Npgsql " +
        "('using Npgsql;') from the Pgvector package - e.g. services.AddNpgsqlDataSource(connectionString, b => b.UseVector()) or " +
        "new NpgsqlDataSourceBuilder(connectionString).UseVector().Build(); or pass the connection string to UsePgVector(...), which builds " +
        $"its own. ({exception.Message.TrimEnd('.')})",
        exception, isTransient: false, operation);
}
