using Microsoft.Extensions.Logging;
using Npgsql;

namespace HybridAnswer.PgVector;

/// <summary>Turns Npgsql failures into errors that say what failed and what to do; a broken connection also clears the pool, so the
/// next call opens fresh connections instead of finding the dead ones a server restart left behind.</summary>
internal sealed class PgVectorErrors(string table, ILogger logger)
{
    /// <summary>Whether the failure is a lost or refused connection (class 08, or an administrator shutdown 57P), as opposed to an error the server reported about the statement.</summary>
    public static bool IsBrokenConnection(Exception? exception) =>
        exception is NpgsqlException e && (e is not PostgresException || e.SqlState!.StartsWith("08", StringComparison.Ordinal) || e.SqlState.StartsWith("57P", StringComparison.Ordinal));

    public async Task<T> RunAsync<T>(NpgsqlDataSource dataSource, string operation, Func<Task<T>> body)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            throw new InvalidOperationException($"PostgreSQL error while {operation} on {table}: {e.MessageText}. Run 'hybrid-answer migrate' or enable {nameof(PgVectorKnowledgeBaseOptions.AutoMigrate)}.", e);
        }
        catch (NpgsqlException e) when (IsBrokenConnection(e))
        {
            dataSource.Clear();
            PgVectorLog.PoolCleared(logger, table, e);
            var host = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString).Host;
            throw new InvalidOperationException(
                $"PostgreSQL at '{host}' could not be reached or the connection broke while {operation} on {table} " +
                $"(server restarted or unreachable?): {e.Message.TrimEnd('.')}. The connection pool was reset; the next call reconnects.", e);
        }
        catch (PostgresException e)
        {
            throw new InvalidOperationException($"PostgreSQL error while {operation} on {table}: {e.SqlState}: {e.MessageText}", e);
        }
    }

    public Task RunAsync(NpgsqlDataSource dataSource, string operation, Func<Task> body) =>
        RunAsync(dataSource, operation, async () =>
        {
            await body().ConfigureAwait(false);
            return 0;
        });
}
