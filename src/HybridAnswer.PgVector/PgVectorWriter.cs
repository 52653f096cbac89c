using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using HybridAnswer.Storage;
using Npgsql;
using NpgsqlTypes;
using Pgvector;

namespace HybridAnswer.PgVector;

/// <summary>
/// The write path: per-document advisory locks, delete of the old version and binary COPY of the new one, in one transaction, so a
/// reader sees a document's old or new chunks, never a mix, and two writers of one document never fail on the primary key.
/// </summary>
internal sealed class PgVectorWriter
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly PgVectorSchema _schema;
    private readonly long _tableLockPrefix;

    public PgVectorWriter(NpgsqlDataSource dataSource, PgVectorSchema schema)
    {
        _dataSource = dataSource;
        _schema = schema;
        var table = SHA256.HashData(Encoding.UTF8.GetBytes(schema.DisplayName));
        _tableLockPrefix = BinaryPrimitives.ReadInt64LittleEndian(table) & ~0xFFFFL;
    }

    public async Task<int> ReplaceAsync(IReadOnlyList<DocumentWrite> documents, CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var keys = documents.Select(d => d.Key).ToList();
                await LockAsync(connection, keys, cancellationToken).ConfigureAwait(false);
                await DeleteAsync(connection, keys, cancellationToken).ConfigureAwait(false);
                var rows = await CopyAsync(connection, documents, cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return rows;
            }
        }
    }

    /// <summary>
    /// Starts the bulk path when <paramref name="chunks"/> is at least a quarter of the table: drops the HNSW index so the COPYs that
    /// follow do not insert into the graph row by row; <see cref="EnsureGraphIndexAsync"/> builds it once at the end. Returns whether it did.
    /// </summary>
    public async Task<bool> BeginBulkLoadAsync(int chunks, CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var rows = new NpgsqlCommand($"SELECT greatest(reltuples, 0)::float8 FROM pg_class WHERE oid = '{_schema.Table}'::regclass", connection);
            await using (rows.ConfigureAwait(false))
            {
                var existing = (double)(await rows.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
                if (chunks * 4.0 < existing)
                {
                    return false;
                }
            }

            var drop = new NpgsqlCommand($"DROP INDEX IF EXISTS {GraphIndex}", connection);
            await using (drop.ConfigureAwait(false))
            {
                await drop.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            return true;
        }
    }

    /// <summary>Builds the HNSW index when it is missing (after a bulk load, or to repair one that failed), with the memory and the
    /// parallel maintenance workers the server allows. Returns whether it built one.</summary>
    public async Task<bool> EnsureGraphIndexAsync(CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var exists = new NpgsqlCommand($"SELECT to_regclass('{GraphIndex}') IS NOT NULL", connection);
            await using (exists.ConfigureAwait(false))
            {
                if ((bool)(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
                {
                    return false;
                }
            }

            var options = _schema.Options;
            await BuildIndexAsync(connection, options.IndexBuildMemoryMegabytes, string.Create(CultureInfo.InvariantCulture, $"""
                CREATE INDEX IF NOT EXISTS {GraphIndexName} ON {_schema.Table}
                    USING hnsw (embedding {_schema.OperatorClass}) WITH (m = {options.HnswM}, ef_construction = {options.HnswEfConstruction})
                """), cancellationToken).ConfigureAwait(false);
            return true;
        }
    }

    /// <summary>
    /// Runs one index build in a transaction of its own, with <paramref name="memoryMegabytes"/> of <c>maintenance_work_mem</c> and the
    /// parallel maintenance workers the server allows: a build that fails or is cancelled leaves no half index, just none. No command
    /// timeout (minutes at millions of rows); cancellation still works. The graph index's and the filter indexes'
    /// (<see cref="PgVectorFilterIndexes"/>) builds.
    /// </summary>
    public static async Task BuildIndexAsync(NpgsqlConnection connection, int memoryMegabytes, string createIndex, CancellationToken cancellationToken)
    {
        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            var build = new NpgsqlCommand(string.Create(CultureInfo.InvariantCulture, $"""
                SET LOCAL maintenance_work_mem = '{memoryMegabytes}MB';
                SELECT set_config('max_parallel_maintenance_workers', current_setting('max_parallel_workers'), true);
                {createIndex};
                """), connection, transaction)
            {
                CommandTimeout = 0,
            };
            await using (build.ConfigureAwait(false))
            {
                await build.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<int> DeleteAsync(IReadOnlyList<DocumentKey> keys, CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                await LockAsync(connection, keys, cancellationToken).ConfigureAwait(false);
                var deleted = await DeleteAsync(connection, keys, cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return deleted;
            }
        }
    }

    /// <summary>Gets the quoted name of the HNSW index (as migration 1 names it), unqualified: CREATE INDEX puts it in the table's schema.</summary>
    private string GraphIndexName => "\"" + _schema.Options.Table + "_embedding_hnsw\"";

    private string GraphIndex => _schema.SchemaName + "." + GraphIndexName;

    private async Task<int> CopyAsync(NpgsqlConnection connection, IReadOnlyList<DocumentWrite> documents, CancellationToken cancellationToken)
    {
        var rows = 0;
        var importer = await connection.BeginBinaryImportAsync(_schema.CopySql, cancellationToken).ConfigureAwait(false);
        await using (importer.ConfigureAwait(false))
        {
            importer.Timeout = connection.CommandTimeout == 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(Math.Max(connection.CommandTimeout, PgVectorConstants.MinCopyTimeout.TotalSeconds));
            foreach (var write in documents)
            {
                var document = write.Document;
                var tenant = PgVectorJson.Tenant(document.TenantId);
                var metadata = PgVectorJson.SerializeMetadata(document);
                foreach (var chunk in write.Chunks)
                {
                    await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(tenant, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(document.Id, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(chunk.Chunk.Ordinal, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(document.Title, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(chunk.Chunk.Content, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(metadata, NpgsqlDbType.Jsonb, cancellationToken).ConfigureAwait(false);
                    if (document.SourceUri is null)
                    {
                        await importer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        await importer.WriteAsync(document.SourceUri, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                    }

                    await importer.WriteAsync(write.ContentHash, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                    if (_schema.HalfPrecision)
                    {
                        await importer.WriteAsync(PgVectorSchema.ToHalfVector(chunk.Vector), "halfvec", cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        await importer.WriteAsync(new Vector(chunk.Vector), "vector", cancellationToken).ConfigureAwait(false);
                    }

                    rows++;
                }
            }

            await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        return rows;
    }

    /// <summary>
    /// Serialises writers of the same document across processes with transaction-level advisory locks, taken in key order so two
    /// writers never deadlock. Documents hash into <see cref="PgVectorConstants.LockBuckets"/> locks per table.
    /// </summary>
    private async Task LockAsync(NpgsqlConnection connection, IReadOnlyList<DocumentKey> keys, CancellationToken cancellationToken)
    {
        var lockKeys = keys.Select(LockKey).Distinct().Order().ToArray();
        var command = new NpgsqlCommand(PgVectorSchema.LockDocumentsSql, connection);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = lockKeys, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<int> DeleteAsync(NpgsqlConnection connection, IReadOnlyList<DocumentKey> keys, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(_schema.DeleteDocumentsSql, connection);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. keys.Select(k => PgVectorJson.Tenant(k.TenantId))], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. keys.Select(k => k.Id)], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            return (int)(long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }
    }

    private long LockKey(DocumentKey key)
    {
        var document = SHA256.HashData(Encoding.UTF8.GetBytes($"{PgVectorJson.Tenant(key.TenantId)}\0{key.Id}"));
        var bucket = BinaryPrimitives.ReadUInt32LittleEndian(document) % PgVectorConstants.LockBuckets;
        return _tableLockPrefix | bucket;
    }
}
