using System.Data.Common;

namespace HybridAnswer.PgVector;

/// <summary>
/// The one exception the PostgreSQL knowledge base fails with when PostgreSQL does: the Npgsql error, when there was one, is the
/// <see cref="Exception.InnerException"/>, and the message says what failed and what to do. <see cref="IsTransient"/> tells a host
/// whether the same call may succeed later (map it to 503 Service Unavailable) or needs someone to fix something (500).
/// </summary>
/// <remarks>
/// <para>Transient: the server could not be reached or the connection broke (restart, failover, network), the command timed out,
/// the server is shutting down or starting (57P01–57P03), too many connections or other resource limits (class 53), a
/// serialization failure or deadlock (40001, 40P01; a standby's conflict with recovery is a 40001 too), a lock not available (55P03).</para>
/// <para>Not transient: missing permissions (42501), the pgvector extension or the table missing (run migrate), a table with other
/// dimensions, and errors in the statement itself.</para>
/// <para>It derives from <see cref="DbException"/> like <c>NpgsqlException</c>, so a retry policy that already reads
/// <see cref="DbException.IsTransient"/> treats it the same way. Cancellation by the caller is not a failure and surfaces as
/// <see cref="OperationCanceledException"/>. Other errors (a bad argument, an embedding of the wrong dimensions) keep their own types.</para>
/// </remarks>
public sealed class PgVectorStoreException : DbException
{
    private readonly bool _isTransient;
    private readonly string? _sqlState;

    /// <summary>Initializes a new instance.</summary>
    public PgVectorStoreException()
        : this("A PostgreSQL knowledge base operation failed.")
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">What failed.</param>
    public PgVectorStoreException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and the cause.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The cause.</param>
    public PgVectorStoreException(string message, Exception? innerException)
        : base(message, innerException)
    {
        _sqlState = (innerException as DbException)?.SqlState;
        _isTransient = innerException is DbException { IsTransient: true };
    }

    /// <summary>Initializes a new instance with everything the library knows about the failure.</summary>
    /// <param name="message">What failed and what to do.</param>
    /// <param name="innerException">The Npgsql error, if any.</param>
    /// <param name="isTransient">Whether the same call may succeed later.</param>
    /// <param name="operation">What the knowledge base was doing.</param>
    /// <param name="sqlState">The SQLSTATE; that of <paramref name="innerException"/> when <see langword="null"/>.</param>
    internal PgVectorStoreException(string message, Exception? innerException, bool isTransient, string? operation, string? sqlState = null)
        : base(message, innerException)
    {
        _isTransient = isTransient;
        _sqlState = sqlState ?? (innerException as DbException)?.SqlState;
        Operation = operation;
    }

    /// <summary>Gets a value indicating whether the failure is expected to go away by itself (server restart, failover, network,
    /// timeout, overload, serialization conflict): the call may be retried later, and a web host answers 503 rather than 500.</summary>
    public override bool IsTransient => _isTransient;

    /// <summary>Gets the five-character SQLSTATE PostgreSQL reported (e.g. <c>42501</c> for missing permissions, <c>42P01</c> for a
    /// missing table), or <see langword="null"/> when the server reported none (a connection that could not be opened, a timeout).</summary>
    public override string? SqlState => _sqlState;

    /// <summary>Gets what the knowledge base was doing (e.g. <c>retrieving</c>, <c>writing chunks</c>, <c>migrating</c>), or
    /// <see langword="null"/> when not known.</summary>
    public string? Operation { get; }
}
