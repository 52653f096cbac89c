#!/usr/bin/env bash
# Regenerates PublicAPI.Unshipped.txt of each packaged library (src/HybridAnswer, then src/HybridAnswer.PgVector and
# src/HybridAnswer.Embeddings.MiniLM, which build on it) from the code: every public symbol that is not in that project's PublicAPI.Shipped.txt (the API of the last release). The build fails (RS0016/RS0017) whenever the public API and
# these files disagree; after changing the API on purpose, run this and review the diff of the Unshipped file - it IS
# the API change.
#
#   bash scripts/update-public-api.sh
#
# In an IDE the analyzer's "Add to public API" code fix does the same; on the command line there is no code fix, so
# this builds once with the Unshipped file emptied and writes the line each RS0016 diagnostic quotes, sorted
# ordinally, as the code fix would. A symbol removed since the last release (still in the Shipped file) is not
# touched: the check at the end fails with RS0017, and if the removal is intended, add "*REMOVED*<its Shipped line>"
# to the Unshipped file.
#
# Releasing: move the Unshipped lines (not the '#nullable enable' header) into PublicAPI.Shipped.txt, sort it
# (LC_ALL=C sort), and leave the Unshipped file with just the header.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

header='#nullable enable'
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

for project in src/HybridAnswer/HybridAnswer.csproj src/HybridAnswer.PgVector/HybridAnswer.PgVector.csproj src/HybridAnswer.Embeddings.MiniLM/HybridAnswer.Embeddings.MiniLM.csproj src/HybridAnswer.Agents/HybridAnswer.Agents.csproj src/HybridAnswer.DecisionFramework/HybridAnswer.DecisionFramework.csproj src/HybridAnswer.VectorData/HybridAnswer.VectorData.csproj; do
  dir="$(dirname "$project")"
  shipped="$dir/PublicAPI.Shipped.txt"
  unshipped="$dir/PublicAPI.Unshipped.txt"
  [[ -f "$shipped" ]] || printf '%s\n' "$header" > "$shipped"
  # Start from an empty Unshipped file so symbols added and removed again since the last release drop out.
  printf '%s\n' "$header" > "$unshipped"

  # --no-incremental: an up-to-date build skips the compiler, and with it the analyzer's diagnostics.
  if ! dotnet build "$project" --no-incremental -p:TreatWarningsAsErrors=false -v:q -clp:NoSummary >"$log" 2>&1; then
    cat "$log" >&2
    echo "error: $project does not build; fix that first." >&2
    exit 1
  fi

  # Only this project's diagnostics (each line ends with the project that reported it).
  entries="$(grep -F "[$repo_root/$project]" "$log" | sed -n "s/.*warning RS0016: Symbol '\(.*\)' is not part of the declared public API.*/\1/p" | LC_ALL=C sort -u)"
  {
    printf '%s\n' "$header"
    [[ -z "$entries" ]] || printf '%s\n' "$entries"
  } > "$unshipped"
  echo "$unshipped: $(printf '%s' "$entries" | grep -c . || true) entries"

  # The check: with the files written, the library must build with warnings as errors.
  if ! dotnet build "$project" --no-incremental -v:q -clp:NoSummary >"$log" 2>&1; then
    grep -E 'error RS00[0-9]+' "$log" | sort -u >&2 || cat "$log" >&2
    echo "error: the public API files of $project still disagree with the code (see above)." >&2
    exit 1
  fi
done
echo "public API files match the code."
