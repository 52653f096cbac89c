#!/usr/bin/env bash
# Side by side: HybridAnswer's PgVectorKnowledgeBase and LangChain.js PGVectorStore on one throwaway PostgreSQL 15 + pgvector
# cluster (scripts/pg.sh), the same generated data and queries, alternating. Not run by CI (needs node and npm packages).
#
#   bash benchmarks/peer/run.sh                          # 100,000 chunks x 384 dims, 100 queries per filter
#   bash benchmarks/peer/run.sh chunks=20000 queries=50  # smaller; any argument of the runner (see its Program.cs)
#   PEER_KEEP_DATA=/path bash benchmarks/peer/run.sh reuse=1
#       keeps the cluster's data directory at /path between runs, so the loaded tables are reused (loads not re-measured)
#
# The cluster is stopped (and, without PEER_KEEP_DATA, deleted) however the script ends.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo_root"
# shellcheck source=scripts/pg.sh
source scripts/pg.sh
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

command -v node >/dev/null || { echo "node is required (Node.js 20 or later)" >&2; exit 1; }
(cd benchmarks/peer/node && npm ci --no-audit --no-fund --loglevel=error)

if [[ -n ${PEER_KEEP_DATA:-} && -f ${PEER_KEEP_DATA}/data/PG_VERSION ]]; then
  # A kept cluster from an earlier run: start it again on a free port.
  ensure_pgvector
  PG_TMP="$PEER_KEEP_DATA" PG_DATA="$PEER_KEEP_DATA/data"
  port=$((20000 + RANDOM % 40000))
  _pg_as_owner sed -i -E "/^port = [0-9]+$/d; /^unix_socket_directories/d" "$PG_DATA/postgresql.conf"
  printf "port = %s\nunix_socket_directories = '%s'\n" "$port" "$PG_TMP" | _pg_as_owner tee -a "$PG_DATA/postgresql.conf" >/dev/null
  _pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_TMP/server.log" -w -t 60 start >/dev/null
  trap '_pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null 2>&1 || true' EXIT
  export HYBRIDANSWER_TEST_CONNECTION="Host=127.0.0.1;Port=$port;Username=postgres;Database=$PG_TEST_DATABASE"
else
  pg_start_for_script
  if [[ -n ${PEER_KEEP_DATA:-} ]]; then
    # Keep this cluster: stop it at the end and move it where the next run finds it.
    mkdir -p "$PEER_KEEP_DATA"
    trap '_pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null 2>&1 || true; rm -rf "$PEER_KEEP_DATA"; mv "$PG_TMP" "$PEER_KEEP_DATA"' EXIT
  fi
fi

# Server and extension versions for the record. The cluster keeps PostgreSQL's defaults: the peer's createHnswIndex runs with
# the server's maintenance_work_mem (64 MB), ours sets its own for its build (PgVectorKnowledgeBaseOptions.IndexBuildMemoryMegabytes).
psql_args=(-X -q -h 127.0.0.1 -p "${HYBRIDANSWER_TEST_CONNECTION#*Port=}" -U postgres -d "$PG_TEST_DATABASE")
psql_args[5]="${psql_args[5]%%;*}"
"$PG_BIN/psql" "${psql_args[@]}" -c "SELECT version()" -tA | head -n 1
"$PG_BIN/psql" "${psql_args[@]}" -c "SELECT 'pgvector ' || extversion FROM pg_extension WHERE extname = 'vector'" -tA

dotnet build -c Release benchmarks/peer/HybridAnswer.PeerBenchmark >/dev/null
PEER_SCRIPT="$repo_root/benchmarks/peer/node/peer.mjs" \
  dotnet run -c Release --no-build --project benchmarks/peer/HybridAnswer.PeerBenchmark -- "$@"
