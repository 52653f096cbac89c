#!/usr/bin/env bash
# Runs the pgvector benchmarks (100,000 chunks × 384 dimensions) against a throwaway PostgreSQL 15 + pgvector
# cluster started the same way the tests start theirs (scripts/pg.sh), and deletes it afterwards.
#
#   bash benchmarks/run-pg.sh                    # search, then ingestion
#   bash benchmarks/run-pg.sh search|ingest      # one of them
#
# Results: BenchmarkDotNet.Artifacts/ under the current directory (or --artifacts DIR via BENCH_ARGS).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

# shellcheck source=scripts/pg.sh
source scripts/pg.sh
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

pg_start_for_script

what="${1:-all}"
# shellcheck disable=SC2206
extra=(${BENCH_ARGS:-})
dotnet build -c Release benchmarks/HybridAnswer.Benchmarks >/dev/null
run() { dotnet run -c Release --no-build --project benchmarks/HybridAnswer.Benchmarks -- "$@" "${extra[@]}"; }

if [[ $what == all || $what == search ]]; then
  # Queries: milliseconds each, so ordinary iterations; the table is loaded once and reused by each benchmark process.
  run --filter '*PgVectorSearchBenchmarks*' --job short --iterationCount 15
fi
if [[ $what == all || $what == ingest ]]; then
  # A bulk load of 100,000 chunks takes tens of seconds: one invocation per iteration, no warm-up, three iterations.
  run --filter '*PgVectorIngestBenchmarks*' --strategy Monitoring --warmupCount 0 --iterationCount 3 --invocationCount 1 --unrollFactor 1
fi
