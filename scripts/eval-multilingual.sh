#!/usr/bin/env bash
# Cross-language matching on the bilingual illustrative set
# (data/eval/multilingual_needs.tsv, written by us): R@10 and nDCG@10 of the
# dense topical fit with the English-only analysis against the multilingual
# one, per language (ru, kk, kk-latn) and direction.
#
#   scripts/eval-multilingual.sh [--distractors N]
#
# --distractors N adds the titles of the first N CORDIS H2020 projects
# (from ${CORDIS_DIR:-../shared/data/cordis-h2020}/projects.csv) as English
# capability texts that no query should match: a harder ranking.
# Needs a build (scripts/build.sh) and the word vectors with the lexicon
# beside them (scripts/fetch-word-vectors.sh). The last line is JSON.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${BUILD_DIR:-build}
distractors=0
while [[ $# -gt 0 ]]; do
  case $1 in
    --distractors) distractors=$2; shift 2 ;;
    *) echo "eval-multilingual: unknown option $1" >&2; exit 2 ;;
  esac
done
[[ -x $build_dir/bench/eval_multilingual ]] \
  || { echo "eval-multilingual: build first (scripts/build.sh)" >&2; exit 2; }
vectors=$(bash scripts/fetch-word-vectors.sh | tail -n 1)
extra=()
if ((distractors > 0)); then
  projects=${CORDIS_DIR:-../shared/data/cordis-h2020}/projects.csv
  [[ -r $projects ]] || { echo "eval-multilingual: $projects is missing" >&2; exit 2; }
  titles=$(mktemp -t helixmatch-titles-XXXXXX)
  trap 'rm -f "$titles"' EXIT
  python3 - "$projects" "$distractors" >"$titles" <<'PY'
import csv, sys
n = int(sys.argv[2])
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    for row in csv.DictReader(f):
        if n == 0:
            break
        if row.get("title"):
            print(row["title"].replace("\n", " "))
            n -= 1
PY
  extra=(--distractors "$titles")
fi
"$build_dir/bench/eval_multilingual" --word-vectors "$vectors" "${extra[@]}"
