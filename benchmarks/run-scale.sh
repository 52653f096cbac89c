#!/usr/bin/env bash
# Scale-out measurements for docs/scaling.md against a throwaway primary + streaming standby (scripts/pg.sh), deleted afterwards.
#
#   bash benchmarks/run-scale.sh lag [ingests=200] [sync=1]   (sync=1: synchronous_commit on, as in production)
#   bash benchmarks/run-scale.sh ryw [ingests=100] [sync=1]   (read-your-writes: a search right after an ingest, and one after that)
#   bash benchmarks/run-scale.sh qps [chunks=20000] [dims=384] [seconds=5] [halfvec=1]
#   bash benchmarks/run-scale.sh hnsw [chunks=100000] [dims=384] [halfvec=1]          (halfvec=1: VectorStorage Float16)
#   bash benchmarks/run-scale.sh storage [chunks=100000] [dims=384] [queries=200]     (float32 vs float16 side by side)
#   bash benchmarks/run-scale.sh partitions [tenants=100] [perTenant=2000] [dims=384] [partitions=16]
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

# shellcheck source=scripts/pg.sh
source scripts/pg.sh
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

dotnet build -c Release benchmarks/HybridAnswer.ScaleMeasure >/dev/null
pg_start_for_script
pg_start_standby
dotnet run -c Release --no-build --project benchmarks/HybridAnswer.ScaleMeasure -- "$@"
