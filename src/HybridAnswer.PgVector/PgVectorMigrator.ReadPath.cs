namespace HybridAnswer.PgVector;

/// <summary>The read path's schema check: where the searches read, so a read-only process can start during a primary outage.</summary>
internal sealed partial class PgVectorMigrator
{
    // The schema was checked on the read replica because the primary could not be reached: searches may go on, writes may not.
    private volatile bool _readReady;

    /// <summary>
    /// Makes sure a search can read: <see cref="EnsureReadyAsync"/> on the primary, or, when the primary cannot be reached and
    /// searches read a replica, the schema checked where they read (a standby replays the primary's DDL). So a read-only process
    /// that starts during a primary outage answers from the standby; its writes still wait for the primary.
    /// </summary>
    public async Task EnsureReadyForReadAsync(bool hasReplica, CancellationToken cancellationToken)
    {
        if (_ready || _readReady)
        {
            return;
        }

        try
        {
            await EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PgVectorStoreException e) when (hasReplica && PgVectorErrors.IsBrokenConnection(e.InnerException) && !cancellationToken.IsCancellationRequested)
        {
            await CheckOnReadReplicaAsync(cancellationToken).ConfigureAwait(false);
            _readReady = true;
            PgVectorLog.SchemaCheckedOnReplica(_logger, _schema.DisplayName, e);
        }
    }

    /// <summary>Checks the schema (extension, table, dimensions) on the read data source, as <see cref="EnsureReadyAsync"/> does on the primary with AutoMigrate off.</summary>
    /// <exception cref="PgVectorStoreException">The replica is unreachable, or the schema is missing or does not fit.</exception>
    public Task CheckOnReadReplicaAsync(CancellationToken cancellationToken) =>
        _errors.RunAsync(_readDataSource, CheckingSchema, async () =>
        {
            var connection = await _readDataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                await CheckSchemaAsync(connection, cancellationToken).ConfigureAwait(false);
            }
        });
}
