using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace HybridAnswer.PgVector;

/// <summary>
/// Creates or upgrades the schema (the extension, the version table, every migration not yet applied) in one transaction under an
/// advisory lock, and checks an existing schema against the options. Every store operation waits for <see cref="EnsureReadyAsync"/> once.
/// </summary>
internal sealed partial class PgVectorMigrator
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
        await _errors.RunAsync(_dataSource, CheckingSchema, () => PgVectorTypeMapping.EnsureAsync(_dataSource, CheckingSchema, cancellationToken)).ConfigureAwait(false);
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

            await _errors.RunAsync(_dataSource, CheckingSchema, () => PgVectorTypeMapping.EnsureAsync(_dataSource, CheckingSchema, cancellationToken)).ConfigureAwait(false);
            _ready = true;
        }
        finally
        {
            _readyLock.Release();
        }
    }

    /// <summary>
    /// Checks the schema on the primary without changing anything (the health check): the extension, the table and its dimensions as
    /// <see cref="EnsureReadyAsync"/> does with AutoMigrate off, the highest version recorded (0 when there is no version table) and
    /// the versions these options need that are not recorded (version 2 is optional, so a table can be at 3 and still need 2).
    /// </summary>
    /// <exception cref="PgVectorStoreException">The server is unreachable, or the extension or the table is missing or does not fit.</exception>
    public Task<(int Version, IReadOnlyList<int> Pending, string Extension)> InspectAsync(CancellationToken cancellationToken) =>
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
                        return (0, (IReadOnlyList<int>)[.. _schema.Migrations.Select(m => m.Version)], extension);
                    }
                }

                var applied = await AppliedVersionsAsync(connection, cancellationToken).ConfigureAwait(false);
                return (applied.Count == 0 ? 0 : applied.Max(), (IReadOnlyList<int>)[.. _schema.Pending(applied).Select(m => m.Version)], extension);
            }
        });

    private async Task<int> MigrateCoreAsync(CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            int from, to;
            List<int> migrated = [];
            var rowsLeftOutOfLine = false;
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
                var applied = await AppliedVersionsAsync(connection, cancellationToken).ConfigureAwait(false);
                from = applied.Count == 0 ? 0 : applied.Max();
                if (applied.Count > 0)
                {
                    // Before any migration runs on it: converting a table of the other storage (or dimensions) would fail half-way with
                    // an operator-class error, or build an index of the wrong kind.
                    await CheckEmbeddingTypeAsync(connection, cancellationToken).ConfigureAwait(false);
                }

                // Every version not recorded, in order, not only those above the highest: version 2 (tenant partitions) exists only
                // with its option, so a table migrated to 3 without it must still get 2 when the option is switched on later.
                to = from;
                foreach (var migration in _schema.Pending(applied))
                {
                    if (migration.Version == PgVectorSchema.InlineEmbeddingVersion && applied.Count > 0)
                    {
                        // SET STORAGE changes only where new rows go; rewriting here would hold an exclusive lock for the whole copy
                        // and the HNSW rebuild inside the migration (VACUUM FULL cannot run in a transaction at all), so say so instead.
                        var hasRows = new NpgsqlCommand(_schema.HasRowsSql, connection);
                        await using (hasRows.ConfigureAwait(false))
                        {
                            rowsLeftOutOfLine = (bool)(await hasRows.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
                        }
                    }

                    await ExecuteAsync(connection, migration.Sql, cancellationToken).ConfigureAwait(false);
                    var record = new NpgsqlCommand(_schema.RecordVersionSql, connection);
                    await using (record.ConfigureAwait(false))
                    {
                        record.Parameters.Add(new NpgsqlParameter<int> { TypedValue = migration.Version });
                        record.Parameters.Add(new NpgsqlParameter<string> { TypedValue = migration.Description });
                        await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }

                    migrated.Add(migration.Version);
                    to = Math.Max(to, migration.Version);
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

            if (migrated.Count > 0)
            {
                PgVectorLog.Migrated(_logger, _schema.DisplayName, from, to, string.Join(", ", migrated));
            }

            if (rowsLeftOutOfLine)
            {
                PgVectorLog.EmbeddingsLeftOutOfLine(_logger, _schema.DisplayName);
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

    private async Task<HashSet<int>> AppliedVersionsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(_schema.AppliedVersionsSql, connection);
        await using (command.ConfigureAwait(false))
        {
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                var versions = new HashSet<int>();
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    versions.Add(reader.GetInt32(0));
                }

                return versions;
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
