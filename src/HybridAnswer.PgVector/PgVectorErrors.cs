using System.Globalization;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace HybridAnswer.PgVector;

/// <summary>Turns Npgsql failures into errors that say what failed and what to do; a broken connection also clears the pool, so the
/// next call opens fresh connections instead of finding the dead ones a server restart left behind.</summary>
internal sealed class PgVectorErrors(string table, ILogger logger)
{
    /// <summary>
    /// Whether the failure is a lost or refused connection (class 08, an administrator shutdown 57P, or an I/O failure), as opposed
    /// to an error the server reported about the statement. A command timeout is not one: the server is there, the statement was
    /// slow or waited for a lock, and repeating it would only wait as long again.
    /// </summary>
    public static bool IsBrokenConnection(Exception? exception) =>
        exception is NpgsqlException e && !IsTimeout(e)
        && (e is not PostgresException || e.SqlState!.StartsWith("08", StringComparison.Ordinal) || e.SqlState.StartsWith("57P", StringComparison.Ordinal));

    /// <summary>Whether the command timed out (Npgsql's timeout, or the server cancelling it on Npgsql's request: 57014).</summary>
    public static bool IsTimeout(Exception? exception) =>
        exception is TimeoutException || exception?.InnerException is TimeoutException
        || exception is PostgresException { SqlState: PostgresErrorCodes.QueryCanceled } || exception is NpgsqlException { InnerException: TimeoutException };

    /// <summary>Whether every pooled connection was busy for the whole connection <c>Timeout</c> (Npgsql says so in its message only).</summary>
    public static bool IsPoolExhausted(Exception? exception) =>
        exception is NpgsqlException { InnerException: TimeoutException } e && e.Message.Contains("pool has been exhausted", StringComparison.Ordinal);

    /// <summary>
    /// Whether the failure may go away by itself (see <see cref="PgVectorStoreException.IsTransient"/>): a lost or refused connection,
    /// a timeout, or a server-reported state that says "not now" rather than "never": resources (class 53), shutdown or start-up
    /// (57P01–57P03), serialization failures and deadlocks (40001, 40P01; a hot standby cancels a query that conflicts with
    /// recovery with 40001), a lock not available (55P03). Npgsql's own <see cref="System.Data.Common.DbException.IsTransient"/> adds
    /// the I/O failures it knows.
    /// </summary>
    public static bool IsTransient(Exception? exception) => exception switch
    {
        PostgresException e => e.SqlState is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected
            or PostgresErrorCodes.LockNotAvailable or PostgresErrorCodes.QueryCanceled
            or PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow
            || e.SqlState.StartsWith("08", StringComparison.Ordinal) || e.SqlState.StartsWith("53", StringComparison.Ordinal)
            || e.IsTransient,
        NpgsqlException e => IsTimeout(e) || IsBrokenConnection(e) || e.IsTransient,
        TimeoutException => true,
        _ => false,
    };

    public async Task<T> RunAsync<T>(NpgsqlDataSource dataSource, string operation, Func<Task<T>> body)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            throw new PgVectorStoreException(
                $"PostgreSQL error while {operation} on {table}: {e.MessageText}. Run 'hybrid-answer migrate' or enable {nameof(PgVectorKnowledgeBaseOptions.AutoMigrate)}.",
                e, isTransient: false, operation);
        }
        catch (NpgsqlException e) when (IsPoolExhausted(e))
        {
            // Say which wait expired: the wait for a pooled connection ('Timeout'), not a statement or a lock ('Command Timeout').
            var settings = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);
            throw new PgVectorStoreException(
                string.Create(CultureInfo.InvariantCulture,
                    $"PostgreSQL: no pooled connection became free within {settings.Timeout} s (the connection string's Timeout) while {operation} on {table}: all {settings.MaxPoolSize} connections (Max Pool Size) were busy. Raise Max Pool Size or Timeout, or send fewer requests at once."),
                e, isTransient: true, operation);
        }
        catch (Exception e) when (PgVectorTypeMapping.IsMissingMapping(e))
        {
            // A read data source built without UseVector() gets here on its first search (the check at start covers the primary).
            throw PgVectorTypeMapping.Missing(dataSource, e, operation);
        }
        catch (NpgsqlException e) when (IsTimeout(e))
        {
            // Not retried and the pool is kept: the connection was fine (Npgsql drops that one connection itself if it broke).
            throw new PgVectorStoreException(
                $"PostgreSQL timed out while {operation} on {table} (a long lock wait behind another writer, or a slow statement; the command " +
                $"timeout is {new NpgsqlConnectionStringBuilder(dataSource.ConnectionString).CommandTimeout} s): {e.Message.TrimEnd('.')}",
                e, isTransient: true, operation);
        }
        catch (NpgsqlException e) when (IsBrokenConnection(e))
        {
            dataSource.Clear();
            PgVectorLog.PoolCleared(logger, table, e);
            var host = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString).Host;
            throw new PgVectorStoreException(
                $"PostgreSQL at '{host}' could not be reached or the connection broke while {operation} on {table} " +
                $"(server restarted or unreachable?): {e.Message.TrimEnd('.')}. The connection pool was reset; the next call reconnects.",
                e, isTransient: true, operation);
        }
        catch (NpgsqlException e)
        {
            var state = e is PostgresException postgres ? $"{postgres.SqlState}: {postgres.MessageText}" : e.Message.TrimEnd('.');
            throw new PgVectorStoreException($"PostgreSQL error while {operation} on {table}: {state}", e, IsTransient(e), operation);
        }
    }

    public Task RunAsync(NpgsqlDataSource dataSource, string operation, Func<Task> body) =>
        RunAsync(dataSource, operation, async () =>
        {
            await body().ConfigureAwait(false);
            return 0;
        });
}
