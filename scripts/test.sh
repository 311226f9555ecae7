#!/usr/bin/env bash
# One command from a fresh Debian 12 machine to the whole test suite:
# installs everything, builds, runs every test with ctest (build/); then
# the same suite under AddressSanitizer, LeakSanitizer and
# UndefinedBehaviorSanitizer (scripts/test-sanitize.sh, build-asan/) and
# the concurrency tests under ThreadSanitizer (scripts/test-tsan.sh,
# build-tsan/). Stops at the first failing stage.
#
# HELIXMATCH_QUICK=1 runs the first stage only (local quick runs).
set -euo pipefail
cd "$(dirname "$0")/.."

start=$SECONDS
stage() { echo "test.sh: $1 ($((SECONDS - start)) s so far)"; }

bash scripts/build.sh
build_dir=${BUILD_DIR:-build}
# Parallelise across test processes, not inside FAISS. (nproc honours
# OMP_NUM_THREADS, so count without it; and set it for ctest only, or the
# sanitizer builds below would compile on one core.)
jobs=$(env -u OMP_NUM_THREADS -u OMP_THREAD_LIMIT nproc)
OMP_NUM_THREADS=1 ctest --test-dir "$build_dir" --output-on-failure \
  -j "$jobs"
stage "suite green"
if [[ "${HELIXMATCH_QUICK:-0}" == 1 ]]; then
  echo "test.sh: HELIXMATCH_QUICK=1, sanitizer stages skipped"
  exit 0
fi

bash scripts/test-sanitize.sh
stage "ASan+UBSan suite green"
bash scripts/test-tsan.sh
stage "TSan concurrency tests green; all stages green"
