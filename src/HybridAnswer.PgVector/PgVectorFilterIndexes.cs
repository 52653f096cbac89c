using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace HybridAnswer.PgVector;

/// <summary>
/// Per-value HNSW indexes for the metadata keys a host declares (<see cref="PgVectorKnowledgeBaseOptions.FilterIndexKeys"/>): one
/// partial index per value that passes a middle share of rows, so a search filtered on it walks a graph of just its rows. At a 10 %
/// filter the shared graph's walk discards nine of every ten rows it visits and costs 1.6× an unfiltered search; the value's own graph
/// costs a third of one (docs/benchmarks.md, issue 26).
/// </summary>
/// <remarks>
/// The index predicate is <c>(metadata @&gt; '{"key":"value"}' OR metadata @&gt; '{"key":["value"]}')</c>: a scalar value or a list holding
/// it, exactly the rows the filter's <c>$.key == "value"</c> passes. A search uses the index when its statement carries the same
/// predicate with the two documents as parameters: PostgreSQL plans unnamed statements with their parameter values
/// (<c>plan_cache_mode = force_custom_plan</c> keeps it so for prepared ones), which is what lets it prove the predicate implied.
/// Index names are <c>{table}_f_</c> and 16 hex digits of a hash of table, key and value; no identifier is built from metadata text.
/// </remarks>
internal sealed class PgVectorFilterIndexes
{
    private readonly PgVectorSchema _schema;
    private readonly TimeProvider _time;
    private readonly object _gate = new();
    private (HashSet<string> Names, long Timestamp)? _existing;

    public PgVectorFilterIndexes(PgVectorSchema schema, TimeProvider? time = null)
    {
        _schema = schema;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Gets whether the host declared any key, so that nothing is looked up otherwise.</summary>
    public bool Enabled => _schema.Options.FilterIndexKeys.Count > 0;

    /// <summary>The unquoted name of the index of one key's value.</summary>
    public string IndexName(string key, string value)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(_schema.Options.Table + "\0" + key + "\0" + value));
        return _schema.Options.Table + "_f_" + Convert.ToHexStringLower(hash.AsSpan(0, 8));
    }

    /// <summary>The two containment documents of the index predicate: the value alone and the value as a one-item list.</summary>
    public static (string Scalar, string List) Predicate(string key, string value) =>
        (JsonSerializer.Serialize(new Dictionary<string, string> { [key] = value }),
         JsonSerializer.Serialize(new Dictionary<string, string[]> { [key] = [value] }));

    /// <summary>
    /// The first (by key) pair of <paramref name="filter"/> whose value has an index, or <see langword="null"/>. The table's index names
    /// are read on <paramref name="connection"/> at most once per <see cref="PgVectorSearchCommand.EstimateLifetime"/>.
    /// </summary>
    public async Task<KeyValuePair<string, string>?> FindAsync(NpgsqlConnection connection, IReadOnlyDictionary<string, string> filter, CancellationToken cancellationToken)
    {
        if (!Enabled || filter.Count == 0 || !filter.Keys.Any(_schema.Options.FilterIndexKeys.Contains))
        {
            return null;
        }

        var names = await ExistingAsync(connection, cancellationToken).ConfigureAwait(false);
        foreach (var pair in filter.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (names.Contains(IndexName(pair.Key, pair.Value)))
            {
                return pair;
            }
        }

        return null;
    }

    /// <summary>Forgets the cached index names (after indexes were built or dropped).</summary>
    public void Forget()
    {
        lock (_gate)
        {
            _existing = null;
        }
    }

    /// <summary>
    /// Counts the rows of each value of the declared keys and builds the missing index of every value with at least
    /// <see cref="PgVectorConstants.FilterIndexMinRows"/> rows and less than half of the table (the most rows first, at most
    /// <see cref="PgVectorConstants.MaxFilterIndexes"/> in all). Each build is one transaction: a build that fails or is cancelled leaves
    /// no half index. Returns how many it built.
    /// </summary>
    public async Task<int> EnsureAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        if (!Enabled)
        {
            return 0;
        }

        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            Forget();
            var existing = await ExistingAsync(connection, cancellationToken).ConfigureAwait(false);
            var wanted = await EligibleValuesAsync(connection, cancellationToken).ConfigureAwait(false);
            var built = 0;
            foreach (var (key, value, rows) in wanted.Where(w => !existing.Contains(IndexName(w.Key, w.Value))).Take(Math.Max(0, PgVectorConstants.MaxFilterIndexes - existing.Count)))
            {
                await BuildAsync(connection, key, value, rows, cancellationToken).ConfigureAwait(false);
                built++;
            }

            Forget();
            return built;
        }
    }

    /// <summary>Drops every filter index of the table (before a bulk load, which builds them again at its end). Returns how many.</summary>
    public async Task<int> DropAllAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        if (!Enabled)
        {
            return 0;
        }

        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await DropAllAsync(connection, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<int> DropAllAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        Forget();
        var names = await ExistingAsync(connection, cancellationToken).ConfigureAwait(false);
        foreach (var name in names)
        {
            var drop = new NpgsqlCommand($"DROP INDEX IF EXISTS {_schema.SchemaName}.{PgVectorSchema.Quote(name)}", connection);
            await using (drop.ConfigureAwait(false))
            {
                await drop.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        Forget();
        return names.Count;
    }

    private async Task<HashSet<string>> ExistingAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var now = _time.GetTimestamp();
        lock (_gate)
        {
            if (_existing is { } cached && _time.GetElapsedTime(cached.Timestamp, now) <= PgVectorSearchCommand.EstimateLifetime)
            {
                return cached.Names;
            }
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        var command = new NpgsqlCommand(
            """
            SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
            WHERE i.indrelid = to_regclass($1) AND i.indpred IS NOT NULL AND left(c.relname, length($2)) = $2
            """, connection);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _schema.Table, NpgsqlDbType = NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _schema.Options.Table + "_f_", NpgsqlDbType = NpgsqlDbType.Text });
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    names.Add(reader.GetString(0));
                }
            }
        }

        lock (_gate)
        {
            _existing = (names, now);
        }

        return names;
    }

    /// <summary>
    /// The <c>maintenance_work_mem</c> of the build of a graph of <paramref name="rows"/> rows, in megabytes: what the graph needs in
    /// memory with a quarter to spare, at least PostgreSQL's default (64 MB), at most <see cref="PgVectorKnowledgeBaseOptions.IndexBuildMemoryMegabytes"/>.
    /// A parallel HNSW build allocates all of it as one shared memory segment before it reads a row, so a 10,000-row value built with the
    /// shared graph's 1 GB paid 0.65 s of its 2.9 s for memory it never used, and a 1,000-row value two thirds of its 1 s
    /// (docs/benchmarks.md, issue 26, fourth session).
    /// </summary>
    public int BuildMemoryMegabytes(long rows)
    {
        // Per element of pgvector's in-memory graph: the vector, its neighbour lists (2m candidates of 16 bytes on layer 0, m on each of
        // the few upper layers: 3m in all, with room to spare) and about 256 bytes of element header, heap TIDs and lock.
        var options = _schema.Options;
        var vectorBytes = 8 + ((long)_schema.Dimensions * (_schema.HalfPrecision ? 2 : 4));
        var perRow = 256 + vectorBytes + (3L * options.HnswM * 16);
        var megabytes = (long)Math.Ceiling(rows * perRow * 1.25 / (1024.0 * 1024.0));
        return (int)Math.Clamp(megabytes, PgVectorConstants.MinIndexBuildMemoryMegabytes, Math.Max(options.IndexBuildMemoryMegabytes, PgVectorConstants.MinIndexBuildMemoryMegabytes));
    }

    /// <summary>The (key, value) pairs that deserve an index and their rows, the most rows first: one scan of the table for all declared keys.</summary>
    private async Task<List<(string Key, string Value, long Rows)>> EligibleValuesAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(
            $"""
            SELECT k.key, v.value, count(*) AS rows, (SELECT count(*) FROM {_schema.Table}) AS total
            FROM {_schema.Table} c
            CROSS JOIN unnest($1::text[]) AS k(key)
            CROSS JOIN LATERAL jsonb_array_elements_text(CASE jsonb_typeof(c.metadata -> k.key)
                WHEN 'array' THEN c.metadata -> k.key ELSE jsonb_build_array(c.metadata -> k.key) END) AS v(value)
            WHERE c.metadata ? k.key
            GROUP BY k.key, v.value
            ORDER BY rows DESC, k.key, v.value
            """, connection)
        {
            CommandTimeout = 0, // one pass over the table; minutes only at many millions of rows, and cancellation still works
        };
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. _schema.Options.FilterIndexKeys.Distinct(StringComparer.Ordinal)], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            var wanted = new List<(string Key, string Value, long Rows)>();
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var rows = reader.GetInt64(2);
                    var total = reader.GetInt64(3);
                    if (rows >= PgVectorConstants.FilterIndexMinRows && rows < total * PgVectorSearchCommand.BroadShare)
                    {
                        wanted.Add((reader.GetString(0), reader.GetString(1), rows));
                    }
                }
            }

            return wanted;
        }
    }

    private async Task BuildAsync(NpgsqlConnection connection, string key, string value, long rows, CancellationToken cancellationToken)
    {
        // DDL takes no parameters: the server writes the statement with format(), quoting the name (%I) and the two predicate
        // documents (%L) itself, so no metadata text is ever spliced into SQL here.
        string ddl;
        var (scalar, list) = Predicate(key, value);
        var options = _schema.Options;
        var format = new NpgsqlCommand(
            string.Create(CultureInfo.InvariantCulture, $"""
                SELECT format('CREATE INDEX IF NOT EXISTS %I ON {_schema.Table} USING hnsw (embedding {_schema.OperatorClass}) WITH (m = {options.HnswM}, ef_construction = {options.HnswEfConstruction}) WHERE (metadata @> %L::jsonb OR metadata @> %L::jsonb)', $1::text, $2::text, $3::text)
                """), connection);
        await using (format.ConfigureAwait(false))
        {
            format.Parameters.Add(new NpgsqlParameter<string> { TypedValue = IndexName(key, value), NpgsqlDbType = NpgsqlDbType.Text });
            format.Parameters.Add(new NpgsqlParameter<string> { TypedValue = scalar, NpgsqlDbType = NpgsqlDbType.Text });
            format.Parameters.Add(new NpgsqlParameter<string> { TypedValue = list, NpgsqlDbType = NpgsqlDbType.Text });
            ddl = (string)(await format.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        await PgVectorWriter.BuildIndexAsync(connection, BuildMemoryMegabytes(rows), ddl, cancellationToken).ConfigureAwait(false);
    }
}
