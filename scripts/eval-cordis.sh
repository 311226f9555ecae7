#!/usr/bin/env bash
# Ranking quality on real partnerships (CORDIS Horizon 2020), through the
# product's own importer, index and Recommend path.
#
#   scripts/eval-cordis.sh DATA_DIR [--profiles-until 2018] [--queries-from 2019]
#                          [--queries-until 2019] [--table] [--limit N]
#                          [--ranking-model default|none|FILE]
#
# DATA_DIR holds organizations.csv, participations.csv and projects.csv in the
# format of ../shared/data/cordis-h2020. Builds the time-split index
# (helixmatch-indexer import-cordis --until-year), runs bench/eval_cordis with
# the product's default ranking (the learned ranker built into the server,
# data/ranking/default-model.json; --ranking-model none for the weighted
# sum, or a model file), prints R@10, nDCG@10, MRR and candidate recall
# (the share of relevant universities that reach the scorer) overall and per
# segment; the last line is one JSON object. With --table it also runs the
# baselines and the ablations (each feature removed in turn) and prints a
# Markdown table before that line. Needs a build (scripts/build.sh).
# Source of the data: CORDIS, (c) European Union.
set -euo pipefail
cd "$(dirname "$0")/.."
data_dir=${1:?usage: scripts/eval-cordis.sh DATA_DIR [--profiles-until Y] [--queries-from Y] [--queries-until Y] [--table] [--limit N]}
shift
profiles_until=2018
queries_from=2019
queries_until=2019
table=0
model=default
extra=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --profiles-until) profiles_until=$2; shift 2 ;;
    --queries-from) queries_from=$2; shift 2 ;;
    --queries-until) queries_until=$2; shift 2 ;;
    --table) table=1; shift ;;
    --limit) extra+=(--limit "$2"); shift 2 ;;
    --ranking-model) model=$2; shift 2 ;;
    *) echo "eval-cordis: unknown option $1" >&2; exit 2 ;;
  esac
done
for f in organizations.csv participations.csv projects.csv; do
  [[ -r $data_dir/$f ]] || { echo "eval-cordis: $data_dir/$f is missing" >&2; exit 2; }
done
build_dir=${BUILD_DIR:-build}
[[ -x $build_dir/bench/eval_cordis ]] || { echo "eval-cordis: build first (scripts/build.sh)" >&2; exit 2; }

db=$(mktemp -d -t helixmatch-eval-XXXXXX)
trap 'rm -rf "$db"' EXIT
start=$(date +%s)
"$build_dir/indexer/helixmatch-indexer" import-cordis --db "$db" \
  --until-year "$profiles_until" "$data_dir" >&2

run() {  # run FLAGS... -> JSON line
  "$build_dir/bench/eval_cordis" "$data_dir" --db "$db" \
    --profiles-until "$profiles_until" --queries-from "$queries_from" \
    --queries-until "$queries_until" "${extra[@]}" "$@" 2>/dev/null
}

if [[ $table -eq 0 ]]; then
  run --ranking-model "$model"
  echo "eval-cordis: $(($(date +%s) - start)) s" >&2
  exit 0
fi

# Baselines are the same engine with other weights: the candidates still
# come from dense + BM25 retrieval plus the firm's earlier partners.
off="--w-dense 0 --w-lexical 0 --w-depth 0 --w-trust 0 --w-proximity 0 --w-capacity 0 --w-benefit 0 --w-activity 0 --w-network 0"
declare -a names=(
  "popularity (profile count)"
  "popularity + same country"
  "earlier ties, then popularity"
  "BM25 share of the best project"
  "BM25 share + same country"
  "GloVe cosine of the best project"
  "hand-set weights (before fitting)"
  "weighted sum (the fallback)"
  "learned ranker without the funding call"
  "learned ranker (helixmatch default)"
)
declare -a configs=(
  "$off --w-activity 1"
  "$off --w-activity 1 --w-proximity 1"
  "$off --w-trust 1 --w-activity 0.01"
  "$off --w-lexical 1"
  "$off --w-lexical 1 --w-proximity 1"
  "$off --w-dense 1"
  "--w-lexical 0.5 --w-depth 0.1 --w-trust 0.15 --w-proximity 0.05 --w-activity 0 --w-network 0"
  "--ranking-model none"
  "--ranking-model $model --no-call"
  "--ranking-model $model"
)
for feature in lexical dense depth trust proximity activity network; do
  names+=("weighted sum without $feature")
  configs+=("--w-$feature 0")
done
json=""
printf '| ranking | R@10 | nDCG@10 | MRR | candidate recall | nDCG@10 with ties | nDCG@10 without |\n|---|---|---|---|---|---|---|\n'
for i in "${!names[@]}"; do
  # shellcheck disable=SC2086
  line=$(run ${configs[$i]} | tail -n 1)
  [[ ${configs[$i]} == "--ranking-model $model" ]] && json=$line
  printf '| %s | %s |\n' "${names[$i]}" "$(sed -E 's/.*"recall_at_10": ([0-9.]+), "ndcg_at_10": ([0-9.]+), "mrr": ([0-9.]+), "candidate_recall": ([0-9.]+), "with_ties": \{[^}]*"ndcg_at_10": ([0-9.]+)[^}]*\}, "without_ties": \{[^}]*"ndcg_at_10": ([0-9.]+).*/\1 | \2 | \3 | \4 | \5 | \6/' <<<"$line")"
done
echo "eval-cordis: $(($(date +%s) - start)) s" >&2
echo "$json"
