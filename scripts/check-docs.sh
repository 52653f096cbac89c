#!/usr/bin/env bash
# Runs the shell commands of the guides as a reader types them, from the clone's root, offline, each block bounded in time:
# every ```sh block of README.md, docs/getting-started.md and docs/decision-framework.md (or of the files named).
# `hybrid-answer` is the CLI built from this clone (what `dotnet tool install` would put on the PATH). A command continued
# over lines with `\` is one line here. Called by scripts/test.sh (skip it with HYBRIDANSWER_SKIP_DOCS=1).
#
#   bash scripts/check-docs.sh [FILE.md ...]
#
# What cannot run here is not run here, and the list below says what runs it instead:
#   - blocks that create an app (dotnet new ...), clone from GitHub or pack a feed: tests/HybridAnswer.Package.Tests packs every
#     package into a local feed and builds host apps against it (HostApp, PgVectorHostApp, TracedHostApp);
#   - `dotnet tool install`: HybridAnswerToolPackageTests installs the tool from that feed and asks it;
#   - `bash scripts/test.sh` is CI's own command;
#   - a line that calls a hosted model or fine-tuning service (--endpoint https://...), and the costs line that reads its
#     output; the OpenAI-stub tests (tests/HybridAnswer.Tests/OpenAiStub: ask, compare, finetune submit/status/cancel) run
#     those commands against a local OpenAI-compatible server instead.
# The local PostgreSQL block runs on a free port instead of the 5433 the guide names (CI machines are shared).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

block_timeout="${HYBRIDANSWER_DOCS_BLOCK_TIMEOUT:-600}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export HYBRIDANSWER_CACHE_DIR="$work/cache"

echo "== docs: building the CLI =="
dotnet build src/HybridAnswer.Cli -c Debug -v:q -clp:NoSummary -o "$work/cli" >/dev/null
cli_dll="$work/cli/hybrid-answer.dll"

free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
}

skip_block='(^|[[:space:]])(git clone|dotnet new|bash scripts/test\.sh)'
skip_line='dotnet tool install|--endpoint https://|--measured answers\.jsonl'

ran=0
skipped=0
failed=0
docs=("$@")
[[ ${#docs[@]} -gt 0 ]] || docs=(README.md docs/getting-started.md docs/decision-framework.md)
for doc in "${docs[@]}"; do
  # Each ```sh block into its own file: block-N.sh.
  rm -f "$work"/block-*.sh
  awk -v dir="$work" '
    /^```sh[[:space:]]*$/ { n++; inside = 1; next }
    /^```/ && inside { inside = 0; next }
    inside {
      line = line $0
      if (line ~ /\\$/) { sub(/\\$/, "", line); next }
      print line > (dir "/block-" n ".sh"); line = ""
    }
  ' "$doc"
  for block in $(ls "$work"/block-*.sh 2>/dev/null | sort -V); do
    name="$doc#$(basename "$block" .sh)"
    if grep -Eq "$skip_block" "$block"; then
      echo "== docs: $name: not run here (see the header of scripts/check-docs.sh)"
      skipped=$((skipped + 1))
      continue
    fi

    # grep finds nothing in a block whose every line runs elsewhere (or is a comment): such a block is skipped as a whole.
    body="$(grep -Ev "$skip_line" "$block" || true)"
    if ! grep -Eqv '^[[:space:]]*(#|$)' <<< "$body"; then
      echo "== docs: $name: not run here (see the header of scripts/check-docs.sh)"
      skipped=$((skipped + 1))
      continue
    fi

    port="$(free_port)"
    {
      echo 'set -euo pipefail'
      echo "hybrid-answer() { dotnet \"$cli_dll\" \"\$@\"; }"
      sed "s/--port 5433/--port $port/g" <<< "$body"
    } > "$block.run"
    echo "== docs: $name =="
    sed 's/^/   $ /' "$block.run" | tail -n +3
    if timeout "$block_timeout" bash "$block.run" > "$block.out" 2>&1; then
      ran=$((ran + 1))
    else
      status=$?
      echo "error: $name failed (exit $status):" >&2
      sed 's/^/   | /' "$block.out" >&2
      failed=$((failed + 1))
      # Leave no local PostgreSQL behind when its block failed half-way.
      bash scripts/local-pg.sh stop --port "$port" --delete >/dev/null 2>&1 || true
    fi
  done
done

echo "docs: $ran blocks ran, $skipped not run here, $failed failed"
[[ "$failed" -eq 0 && "$ran" -gt 0 ]]
