using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace HybridAnswer.PgVector;

/// <summary>
/// Creates or upgrades the schema (the extension, the version table, every migration not yet applied) in one transaction under an
/// advisory lock, and checks an existing schema against the options. Every store operation waits for <see cref="EnsureReadyAsync"/> once.
/// </summary>
internal sealed class PgVectorMigrator
{
    private const string Migrating = "migrating";
    private const string CheckingSchema = "checking the schema";

    private readonly NpgsqlDataSource _dataSource;
    private readonly NpgsqlDataSource _readDataSource;
    private readonly PgVectorSchema _schema;
    private readonly PgVectorErrors _errors;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _readyLock = new(1, 1);
    private volatile bool _ready;

    public PgVectorMigrator(NpgsqlDataSource dataSource, NpgsqlDataSource readDataSource, PgVectorSchema schema, PgVectorErrors errors, ILogger logger)
    {
        _dataSource = dataSource;
        _readDataSource = readDataSource;
        _schema = schema;
        _errors = errors;
        _logger = logger;
    }

    /// <summary>Gets whether the server's pgvector has iterative index scans (0.8.0 and later); known after <see cref="EnsureReadyAsync"/>.</summary>
    public bool IterativeScan { get; private set; } = true;

    public async Task<int> MigrateAsync(CancellationToken cancellationToken)
    {
        var version = await _errors.RunAsync(_dataSource, Migrating, () => MigrateCoreAsync(cancellationToken)).ConfigureAwait(false);
        _ready = true;
        return version;
    }

    public async Task EnsureReadyAsync(CancellationToken cancellationToken)
    {
        if (_ready)
        {
            return;
        }

        await _readyLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_ready)
            {
                return;
            }

            if (_schema.Options.AutoMigrate)
            {
                await _errors.RunAsync(_dataSource, Migrating, () => MigrateCoreAsync(cancellationToken)).ConfigureAwait(false);
            }
            else
            {
                await _errors.RunAsync(_dataSource, CheckingSchema, async () =>
                {
                    var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                    await using (connection.ConfigureAwait(false))
                    {
                        await CheckSchemaAsync(connection, cancellationToken).ConfigureAwait(false);
                    }
                }).ConfigureAwait(false);
            }

            _ready = true;
        }
        finally
        {
            _readyLock.Release();
        }
    }

    /// <summary>
    /// Checks the schema on the primary without changing anything (the health check): the extension, the table and its dimensions as
    /// <see cref="EnsureReadyAsync"/> does with AutoMigrate off, and the version recorded, 0 when there is no version table.
    /// </summary>
    /// <exception cref="PgVectorStoreException">The server is unreachable, or the extension or the table is missing or does not fit.</exception>
    public Task<(int Version, string Extension)> InspectAsync(CancellationToken cancellationToken) =>
        _errors.RunAsync(_dataSource, CheckingSchema, async () =>
        {
            var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                var extension = await CheckSchemaAsync(connection, cancellationToken).ConfigureAwait(false);
                var exists = new NpgsqlCommand("SELECT to_regclass($1) IS NOT NULL", connection);
                await using (exists.ConfigureAwait(false))
                {
                    exists.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _schema.VersionTable, NpgsqlDbType = NpgsqlDbType.Text });
                    if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
                    {
                        return (0, extension);
                    }
                }

                var current = new NpgsqlCommand(_schema.CurrentVersionSql, connection);
                await using (current.ConfigureAwait(false))
                {
                    return ((int)(await current.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!, extension);
                }
            }
        });

    private async Task<int> MigrateCoreAsync(CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            int from, to;
            bool createdExtension;
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                // Transaction-level lock: released by COMMIT, ROLLBACK or a dropped connection, never left behind in the pool.
                await ExecuteAsync(connection, $"SELECT pg_advisory_xact_lock({PgVectorConstants.MigrationLockKey})", cancellationToken).ConfigureAwait(false);
                createdExtension = await ExtensionVersionAsync(connection, cancellationToken).ConfigureAwait(false) is null;
                if (createdExtension)
                {
                    await CreateExtensionAsync(connection, cancellationToken).ConfigureAwait(false);
                }

                await ExecuteAsync(connection, _schema.CreateVersionTableSql, cancellationToken).ConfigureAwait(false);
                var current = new NpgsqlCommand(_schema.CurrentVersionSql, connection);
                await using (current.ConfigureAwait(false))
                {
                    from = (int)(await current.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
                }

                if (from > 0)
                {
                    // Before any migration runs on it: converting a table of the other storage (or dimensions) would fail half-way with
                    // an operator-class error, or build an index of the wrong kind.
                    await CheckEmbeddingTypeAsync(connection, cancellationToken).ConfigureAwait(false);
                }

                to = from;
                foreach (var migration in _schema.Migrations.Where(m => m.Version > from))
                {
                    await ExecuteAsync(connection, migration.Sql, cancellationToken).ConfigureAwait(false);
                    var record = new NpgsqlCommand(_schema.RecordVersionSql, connection);
                    await using (record.ConfigureAwait(false))
                    {
                        record.Parameters.Add(new NpgsqlParameter<int> { TypedValue = migration.Version });
                        record.Parameters.Add(new NpgsqlParameter<string> { TypedValue = migration.Description });
                        await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }

                    to = migration.Version;
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }

            if (createdExtension)
            {
                // The data sources loaded their type catalogue before 'vector' existed.
                await _dataSource.ReloadTypesAsync(cancellationToken).ConfigureAwait(false);
                if (!ReferenceEquals(_readDataSource, _dataSource))
                {
                    await _readDataSource.ReloadTypesAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            if (to != from)
            {
                PgVectorLog.Migrated(_logger, _schema.DisplayName, from, to);
            }

            await CheckSchemaAsync(connection, cancellationToken).ConfigureAwait(false);
            return to;
        }
    }

    private static async Task CreateExtensionAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        try
        {
            await ExecuteAsync(connection, "CREATE EXTENSION IF NOT EXISTS vector", cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.FeatureNotSupported or PostgresErrorCodes.UndefinedFile)
        {
            throw new PgVectorStoreException(
                $"The pgvector extension is not installed on the PostgreSQL server ({e.MessageText}). Install pgvector 0.8.0 or later on the server " +
                "(Debian/Ubuntu: apt install postgresql-<major>-pgvector; others: https://github.com/pgvector/pgvector#installation), then run migrate again.",
                e, isTransient: false, Migrating);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            throw new PgVectorStoreException(
                $"The database user may not create the pgvector extension ({e.MessageText}). Ask a database owner or superuser to run " +
                $"'CREATE EXTENSION vector;' in database '{connection.Database}', then run migrate again.",
                e, isTransient: false, Migrating);
        }
    }

    /// <summary>Fails unless pgvector and a table of the configured embedding type exist; returns the extension's version.</summary>
    private async Task<string> CheckSchemaAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var extension = await ExtensionVersionAsync(connection, cancellationToken).ConfigureAwait(false)
            ?? throw new PgVectorStoreException(
                $"The pgvector extension is not installed in database '{connection.Database}': run 'hybrid-answer migrate' or 'CREATE EXTENSION vector;'.",
                null, isTransient: false, CheckingSchema, PostgresErrorCodes.UndefinedObject);
        IterativeScan = Version.TryParse(extension.Split('-')[0], out var version) && version >= PgVectorConstants.IterativeScanVersion;
        await CheckEmbeddingTypeAsync(connection, cancellationToken).ConfigureAwait(false);
        return extension;
    }

    /// <summary>Fails unless the embedding column is what the options ask for: the same dimensions and the same storage (vector or halfvec).</summary>
    private async Task CheckEmbeddingTypeAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(_schema.EmbeddingTypeSql, connection);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _schema.Options.Schema, NpgsqlDbType = NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _schema.Options.Table, NpgsqlDbType = NpgsqlDbType.Text });
            var type = (string?)await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            if (type is null)
            {
                throw new PgVectorStoreException(
                    $"The table {_schema.DisplayName} does not exist: run 'hybrid-answer migrate' (or the script of --print-sql), or enable {nameof(PgVectorKnowledgeBaseOptions.AutoMigrate)}.",
                    null, isTransient: false, CheckingSchema, PostgresErrorCodes.UndefinedTable);
            }

            var expected = _schema.ColumnType;
            if (type != expected)
            {
                var otherStorage = !type.StartsWith(_schema.VectorType + "(", StringComparison.Ordinal);
                throw new PgVectorStoreException(
                    $"The table {_schema.DisplayName} stores {type} embeddings, but this knowledge base is configured for {expected} " +
                    (otherStorage
                        ? $"(the {nameof(PgVectorKnowledgeBaseOptions.VectorStorage)} option is {_schema.Options.VectorStorage}). A table keeps the storage it was created with: " +
                          $"set {nameof(PgVectorKnowledgeBaseOptions.VectorStorage)} to match it, or use another table (or re-ingest into a new one)."
                        : "(the Dimensions option or the embedding model). Use the embedding model the table was built with, or another table."),
                    null, isTransient: false, CheckingSchema);
            }
        }
    }

    private static async Task<string?> ExtensionVersionAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand("SELECT extversion FROM pg_extension WHERE extname = 'vector'", connection);
        await using (command.ConfigureAwait(false))
        {
            return (string?)await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(sql, connection);
        await using (command.ConfigureAwait(false))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
