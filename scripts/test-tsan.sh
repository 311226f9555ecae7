#!/usr/bin/env bash
# The tests where threads meet, under ThreadSanitizer, in build-tsan/:
# tests/services/concurrency_test.cc (readers against group-committed
# writers), the engine's concurrent-query test, and the engine-level
# durability and backup suites (concurrent writers, a backup taken while
# writes run, a writer process killed mid-write), and the HNSW graph
# built on several threads (tests/indexer/hnsw_graph_test.cc). Only our
# code is instrumented; FAISS, OpenMP, RocksDB, gRPC and protobuf are
# Debian's builds, so tests/tsan.supp silences reports that lie inside those
# libraries (see the file; it also says why tests that start a gRPC
# server are not part of this run). Installs what scripts/build.sh
# installs; about 5 minutes on 2 cores from scratch, all but 15 s of it
# building.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
bash scripts/fetch-word-vectors.sh >/dev/null
flags="-fsanitize=thread -fno-omit-frame-pointer"
cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DHELIXMATCH_BUILD_TESTS=ON -DHELIXMATCH_BUILD_BENCH=OFF \
  -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" \
  -DCMAKE_EXE_LINKER_FLAGS=-fsanitize=thread
cmake --build build-tsan -j "$(nproc)" --target services_engine_concurrency_test \
  services_engine_acknowledged_deletes_test integration_durability_test \
  integration_backup_test indexer_hnsw_graph_test

# nproc honours OMP_NUM_THREADS: count without it.
jobs=$(env -u OMP_NUM_THREADS -u OMP_THREAD_LIMIT nproc)
export OMP_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE
export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$PWD/tests/tsan.supp"
ctest --test-dir build-tsan --output-on-failure -j "$jobs" \
  -R 'ConcurrencyTest\.|Concurrent|DurabilityTest\.|BackupTest\.|HnswGraphBuildTest\.' -E NOT_BUILT
