using Npgsql;
using NpgsqlTypes;

namespace HybridAnswer.PgVector;

/// <summary>
/// How many rows a request may read (its tenant's, passing its filter): the count a search plan is chosen from, and whether any row
/// matches at all. Each is one statement through the tenant key or the metadata GIN index.
/// </summary>
internal sealed class PgVectorEligibleRows(PgVectorSchema schema)
{
    private readonly PgVectorSchema _schema = schema;

    /// <summary>Counts (one round trip on <paramref name="connection"/>) the rows of the tenant passing <paramref name="filter"/> (all of the tenant's without one); -1 rows when there
    /// is no filter and no other tenant has rows, so the table is the request's whole.</summary>
    public async Task<(long Rows, double Share)> CountAsync(NpgsqlConnection connection, string tenant, string? filter, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(filter is null ? TenantCountSql : CountSql, connection);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant, NpgsqlDbType = NpgsqlDbType.Text });
            if (filter is not null)
            {
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = filter, NpgsqlDbType = NpgsqlDbType.JsonPath });
            }

            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                var rows = reader.GetInt64(0);
                if (rows < 0)
                {
                    return (-1, 1.0);
                }

                // reltuples is -1 before the first ANALYZE; the count itself is then the best lower bound of the table.
                var total = Math.Max(reader.GetDouble(1), rows);
                return (rows, total <= 0 ? 1.0 : rows / total);
            }
        }
    }

    private string RelTuplesSql => $"(SELECT reltuples::float8 FROM pg_class WHERE oid = '{_schema.Table}'::regclass)";

    private string CountSql => $"""
        SELECT count(*), {RelTuplesSql}
        FROM {_schema.Table} c
        WHERE c.tenant_id = $1 AND c.metadata @@ $2
        """;

    // "Another tenant has rows" as two range seeks on the primary key's leading column, not a scan for tenant_id <> $1.
    private string TenantCountSql => $"""
        SELECT CASE WHEN EXISTS (SELECT 1 FROM {_schema.Table} c WHERE c.tenant_id < $1) OR EXISTS (SELECT 1 FROM {_schema.Table} c WHERE c.tenant_id > $1)
                    THEN (SELECT count(*) FROM {_schema.Table} c WHERE c.tenant_id = $1) ELSE -1 END,
               {RelTuplesSql}
        """;

    /// <summary>
    /// Whether any row of the tenant matches the filter: one <c>EXISTS</c> through the GIN index, run only after a filtered search
    /// found nothing (to tell a filter that matches no document from nothing relevant). Not the cached count: that may be a minute old.
    /// </summary>
    public async Task<bool> AnyMatchAsync(NpgsqlDataSource dataSource, RetrievalRequest request, CancellationToken cancellationToken)
    {
        var command = dataSource.CreateCommand($"SELECT EXISTS (SELECT 1 FROM {_schema.Table} c WHERE c.tenant_id = $1 AND c.metadata @@ $2)");
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = PgVectorJson.Tenant(request.TenantId), NpgsqlDbType = NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = PgVectorJson.FilterPath(request.Filter), NpgsqlDbType = NpgsqlDbType.JsonPath });
            return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }
    }
}
