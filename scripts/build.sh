#!/usr/bin/env bash
# Installs what helixmatch needs and builds it:
#   Debian packages (scripts/install-deps.sh), the GloVe word vectors
#   (scripts/fetch-word-vectors.sh, cached outside the checkout), then a
#   CMake build in build/ (BUILD_DIR to change; extra CMake arguments are
#   passed through, e.g. -DHELIXMATCH_SANITIZE=ON).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
bash scripts/fetch-word-vectors.sh >/dev/null

build_dir=${BUILD_DIR:-build}
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DHELIXMATCH_BUILD_TESTS=ON "$@"
cmake --build "$build_dir" -j "$(nproc)"
