#!/usr/bin/env bash
# The whole suite under AddressSanitizer (with LeakSanitizer) and
# UndefinedBehaviorSanitizer, in build-asan/. Installs what
# scripts/build.sh installs. About 11 minutes on 2 cores from scratch
# (4 building, 7 testing).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=build-asan bash scripts/build.sh -DCMAKE_BUILD_TYPE=Debug \
  -DHELIXMATCH_SANITIZE=ON -DHELIXMATCH_BUILD_BENCH=OFF
# nproc honours OMP_NUM_THREADS: count without it.
jobs=$(env -u OMP_NUM_THREADS -u OMP_THREAD_LIMIT nproc)
export OMP_NUM_THREADS=1
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# The browser test checks pages, not memory: it runs in stage 1 only (the
# HTTP API it calls is tested here too, by http_gateway_test).
ctest --test-dir build-asan --output-on-failure -j "$jobs" -LE browser
