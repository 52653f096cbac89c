# shellcheck shell=bash
# PostgreSQL + pgvector helpers shared by scripts/test.sh and the benchmarks.
#
# Source this file, then:
#   ensure_pgvector   install the pgvector extension for PostgreSQL $PG_MAJOR if missing
#   pg_start          start a throwaway cluster and export HYBRIDANSWER_TEST_* variables
#   pg_stop           stop that cluster (and its standby) and delete its directory (safe to call twice)
#   pg_start_standby  add a streaming standby of that cluster on a second loopback port (pg_basebackup -R)
#
# Target machine: Debian bookworm with the PostgreSQL 15 server binaries, usually
# running as root. Nothing here touches the system cluster (if any): the throwaway
# cluster lives in its own temp directory on its own loopback port.

PG_MAJOR="${PG_MAJOR:-15}"
# The versioned bin dir, not /usr/bin: on Debian /usr/bin/pg_config and friends are
# wrappers that may point at libpq-dev's pg_config or another major version.
PG_BIN="${PG_BIN:-/usr/lib/postgresql/${PG_MAJOR}/bin}"
# Checked directly because pg_config itself may be missing until
# postgresql-server-dev-$PG_MAJOR is installed.
PG_EXTENSION_DIR="${PG_EXTENSION_DIR:-/usr/share/postgresql/${PG_MAJOR}/extension}"
# pgvector is not packaged for bookworm; trixie carries its Debian source package.
PGVECTOR_SOURCE_SUITE="${PGVECTOR_SOURCE_SUITE:-trixie}"
PG_TEST_DATABASE="${PG_TEST_DATABASE:-hybridanswer_test}"

_pg_log() { printf '[pg] %s\n' "$*" >&2; }

# Runs "$@" quietly; on failure prints the captured output so the cause is visible.
_pg_quiet() {
  local log
  log="$(mktemp)"
  if "$@" >"$log" 2>&1; then
    rm -f "$log"
  else
    local rc=$?
    _pg_log "command failed (exit $rc): $*"
    tail -n 60 "$log" >&2
    rm -f "$log"
    return "$rc"
  fi
}

# PostgreSQL refuses to run as root, so as root the server tools run as the
# 'postgres' account; as any other user they run as that user.
_pg_as_owner() {
  if [[ $EUID -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# The Debian mirror this machine already uses (so a local mirror or proxy keeps
# working), taken from the first non-security entry of the apt sources.
_pg_debian_mirror() {
  local uri
  uri="$(
    {
      grep -hE '^[[:space:]]*URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}'
      grep -hE '^[[:space:]]*deb[[:space:]]' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
        | sed -E 's/\[[^]]*\]//' | awk '{print $2}'
    } | grep -v -- '-security' | grep -E '/debian/?$' | head -n 1
  )" || true
  printf '%s\n' "${uri:-http://deb.debian.org/debian}"
}

ensure_pgvector() {
  if [[ -f "$PG_EXTENSION_DIR/vector.control" ]]; then
    return 0
  fi
  if [[ $EUID -ne 0 ]]; then
    _pg_log "pgvector is not installed in $PG_EXTENSION_DIR and installing it needs root;"
    _pg_log "run scripts/test.sh as root once, or install pgvector for PostgreSQL $PG_MAJOR."
    return 1
  fi

  local started=$SECONDS
  _pg_log "pgvector missing for PostgreSQL $PG_MAJOR; building it from the Debian $PGVECTOR_SOURCE_SUITE source package"

  # Only a deb-src line: binary packages keep coming from bookworm, so nothing
  # can be upgraded to trixie. The file is removed again once the source is
  # fetched so later 'apt-get update' runs do not keep downloading trixie indexes.
  local src_list="/etc/apt/sources.list.d/${PGVECTOR_SOURCE_SUITE}-src.list"
  local mirror
  mirror="$(_pg_debian_mirror)"
  printf 'deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] %s %s main\n' \
    "$mirror" "$PGVECTOR_SOURCE_SUITE" >"$src_list"

  local work
  work="$(mktemp -d "${TMPDIR:-/tmp}/pgvector-build.XXXXXX")"
  # Subshell so the cleanup trap and 'cd' stay local to this function.
  (
    trap 'rm -rf "$work"; rm -f "$src_list"' EXIT
    export DEBIAN_FRONTEND=noninteractive

    # One update covers both the bookworm binaries and the trixie sources.
    _pg_quiet apt-get update -q
    # Only what is missing: naming an installed package to apt-get install would
    # upgrade it as a side effect. (postgresql-server-dev-N pins the exact
    # postgresql-N version, so the server may move to the latest bookworm point
    # release; that keeps headers and server in step.)
    local pkg missing=()
    for pkg in "postgresql-server-dev-${PG_MAJOR}" build-essential dpkg-dev ca-certificates; do
      dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
    done
    if ((${#missing[@]})); then
      _pg_quiet apt-get install -y -q --no-install-recommends "${missing[@]}"
    fi

    cd "$work"
    # --download-only + dpkg-source: no signature check prompt, no build deps.
    _pg_quiet apt-get source -q --download-only pgvector
    _pg_quiet dpkg-source --no-check -x ./*.dsc pgvector-src
    cd pgvector-src

    # -march=native (pgvector's default OPTFLAGS) is fine: the build runs on the
    # machine that uses it. with_llvm=no skips the JIT bitcode: it halves the build
    # time and only matters for JIT inlining of very expensive queries.
    local make_args=(PG_CONFIG="$PG_BIN/pg_config" with_llvm=no)
    _pg_quiet make -j"$(nproc)" "${make_args[@]}"
    _pg_quiet make install "${make_args[@]}"
  )

  if [[ ! -f "$PG_EXTENSION_DIR/vector.control" ]]; then
    _pg_log "pgvector build finished but $PG_EXTENSION_DIR/vector.control is still missing"
    return 1
  fi
  _pg_log "installed pgvector $(sed -nE "s/^default_version *= *'([^']*)'.*/\1/p" "$PG_EXTENSION_DIR/vector.control") in $((SECONDS - started)) s"
}

# Succeeds when nothing accepts connections on 127.0.0.1:$1.
_pg_port_is_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Starts the cluster in DATA (server log LOG) on a random free loopback port and prints the port; retries when another
# process takes the port before the server binds it. NAME is for the error message; AVOID is a port never to use.
_pg_start_on_free_port() {
  local data=$1 log=$2 name=$3 avoid=${4:-} attempt port
  for attempt in 1 2 3 4 5 6 7 8 9 10; do
    port=$((20000 + RANDOM % 40000))
    [[ $port != "$avoid" ]] || continue
    _pg_port_is_free "$port" || continue
    _pg_as_owner sed -i -E '/^port = [0-9]+$/d' "$data/postgresql.conf"
    echo "port = $port" | _pg_as_owner tee -a "$data/postgresql.conf" >/dev/null
    if _pg_as_owner "$PG_BIN/pg_ctl" -D "$data" -l "$log" -w -t 60 start >/dev/null 2>&1; then
      echo "$port"
      return 0
    fi
  done
  _pg_log "could not start $name; server log:"
  tail -n 40 "$log" >&2 || true
  return 1
}

# Starts a throwaway cluster and exports:
#   HYBRIDANSWER_TEST_CONNECTION  Npgsql connection string to database $PG_TEST_DATABASE
#   HYBRIDANSWER_TEST_PGBIN       server bin dir (pg_ctl, psql, ...)
#   HYBRIDANSWER_TEST_PGDATA      data directory, so fault tests can restart the server:
#   HYBRIDANSWER_TEST_PGLOG       server log file
#     runuser -u postgres -- "$HYBRIDANSWER_TEST_PGBIN/pg_ctl" -D "$HYBRIDANSWER_TEST_PGDATA" \
#       -l "$HYBRIDANSWER_TEST_PGLOG" restart -w
pg_start() {
  local started=$SECONDS
  PG_TMP="$(mktemp -d "${TMPDIR:-/tmp}/hybridanswer-pg.XXXXXX")"
  if [[ $EUID -eq 0 ]]; then
    chown postgres: "$PG_TMP"
  fi
  PG_DATA="$PG_TMP/data"

  # --no-sync and fsync=off: the cluster is deleted after the run, durability buys nothing.
  _pg_quiet _pg_as_owner "$PG_BIN/initdb" -D "$PG_DATA" -U postgres -A trust \
    -E UTF8 --locale=C.UTF-8 --no-sync

  # Settings go into postgresql.conf (not pg_ctl -o) so a 'pg_ctl restart' from a
  # fault test keeps them. The port is added per attempt below.
  #   listen only on loopback, socket inside the temp dir (no clash with a system
  #   cluster in /var/run/postgresql); max_connections leaves room for tests with
  #   32-64 concurrent connections plus a few pools.
  _pg_as_owner tee -a "$PG_DATA/postgresql.conf" >/dev/null <<EOF

# --- throwaway test cluster (scripts/pg.sh) ---
listen_addresses = '127.0.0.1'
unix_socket_directories = '$PG_TMP'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
EOF

  local port
  port="$(_pg_start_on_free_port "$PG_DATA" "$PG_TMP/server.log" "PostgreSQL")" || return 1

  local psql=("$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres)
  _pg_quiet "${psql[@]}" -d postgres -c "CREATE DATABASE $PG_TEST_DATABASE"
  # Proves pgvector is loadable before any test runs, so a broken install fails here
  # with a clear message instead of in every test.
  _pg_quiet "${psql[@]}" -d "$PG_TEST_DATABASE" -c "CREATE EXTENSION vector"

  export PG_TMP PG_DATA
  export HYBRIDANSWER_TEST_CONNECTION="Host=127.0.0.1;Port=$port;Username=postgres;Database=$PG_TEST_DATABASE"
  export HYBRIDANSWER_TEST_PGBIN="$PG_BIN"
  export HYBRIDANSWER_TEST_PGDATA="$PG_DATA"
  # Restarts must keep logging here: without -l the server would inherit the
  # caller's stdout and a test reading that pipe would never see it close.
  export HYBRIDANSWER_TEST_PGLOG="$PG_TMP/server.log"
  _pg_log "PostgreSQL $PG_MAJOR on 127.0.0.1:$port (data $PG_DATA) ready in $((SECONDS - started)) s"
}

# Clones the running cluster into a hot standby that streams from it, on its own loopback port, and exports:
#   HYBRIDANSWER_TEST_STANDBY_CONNECTION  connection string of the standby (same database)
#   HYBRIDANSWER_TEST_STANDBY_PGDATA      its data directory (fault tests stop and start it)
#   HYBRIDANSWER_TEST_STANDBY_PGLOG       its server log
# The standby lives inside the primary's temp dir, so pg_stop removes both.
pg_start_standby() {
  local started=$SECONDS
  if [[ -z ${PG_TMP:-} || -z ${HYBRIDANSWER_TEST_CONNECTION:-} ]]; then
    _pg_log "pg_start_standby needs a running cluster (pg_start)"
    return 1
  fi
  local primary_port
  primary_port="$(sed -nE 's/.*Port=([0-9]+).*/\1/p' <<<"$HYBRIDANSWER_TEST_CONNECTION")"
  PG_STANDBY_DATA="$PG_TMP/standby"
  # Set before the clone so pg_stop cleans up whatever a failed start left behind.
  export PG_STANDBY_DATA

  # -R writes primary_conninfo and standby.signal; -X stream copies the WAL written meanwhile;
  # --checkpoint=fast so the clone does not wait for a scheduled checkpoint. -C -S: a physical
  # replication slot, so the primary keeps every WAL segment the standby has not replayed yet.
  # Without it, a test that stops the standby (or the primary) while others write let checkpoints
  # recycle WAL the standby still needed, and it never caught up again ("requested WAL segment …
  # has already been removed"; seen in a full run).
  _pg_quiet _pg_as_owner "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$primary_port" -U postgres \
    -D "$PG_STANDBY_DATA" -R -C -S hybridanswer_standby -X stream --checkpoint=fast --no-sync

  # Reconnect quickly after a primary restart (the default retry interval is 5 s) and report
  # replay progress every second so pg_stat_replication on the primary is current.
  printf '%s\n' '' '# --- throwaway streaming standby (scripts/pg.sh) ---' 'hot_standby = on' \
    "wal_retrieve_retry_interval = '500ms'" "wal_receiver_status_interval = '1s'" \
    | _pg_as_owner tee -a "$PG_STANDBY_DATA/postgresql.conf" >/dev/null

  local port
  port="$(_pg_start_on_free_port "$PG_STANDBY_DATA" "$PG_TMP/standby.log" "the standby" "$primary_port")" || return 1

  # Ready means streaming and caught up with the primary, not only accepting connections.
  local psql=("$PG_BIN/psql" -X -q -At -h 127.0.0.1 -U postgres -d postgres)
  local target i caught_up=""
  target="$("${psql[@]}" -p "$primary_port" -c 'SELECT pg_current_wal_insert_lsn()')"
  for ((i = 0; i < 300; i++)); do
    caught_up="$("${psql[@]}" -p "$port" -c "SELECT pg_is_in_recovery() AND pg_last_wal_replay_lsn() >= '$target'" 2>/dev/null || true)"
    [[ $caught_up == t ]] && break
    sleep 0.1
  done
  if [[ $caught_up != t ]]; then
    _pg_log "the standby on port $port did not catch up with the primary within 30 s; its log:"
    tail -n 40 "$PG_TMP/standby.log" >&2 || true
    return 1
  fi

  export HYBRIDANSWER_TEST_STANDBY_CONNECTION="Host=127.0.0.1;Port=$port;Username=postgres;Database=$PG_TEST_DATABASE"
  export HYBRIDANSWER_TEST_STANDBY_PGDATA="$PG_STANDBY_DATA"
  export HYBRIDANSWER_TEST_STANDBY_PGLOG="$PG_TMP/standby.log"
  _pg_log "streaming standby on 127.0.0.1:$port (data $PG_STANDBY_DATA) ready in $((SECONDS - started)) s"
}

pg_stop() {
  # The standby first, so it does not spend the primary's shutdown retrying its connection.
  if [[ -n ${PG_STANDBY_DATA:-} && -f "$PG_STANDBY_DATA/postmaster.pid" ]]; then
    _pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_STANDBY_DATA" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  unset PG_STANDBY_DATA
  if [[ -n ${PG_DATA:-} && -f "$PG_DATA/postmaster.pid" ]]; then
    # Immediate mode: nothing in a throwaway cluster is worth a clean checkpoint.
    _pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  # Only ever delete the directory pg_start created.
  if [[ -n ${PG_TMP:-} && -d $PG_TMP && $PG_TMP == */hybridanswer-pg.* ]]; then
    rm -rf "$PG_TMP"
  fi
  unset PG_TMP PG_DATA
}

# For scripts that need one cluster for their whole run (tests, benchmarks): installs pgvector
# when missing, starts the cluster, and stops and deletes it however the script ends. INT/TERM
# go through 'exit' so the EXIT trap runs once and the exit code says what happened.
pg_start_for_script() {
  ensure_pgvector
  trap '_pg_exit_trap' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  pg_start
}

_pg_exit_trap() {
  local rc=$?
  pg_stop
  exit "$rc"
}
