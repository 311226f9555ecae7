#!/usr/bin/env bash
# Fits the learned ranker (LambdaMART) on EARLIER years only, for the 2019
# evaluation: training queries from 2015, 2016 and 2017 (each year's over
# the profiles before it), validation queries from 2018 (profiles up to
# 2017) to choose the settings by (depth 2-4, learning rate 0.1 or 0.2, 100
# or 200 rounds), then a refit on all four years with the chosen setting.
# The 2019 queries are never read. About 30 minutes on one core (the
# twelve fits of the grid and the refit).
#
#   scripts/fit-ranking.sh DATA_DIR [--work DIR] [--out FILE] [--identity ID]
#                          [--limit N]
#   scripts/fit-ranking.sh DATA_DIR --weighted-sum [--limit N] [--rounds R]
#
# --work keeps the time-split indexes and the feature dumps in DIR (reused
# when present; default: a temporary folder removed at the end). --out
# defaults to data/ranking/default-model.json, the model built into the
# server. The same data give the same model file, byte for byte.
# --weighted-sum instead fits the weighted sum's weights by coordinate
# ascent (profiles up to 2017, queries from 2018) and prints them as
# eval_cordis flags.
set -euo pipefail
cd "$(dirname "$0")/.."
data_dir=${1:?usage: scripts/fit-ranking.sh DATA_DIR [--work DIR] [--out FILE] [--identity ID] [--limit N] | --weighted-sum}
shift
limit=0
rounds=2
work=""
out=data/ranking/default-model.json
identity=cordis-lambdamart-2015to2018-v4
mode=learned
while [[ $# -gt 0 ]]; do
  case $1 in
    --limit) limit=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --identity) identity=$2; shift 2 ;;
    --weighted-sum) mode=weighted; shift ;;
    *) echo "fit-ranking: unknown option $1" >&2; exit 2 ;;
  esac
done
build_dir=${BUILD_DIR:-build}
for tool in indexer/helixmatch-indexer bench/eval_cordis bench/train_ranker; do
  [[ -x $build_dir/$tool ]] || { echo "fit-ranking: build first ($build_dir/$tool is missing)" >&2; exit 2; }
done
if [[ -z $work ]]; then
  work=$(mktemp -d -t helixmatch-fit-XXXXXX)
  trap 'rm -rf "$work"' EXIT
fi
mkdir -p "$work"
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}

index_until() {  # YEAR -> folder of the index with profiles up to YEAR
  local db=$work/cordis-until-$1
  if [[ ! -d $db/store ]]; then
    rm -rf "$db"
    "$build_dir/indexer/helixmatch-indexer" import-cordis --db "$db" \
      --until-year "$1" "$data_dir" >&2
  fi
  echo "$db"
}
limit_flags=()
[[ $limit -gt 0 ]] && limit_flags=(--limit "$limit")

if [[ $mode == learned ]]; then
  train_years=(2015 2016 2017)
  for year in "${train_years[@]}" 2018; do
    db=$(index_until $((year - 1)))
    echo "fit-ranking: features of the $year queries (profiles up to $((year - 1)))" >&2
    "$build_dir/bench/eval_cordis" "$data_dir" --db "$db" \
      --profiles-until $((year - 1)) --queries-from $year --queries-until $year \
      "${limit_flags[@]}" --dump-features "$work/features-$year.tsv" >&2
  done
  train=()
  for year in "${train_years[@]}"; do train+=("$work/features-$year.tsv"); done
  "$build_dir/bench/train_ranker" --train "${train[@]}" \
    --validation "$work/features-2018.tsv" --depths 2,3,4 --etas 0.1,0.2 \
    --rounds 100,200 --out "$out" --identity "$identity"
  exit 0
fi

# --weighted-sum: coordinate ascent on nDCG@10 of 2018 (profiles up to 2017).
db=$(index_until 2017)
[[ $limit -eq 0 ]] && limit_flags=(--limit 2000)
declare -A w=([dense]=0.5 [lexical]=0.5 [depth]=0.1 [trust]=0.15 [proximity]=0.05
              [capacity]=0.05 [activity]=0.0 [network]=0.0)
score() {
  local flags=()
  for k in "${!w[@]}"; do flags+=("--w-$k" "${w[$k]}"); done
  "$build_dir/bench/eval_cordis" "$data_dir" --db "$db" --profiles-until 2017 \
    --queries-from 2018 --queries-until 2018 "${limit_flags[@]}" "${flags[@]}" "$@" \
    2>/dev/null | tail -n 1 | sed -E 's/.*"ndcg_at_10": ([0-9.]+), "mrr".*"with_ties".*/\1/'
}
best=$(score)
echo "start: nDCG@10 $best" >&2
for ((round = 1; round <= rounds; round++)); do
  for k in lexical depth trust proximity activity network; do
    base=${w[$k]}
    for factor in 0 0.5 2; do
      candidate=$(awk -v b="$base" -v f="$factor" 'BEGIN { v = b * f; if (b == 0) v = 0.05 * f; printf "%.4f", v }')
      w[$k]=$candidate
      s=$(score)
      if awk -v s="$s" -v b="$best" 'BEGIN { exit !(s > b + 0.0005) }'; then
        best=$s
        base=$candidate
        echo "round $round: $k=$candidate -> nDCG@10 $best" >&2
      fi
      w[$k]=$base
    done
  done
done
flags=""
for k in dense lexical depth trust proximity capacity activity network; do flags+="--w-$k ${w[$k]} "; done
echo "best nDCG@10 on 2017->2018: $best"
echo "$flags"
