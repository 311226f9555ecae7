#!/usr/bin/env bash
# The whole suite under AddressSanitizer (with LeakSanitizer) and
# UndefinedBehaviorSanitizer, in build-asan/. Takes about 10 minutes on
# 2 cores. Installs what scripts/build.sh installs.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=build-asan bash scripts/build.sh -DCMAKE_BUILD_TYPE=Debug \
  -DHELIXMATCH_SANITIZE=ON -DHELIXMATCH_BUILD_BENCH=OFF
export OMP_NUM_THREADS=1
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --test-dir build-asan --output-on-failure -j "$(nproc)"
