#!/usr/bin/env bash
# Installs the Debian 12 packages helixmatch builds and runs with (and the
# browser tests: Chromium, its driver and Selenium for Debian's python3).
# Idempotent: packages already present are skipped by apt. Needs root (or sudo).
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git ca-certificates curl
  protobuf-compiler libprotobuf-dev libgrpc++-dev libgrpc-dev protobuf-compiler-grpc
  libfaiss-dev libopenblas-openmp-dev
  librocksdb-dev
  libssl-dev
  libabsl-dev libspdlog-dev libfmt-dev libcli11-dev libyaml-cpp-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libcpp-httplib-dev prometheus-cpp-dev openssl
  libxgboost-dev  # the learned ranker (XGBoost 1.7 C API)
  chromium chromium-driver python3-selenium
  nodejs npm
  nghttp2-client  # h2load: independent check of the serving benchmark
  python3-yaml  # tests/deploy: the Kubernetes manifests test
  # Russian and Kazakh text: ICU normalization and case folding, hunspell
  # lemmas, and Mueller's dictionary for the Russian-English bridge
  # (scripts/fetch-language-data.sh derives it).
  libicu-dev libhunspell-dev hunspell-ru hunspell-kk mueller7-dict python3
)

# HELIXMATCH_DEPS_NO_BROWSER=1 (the image's build stage): without the
# browser-test packages, which nothing in an image runs.
if [[ ${HELIXMATCH_DEPS_NO_BROWSER:-0} == 1 ]]; then
  packages=("${packages[@]/chromium-driver}")
  packages=("${packages[@]/chromium}")
  packages=("${packages[@]/python3-selenium}")
  read -r -a packages <<<"${packages[*]}"
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
# The machine image may ship Node.js and npm outside Debian's packages; keep those.
if command -v npm >/dev/null 2>&1; then
  missing=("${missing[@]/nodejs}"); missing=("${missing[@]/npm}")
fi
read -r -a missing <<<"${missing[*]}"

if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  sudo_cmd=()
  [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -q
  "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  echo "install-deps: all packages present"
fi
