#!/usr/bin/env bash
# THE test command: builds the solution and runs every test project against a
# throwaway PostgreSQL 15 + pgvector cluster and a streaming standby of it.
#
#   bash scripts/test.sh [extra dotnet test arguments]
#   e.g. bash scripts/test.sh --filter "FullyQualifiedName~PgVector"
#   bash scripts/test.sh --unit [extra dotnet test arguments]
#
# --unit runs only the fast tests (tests/HybridAnswer.Tests, with the in-memory store's run of the
# store conformance suites, and the list store written against the public seam alone: no PostgreSQL,
# no packing, no benchmarks) for the edit-test loop; CI runs the full default.
#
# After the tests, every benchmark runs once on tiny inputs (benchmarks --short, well
# under a minute) so the benchmarks keep compiling and working; the numbers are not
# measurements. HYBRIDANSWER_SKIP_BENCHMARKS=1 skips that step. Then the guides' shell commands run as written
# (scripts/check-docs.sh); HYBRIDANSWER_SKIP_DOCS=1 skips them.
#
# Needs the .NET SDK and the PostgreSQL 15 server binaries; installs pgvector on
# first use (root + Debian apt). The cluster and its data are deleted on exit.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

# shellcheck source=scripts/pg.sh
source scripts/pg.sh

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

unit=0
if [[ "${1:-}" == "--unit" ]]; then
  unit=1
  shift
fi

if [[ "$unit" -eq 1 ]]; then
  # The projects that need neither PostgreSQL nor a packed feed.
  test_targets=(tests/HybridAnswer.Tests/HybridAnswer.Tests.csproj tests/HybridAnswer.StoreConformance.SampleStore.Tests/HybridAnswer.StoreConformance.SampleStore.Tests.csproj)
else
  pg_start_for_script
  # A streaming standby of that cluster for the replica tests; pg_stop (on exit) removes it too.
  pg_start_standby
  test_targets=(HybridAnswer.sln)
fi

status=0
log="$(mktemp)"
for target in "${test_targets[@]}"; do
  # Every test is bounded in time (the content fuzzer, the fault probes and the outage tests included): a test that hangs
  # longer than HYBRIDANSWER_TEST_HANG_TIMEOUT (20 min; the slowest, the package tests' feed fixture, takes a few) is killed
  # and fails the run instead of holding CI until its own limit.
  dotnet test "$target" --logger "console;verbosity=normal" \
    --blame-hang-timeout "${HYBRIDANSWER_TEST_HANG_TIMEOUT:-20m}" --blame-hang-dump-type none "$@" 2>&1 | tee -a "$log" || status=$?
done

# One closing line over all test assemblies, in the plain 'N passed, N failed' form CI reads.
passed=$( (grep -E '^\s+Passed: [0-9]+' "$log" || true) | awk '{s+=$2} END {print s+0}')
failed=$( (grep -E '^\s+Failed: [0-9]+' "$log" || true) | awk '{s+=$2} END {print s+0}')
rm -f "$log"
echo "tests: ${passed} passed, ${failed} failed"
if [[ "$status" -eq 0 && "$passed" -eq 0 ]]; then
  echo "error: no test ran" >&2
  status=1
fi

# The commands of README.md and docs/getting-started.md, run as written (scripts/check-docs.sh says what runs elsewhere).
if [[ "$unit" -eq 0 && "${HYBRIDANSWER_SKIP_DOCS:-0}" != "1" ]]; then
  echo "== docs (the guides' commands) =="
  bash scripts/check-docs.sh || status=$?
fi

if [[ "$unit" -eq 0 && "${HYBRIDANSWER_SKIP_BENCHMARKS:-0}" != "1" ]]; then
  echo "== benchmarks (short smoke run) =="
  bench_started=$SECONDS
  dotnet run -c Release --project benchmarks/HybridAnswer.Benchmarks -- --short \
    --artifacts "${TMPDIR:-/tmp}/hybridanswer-benchmarks-short" || status=$?
  echo "== benchmarks (short smoke run) took $((SECONDS - bench_started)) s =="
fi

# Repeat the summary as the very last line: that is the line CI reads.
echo "tests: ${passed} passed, ${failed} failed"
exit "$status"
