using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Filters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using HybridAnswer.Benchmarks;

// Usage (always Release):
//   dotnet run -c Release --project benchmarks/HybridAnswer.Benchmarks -- [BenchmarkDotNet arguments]
//   e.g. --filter '*ExactSearch*' --job short
//   --short: the CI smoke run — every benchmark once, in process, on tiny inputs (see BenchmarkMode).
// Without --filter every benchmark runs (no interactive menu), so scripts never hang on a prompt.
var arguments = args.ToList();
BenchmarkMode.IsShort = arguments.Remove("--short");
if (!arguments.Any(a => a is "--filter" or "-f" or "--list" or "--help" or "-h" or "--version" || a.StartsWith("--filter=", StringComparison.Ordinal)))
{
    arguments.AddRange(["--filter", "*"]);
}

var config = DefaultConfig.Instance
    .AddColumn(new ThroughputColumn())
    .AddColumn(StatisticColumn.P50, StatisticColumn.P95);
if (!PgVectorFixture.IsAvailable)
{
    // The pgvector benchmarks need a server; benchmarks/run-pg.sh (and scripts/test.sh) start one and set the variable.
    Console.WriteLine($"// {PgVectorFixture.ConnectionVariable} is not set: pgvector benchmarks skipped (run benchmarks/run-pg.sh for them).");
    config = config.AddFilter(new SimpleFilter(b => !b.Descriptor.Type.Name.StartsWith("PgVector", StringComparison.Ordinal)));
}

if (BenchmarkMode.IsShort)
{
    // One untimed + one timed invocation per benchmark, in this process (no per-benchmark build), so the
    // short ParamsSource values apply and the whole suite takes seconds. The numbers mean nothing.
    config = config.AddJob(Job.Dry.WithToolchain(InProcessEmitToolchain.Instance).WithId("short-ci"))
        .WithOptions(ConfigOptions.DisableLogFile);
}

var summaries = BenchmarkSwitcher.FromAssembly(typeof(BenchmarkMode).Assembly).Run([.. arguments], config);

// BenchmarkDotNet reports a failed benchmark in its summary, not in the exit code; CI must fail on it.
var failed = summaries.Where(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)).ToList();
if (!summaries.Any() || failed.Count > 0)
{
    Console.Error.WriteLine(summaries.Any() ? $"Benchmarks failed in: {string.Join(", ", failed.Select(s => s.Title))}" : "No benchmark ran.");
    return 1;
}

return 0;
