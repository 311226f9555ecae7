#!/usr/bin/env bash
# Runs the image scripts/build-image.sh built with the demo data, TLS and
# a tokens file, and checks health and one Recommend over TLS with a
# token (the client of this checkout's build):
#   bash deploy/test-image.sh [BUILD_DIR]     (default: build)
# The container runs with `podman run`; where the OCI runtime cannot
# start containers (this machine: crun refuses its hybrid cgroups and
# rlimits), the same image's file system is mounted and the server runs
# in a chroot as uid 10001 instead, and the script says so.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
client=$build/services/helixmatch
tag=${HELIXMATCH_IMAGE_TAG:-helixmatch:local}
work=$(mktemp -d -t helixmatch-image-XXXXXX)
pid=""
mounted=""
binds=()
# Stops the server first (a bind mount it holds open cannot be unmounted),
# then unmounts, and removes the work folder only when nothing is mounted
# in it any more (rm -rf through a bind mount of /dev would empty the
# host's). Keeps the script's exit status.
cleanup() {
  local status=$?
  if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  podman rm -f helixmatch-image-test >/dev/null 2>&1 || true
  local still_mounted=""
  for ((i = ${#binds[@]} - 1; i >= 0; i--)); do
    umount "${binds[i]}" 2>/dev/null || { echo "test-image: cannot unmount ${binds[i]}" >&2; still_mounted=1; }
  done
  [[ -n $mounted ]] && podman image unmount "$tag" >/dev/null 2>&1
  if [[ -z $still_mounted ]]; then rm -rf "$work"; else echo "test-image: left $work in place" >&2; fi
  exit "$status"
}
trap cleanup EXIT

podman image exists "$tag" || { echo "no image $tag: run scripts/build-image.sh"; exit 1; }
podman image inspect "$tag" --format 'image {{.Id}}: {{.Size}} bytes'

# Secrets as deploy/make-secrets.sh makes them, for 127.0.0.1.
cp deploy/make-secrets.sh "$work/"
HELIXMATCH_CLIENT=$(realpath "$client") bash "$work/make-secrets.sh" 127.0.0.1 >/dev/null
secrets=$work/secrets
chown 10001:10001 "$secrets/tokens" "$secrets/server.key"
mkdir -p "$work/db" && chown 10001:10001 "$work/db"
port=$((20000 + RANDOM % 20000))
args=(--db /var/lib/helixmatch/db --listen "0.0.0.0:$port"
      --word-vectors /var/lib/helixmatch/models/glove-6b-100d.hxwv
      --principals /run/secrets/helixmatch_tokens
      --tls-cert /run/secrets/helixmatch_tls_cert
      --tls-key /run/secrets/helixmatch_tls_key)
import=(helixmatch-indexer import --db /var/lib/helixmatch/db
        --word-vectors /var/lib/helixmatch/models/glove-6b-100d.hxwv
        /usr/share/helixmatch/demo/organizations.jsonl
        /usr/share/helixmatch/demo/capabilities.jsonl
        /usr/share/helixmatch/demo/needs.jsonl
        /usr/share/helixmatch/demo/ties.jsonl)
volumes=(-v "$work/db:/var/lib/helixmatch/db"
         -v "$secrets/tokens:/run/secrets/helixmatch_tokens:ro"
         -v "$secrets/server.pem:/run/secrets/helixmatch_tls_cert:ro"
         -v "$secrets/server.key:/run/secrets/helixmatch_tls_key:ro")

if podman run --rm --network host "$tag" --help >/dev/null 2>&1 ||
   podman run --rm --network host --entrypoint true "$tag" >/dev/null 2>&1; then
  echo "running with podman run"
  podman run --rm "${volumes[@]}" --entrypoint "${import[0]}" "$tag" "${import[@]:1}"
  podman run -d --name helixmatch-image-test --network host "${volumes[@]}" \
    --entrypoint helixmatch-server "$tag" "${args[@]}" >/dev/null
else
  echo "podman run cannot start containers here; running the image's file system in a chroot as uid 10001"
  root=$(podman image mount "$tag")
  mounted=1
  mkdir -p "$work/root"
  # A private copy of the mounted image, so the run cannot change it.
  cp -a "$root/." "$work/root/"
  mkdir -p "$work/root/run/secrets" "$work/root/dev"
  cp -a "$secrets/tokens" "$work/root/run/secrets/helixmatch_tokens"
  cp -a "$secrets/server.pem" "$work/root/run/secrets/helixmatch_tls_cert"
  cp -a "$secrets/server.key" "$work/root/run/secrets/helixmatch_tls_key"
  mount --bind "$work/db" "$work/root/var/lib/helixmatch/db"
  binds+=("$work/root/var/lib/helixmatch/db")
  mount --bind /dev "$work/root/dev"
  binds+=("$work/root/dev")
  chroot --userspec 10001:10001 "$work/root" "${import[@]}"
  chroot --userspec 10001:10001 "$work/root" helixmatch-server "${args[@]}" &
  pid=$!
fi

need=$(head -1 data/demo/needs.jsonl | sed 's/.*"id": *"\([^"]*\)".*/\1/')
ca=(--tls-ca "$secrets/ca.pem" --token-file "$secrets/operator.token")
for _ in $(seq 1 600); do
  "$client" --server "127.0.0.1:$port" "${ca[@]}" health --wait-ms 1000 >/dev/null 2>&1 && break
  sleep 0.2
done
"$client" --server "127.0.0.1:$port" "${ca[@]}" health
# The whole answer first: cut by `head` in a pipe, the client's write
# fails and pipefail ends the script before it could say it passed.
"$client" --server "127.0.0.1:$port" "${ca[@]}" recommend --need "$need" -k 3 \
  > "$work/recommend.txt"
head -20 "$work/recommend.txt"
grep -q '^1\. ' "$work/recommend.txt" || { echo "image test: Recommend returned no suggestion" >&2; exit 1; }
echo "image test passed"
