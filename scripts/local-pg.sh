#!/usr/bin/env bash
# A local PostgreSQL + pgvector to try the hybrid-answer CLI against, on a port you choose.
#
#   bash scripts/local-pg.sh start [--port N]           create (first time) and start; prints the connection string
#   bash scripts/local-pg.sh stop  [--port N] [--delete] stop it; --delete also removes its data
#   bash scripts/local-pg.sh status [--port N]          say whether it runs, and its connection string
#
# The port defaults to 5433 (not 5432, so it cannot collide with a system cluster). One cluster per port, its data in
# ${HYBRIDANSWER_LOCAL_PG_DIR:-${TMPDIR:-/tmp}/hybridanswer-local-pg}/<port>; it listens on 127.0.0.1 only and trusts
# local connections (a sandbox, not a server). Database 'hybridanswer' with the vector extension created.
#
# Needs the PostgreSQL server binaries (Debian/Ubuntu: apt-get install postgresql; PG_MAJOR picks the version, default:
# the newest under /usr/lib/postgresql) and pgvector for that version (apt-get install postgresql-N-pgvector from the
# PostgreSQL apt repository; on Debian bookworm as root this script builds it from the Debian source package, as
# scripts/test.sh does). The connection string goes to stdout, everything else to stderr:
#
#   export HYBRIDANSWER_CONNECTION="$(bash scripts/local-pg.sh start --port 5433)"
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

if [[ -z ${PG_MAJOR:-} ]]; then
  PG_MAJOR="$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort -n | tail -n 1 || true)"
  PG_MAJOR="${PG_MAJOR:-15}"
fi
export PG_MAJOR

# shellcheck source=scripts/pg.sh
source "$repo_root/scripts/pg.sh"

database=hybridanswer
usage() {
  sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

command="${1:-}"
[[ -n $command ]] || usage
shift
port=5433
delete=0
while (($#)); do
  case "$1" in
    --port)
      [[ ${2:-} =~ ^[0-9]+$ ]] && ((${2} >= 1024 && ${2} <= 65535)) || { _pg_log "--port needs a number from 1024 to 65535 (was '${2:-}')"; exit 2; }
      port="$2"
      shift 2
      ;;
    --delete) delete=1; shift ;;
    -h | --help) usage ;;
    *) _pg_log "unknown argument '$1'"; usage ;;
  esac
done

root="${HYBRIDANSWER_LOCAL_PG_DIR:-${TMPDIR:-/tmp}/hybridanswer-local-pg}"
dir="$root/$port"
data="$dir/data"
connection="Host=127.0.0.1;Port=$port;Username=postgres;Database=$database"
running() { [[ -f "$data/postmaster.pid" ]] && _pg_as_owner "$PG_BIN/pg_ctl" -D "$data" status >/dev/null 2>&1; }

case "$command" in
  start)
    if [[ ! -x "$PG_BIN/initdb" ]]; then
      _pg_log "no PostgreSQL $PG_MAJOR server binaries in $PG_BIN: install the server (e.g. apt-get install postgresql-$PG_MAJOR) or set PG_MAJOR / PG_BIN"
      exit 1
    fi
    ensure_pgvector
    if running; then
      _pg_log "already running on 127.0.0.1:$port (data $data)"
      printf '%s\n' "$connection"
      exit 0
    fi
    mkdir -p "$dir"
    [[ $EUID -ne 0 ]] || chown postgres: "$dir"
    if [[ ! -f "$data/PG_VERSION" ]]; then
      _pg_quiet _pg_as_owner "$PG_BIN/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C.UTF-8
      printf '%s\n' '' '# --- scripts/local-pg.sh ---' "listen_addresses = '127.0.0.1'" "port = $port" \
        "unix_socket_directories = '$dir'" | _pg_as_owner tee -a "$data/postgresql.conf" >/dev/null
    fi
    if ! _pg_port_is_free "$port"; then
      _pg_log "something else listens on 127.0.0.1:$port; choose another with --port N"
      exit 1
    fi
    if ! _pg_as_owner "$PG_BIN/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 start >/dev/null; then
      _pg_log "PostgreSQL did not start; its log:"
      tail -n 40 "$dir/server.log" >&2 || true
      exit 1
    fi
    psql=("$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres)
    if [[ "$("${psql[@]}" -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$database'")" != 1 ]]; then
      _pg_quiet "${psql[@]}" -d postgres -c "CREATE DATABASE $database"
    fi
    _pg_quiet "${psql[@]}" -d "$database" -c "CREATE EXTENSION IF NOT EXISTS vector"
    _pg_log "PostgreSQL $PG_MAJOR + pgvector on 127.0.0.1:$port (data $data); stop it with: bash scripts/local-pg.sh stop --port $port"
    printf '%s\n' "$connection"
    ;;
  stop)
    if running; then
      _pg_as_owner "$PG_BIN/pg_ctl" -D "$data" -m fast -w stop >/dev/null
      _pg_log "stopped the cluster on port $port"
    else
      _pg_log "no cluster running on port $port"
    fi
    # Only ever delete a directory this script created.
    if ((delete)) && [[ -d $dir && -f "$data/PG_VERSION" && $dir == */hybridanswer-local-pg/* ]]; then
      rm -rf "$dir"
      _pg_log "deleted $dir"
    elif ((delete)); then
      _pg_log "left $dir in place: it is not a directory this script created under .../hybridanswer-local-pg/"
    fi
    ;;
  status)
    if running; then
      _pg_log "running on 127.0.0.1:$port (data $data)"
      printf '%s\n' "$connection"
    else
      _pg_log "not running on port $port"
      exit 1
    fi
    ;;
  *) usage ;;
esac
