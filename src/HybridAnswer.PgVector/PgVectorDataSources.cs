using Npgsql;
using Pgvector.Npgsql;

namespace HybridAnswer.PgVector;

/// <summary>Builds the data sources of a knowledge base from connection strings: pgvector types mapped, writes to the primary,
/// reads to a replica when there is one.</summary>
internal static class PgVectorDataSources
{
    /// <summary>Creates the write and read data sources; <c>Owned</c> lists what the caller must dispose.</summary>
    /// <exception cref="ArgumentException">A connection string is malformed.</exception>
    public static (NpgsqlDataSource Write, NpgsqlDataSource Read, IReadOnlyList<NpgsqlDataSource> Owned) Create(string connectionString, string? readConnectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var owned = new List<NpgsqlDataSource>();
        try
        {
            var builder = Builder(connectionString, nameof(connectionString));
            NpgsqlDataSource write, read;
            if (IsMultiHost(builder))
            {
                // Npgsql multi-host: one pool per host; target session attributes pick the primary for writes and prefer a standby for reads.
                var multiHost = builder.BuildMultiHost();
                owned.Add(multiHost);
                write = multiHost.WithTargetSession(TargetSessionAttributes.Primary);
                read = multiHost.WithTargetSession(TargetSessionAttributes.PreferStandby);
            }
            else
            {
                write = builder.Build();
                owned.Add(write);
                read = write;
            }

            if (!string.IsNullOrWhiteSpace(readConnectionString))
            {
                var readBuilder = Builder(readConnectionString, nameof(readConnectionString));
                read = IsMultiHost(readBuilder)
                    ? readBuilder.BuildMultiHost().WithTargetSession(TargetSessionAttributes.PreferStandby)
                    : readBuilder.Build();
                owned.Add(read);
            }

            return (write, read, owned);
        }
        catch
        {
            owned.ForEach(d => d.Dispose());
            throw;
        }
    }

    private static NpgsqlDataSourceBuilder Builder(string connectionString, string paramName)
    {
        NpgsqlDataSourceBuilder builder;
        try
        {
            builder = new NpgsqlDataSourceBuilder(connectionString);
            _ = builder.ConnectionStringBuilder.Host;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException)
        {
            // The message names the bad keyword or value; the connection string itself is not echoed (it may hold a password).
            throw new ArgumentException($"The PostgreSQL connection string is malformed: {e.Message}", paramName, e);
        }

        if (string.IsNullOrWhiteSpace(builder.ConnectionStringBuilder.Host))
        {
            throw new ArgumentException("The PostgreSQL connection string names no Host.", paramName);
        }

        builder.UseVector();
        return builder;
    }

    private static bool IsMultiHost(NpgsqlDataSourceBuilder builder) => builder.ConnectionStringBuilder.Host!.Contains(',', StringComparison.Ordinal);
}
