#!/usr/bin/env bash
# Crash-recovery test, long version: SIGKILLs a real helixmatch-server under
# concurrent write load N times, restarts it on the same data folder and
# checks that every acknowledged write is present and searchable and every
# acknowledged delete is gone (tests/crash/crash_harness.cc).
#
#   scripts/crash-test.sh [--kills N] [other helixmatch-crash-harness flags]
#
# --kills defaults to 50. Builds what is missing or stale first (the whole
# of scripts/build.sh when build/ is not configured yet; BUILD_DIR to use
# another folder). The server gets the GloVe vectors that
# scripts/fetch-word-vectors.sh caches when they are there (so restart
# times are real), else the harness's small synthetic vectors.
#
# Progress goes to stderr. The last stdout line is
#   kills=N acked_writes=N lost_writes=N acked_deletes=N resurrected=N
# after a line with recovery times (restart to SERVING) and writes/s.
# Exit status is the harness's: 0 when nothing was lost or resurrected.
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=${BUILD_DIR:-build}
if [[ -f $build_dir/build.ninja ]]; then
  cmake --build "$build_dir" --target helixmatch-crash-harness >&2
else
  bash scripts/build.sh >&2
fi

args=("$@")
has_flag() {
  local flag
  for flag in "${args[@]}"; do
    [[ $flag == "$1" || $flag == "$1="* ]] && return 0
  done
  return 1
}
has_flag --kills || args+=(--kills 50)
if ! has_flag --word-vectors; then
  vectors=${HELIXMATCH_WORD_VECTORS:-${HELIXMATCH_CACHE_DIR:-$HOME/.cache/helixmatch}/glove-6b-100d.hxwv}
  if [[ -f $vectors ]]; then
    args+=(--word-vectors "$vectors")
  else
    printf 'crash-test: no GloVe file at %s; using synthetic vectors\n' "$vectors" >&2
  fi
fi
has_flag --server || args+=(--server "$build_dir/services/helixmatch-server")

exec "$build_dir/tests/helixmatch-crash-harness" "${args[@]}"
