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

        if (!Names(connectionString, "noresetonclose"))
        {
            // Npgsql resets a pooled connection before its next statement (a DISCARD ALL-like script, about a tenth of a top-5
            // search at 100,000 chunks: docs/benchmarks.md, issue 26, fifth session). These data sources serve only this store,
            // which leaves no session state behind: every setting is made with set_config(..., true), local to its transaction, and
            // its advisory locks are transaction-scoped (PgVectorPooledConnectionTests). A connection string that sets the keyword
            // keeps its own choice.
            builder.ConnectionStringBuilder.NoResetOnClose = true;
        }

        builder.UseVector();
        return builder;
    }

    /// <summary>Whether the connection string sets <paramref name="keyword"/> (compared without case and spaces, as Npgsql reads keywords).</summary>
    private static bool Names(string connectionString, string keyword)
    {
        var parsed = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        return parsed.Keys.Cast<string>().Any(k => string.Equals(k.Replace(" ", string.Empty, StringComparison.Ordinal), keyword, StringComparison.OrdinalIgnoreCase));
    }

    private static bool IsMultiHost(NpgsqlDataSourceBuilder builder) => builder.ConnectionStringBuilder.Host!.Contains(',', StringComparison.Ordinal);
}
