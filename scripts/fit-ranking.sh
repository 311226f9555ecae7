#!/usr/bin/env bash
# Fits the ranking weights by coordinate ascent on nDCG@10 over an EARLIER
# time split (profiles up to 2017, queries from 2018), never on the 2019
# queries used for measuring.
#   scripts/fit-ranking.sh DATA_DIR [--limit N] [--rounds R]
# Prints each step and, last, the best weights as eval_cordis flags.
set -euo pipefail
cd "$(dirname "$0")/.."
data_dir=${1:?usage: scripts/fit-ranking.sh DATA_DIR [--limit N] [--rounds R]}
shift
limit=2000
rounds=2
while [[ $# -gt 0 ]]; do
  case $1 in
    --limit) limit=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    *) echo "fit-ranking: unknown option $1" >&2; exit 2 ;;
  esac
done
build_dir=${BUILD_DIR:-build}
db=$(mktemp -d -t helixmatch-fit-XXXXXX)
trap 'rm -rf "$db"' EXIT
"$build_dir/indexer/helixmatch-indexer" import-cordis --db "$db" --until-year 2017 "$data_dir" >&2

# Starting point: the hand-set weights used before the first fit.
declare -A w=([dense]=0.5 [lexical]=0.5 [depth]=0.1 [trust]=0.15 [proximity]=0.05
              [capacity]=0.05 [activity]=0.0 [network]=0.0)
score() {
  local flags=()
  for k in "${!w[@]}"; do flags+=("--w-$k" "${w[$k]}"); done
  "$build_dir/bench/eval_cordis" "$data_dir" --db "$db" --profiles-until 2017 \
    --queries-from 2018 --queries-until 2018 --limit "$limit" "${flags[@]}" "$@" \
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
