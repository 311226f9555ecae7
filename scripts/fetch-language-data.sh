#!/usr/bin/env bash
# Writes the cross-lingual lexicon beside the word vectors (see
# indexer/cross_lingual_lexicon.h):
#   ru-en-bridge.tsv    derived from Debian's mueller7-dict (GPL-2+, so derived
#                       here at install time, never committed) by
#                       scripts/derive-ru-en-bridge.py
#   kk-ru-glossary.tsv  our own glossary, copied from data/lang/
# Usage: fetch-language-data.sh [CACHE_DIR]
#   (default ${HELIXMATCH_CACHE_DIR:-$HOME/.cache/helixmatch}).
# Needs mueller7-dict, hunspell-ru, hunspell-kk and python3
# (scripts/install-deps.sh). Redone when the dictionary or the scripts change.
set -euo pipefail

log() { printf 'fetch-language-data: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source_dir=$(dirname "$script_dir")
cache_dir="${1:-${HELIXMATCH_CACHE_DIR:-$HOME/.cache/helixmatch}}"
dict=/usr/share/dictd/mueller7.dict.dz
deriver="$script_dir/derive-ru-en-bridge.py"
glossary="$source_dir/data/lang/kk-ru-glossary.tsv"

[[ -f $dict ]] || die "$dict not found; install mueller7-dict (scripts/install-deps.sh)"
command -v python3 >/dev/null 2>&1 || die "python3 not found"
mkdir -p "$cache_dir"

bridge="$cache_dir/ru-en-bridge.tsv"
stamp="$bridge.source"
want="$(sha256sum "$dict" "$deriver" | cut -d' ' -f1 | tr '\n' ' ')"
if [[ -f $bridge && -f $stamp && $(<"$stamp") == "$want" ]]; then
  log "cached $bridge is current"
else
  log "deriving $bridge from $dict"
  python3 "$deriver" "$dict" "$bridge"
  printf '%s' "$want" >"$stamp"
fi

if ! cmp -s "$glossary" "$cache_dir/kk-ru-glossary.tsv"; then
  cp -f -- "$glossary" "$cache_dir/kk-ru-glossary.tsv.tmp"
  mv -f -- "$cache_dir/kk-ru-glossary.tsv.tmp" "$cache_dir/kk-ru-glossary.tsv"
  log "copied $glossary"
fi
