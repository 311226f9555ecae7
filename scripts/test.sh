#!/usr/bin/env bash
# One command from a fresh Debian 12 machine to the whole test suite:
# installs everything, builds, runs every test with ctest.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/build.sh
build_dir=${BUILD_DIR:-build}
# Parallelise across test processes, not inside FAISS.
export OMP_NUM_THREADS=1
ctest --test-dir "$build_dir" --output-on-failure -j "$(nproc)"
