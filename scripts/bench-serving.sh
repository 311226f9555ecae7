#!/usr/bin/env bash
# Serving benchmark: Recommend over gRPC against a bare FAISS HNSW index
# behind gRPC (the anchor), on the same vectors, in the same run.
#
#   scripts/bench-serving.sh [DATA_DIR] [--profiles N] [--seconds S] [--runs R]
#                            [--warmup S] [--in-flight 1,8,32] [--h2load]
#                            [--keep] [--with-call]
#
# DATA_DIR: a CORDIS H2020 export (../shared/data/cordis-h2020; every year
# is imported) whose 2019 projects give the company need texts and their
# firms the requesters. Without DATA_DIR, or with --profiles N, a synthetic
# corpus of N capability profiles (default 100000; bench/synthetic_corpus)
# and synthetic query texts.
#
# Builds what it needs (build/, BUILD_DIR to change), imports the corpus
# into a temporary folder, starts bench/anchor_server and then
# helixmatch-server on free ports (OMP_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE
# in both environments), times the server's start-up (launch to SERVING),
# runs bench/load_generator over every configuration (1/8/32 in flight x
# requester x explanations, the anchor per in-flight count; R runs,
# medians), stops both and prints the table. --h2load adds the independent
# check of the 8-in-flight company query with h2load (nghttp2-client) and
# the load generator on the same single query. The last line is one JSON
# object (8 in flight, with requester and explanations). --with-call: the
# CORDIS queries name their project's funding call, so that the learned
# ranker (the default for such queries) ranks them; without it the weighted
# sum does.
set -euo pipefail
cd "$(dirname "$0")/.."

data_dir=""
profiles=""
seconds=10
runs=3
warmup=2
in_flight=1,8,32
h2load_check=0
keep=0
with_call=0
organizations=5000
while [[ $# -gt 0 ]]; do
  case $1 in
    --profiles) profiles=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --in-flight) in_flight=$2; shift 2 ;;
    --h2load) h2load_check=1; shift ;;
    --keep) keep=1; shift ;;
    --with-call) with_call=1; shift ;;
    -h|--help) sed -n '2,28p' "$0"; exit 0 ;;
    -*) echo "bench-serving: unknown option $1" >&2; exit 2 ;;
    *) data_dir=$1; shift ;;
  esac
done
if [[ -z $data_dir && -z $profiles ]]; then profiles=100000; fi
if [[ -z $profiles ]]; then
  for f in organizations.csv participations.csv projects.csv; do
    [[ -r $data_dir/$f ]] || { echo "bench-serving: $data_dir/$f is missing" >&2; exit 2; }
  done
fi
if ((h2load_check)) && ! command -v h2load >/dev/null; then
  echo "bench-serving: --h2load needs h2load (apt-get install nghttp2-client)" >&2
  exit 2
fi

log() { printf 'bench-serving: %s\n' "$*" >&2; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

# Build only what the benchmark runs (ninja does nothing when up to date).
build_dir=${BUILD_DIR:-build}
if [[ ! -f $build_dir/build.ninja ]]; then
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >&2
fi
cmake --build "$build_dir" -j "$(nproc)" --target helixmatch-server \
  helixmatch-indexer helixmatch anchor_server load_generator \
  synthetic_corpus >&2
vectors=$(bash scripts/fetch-word-vectors.sh | tail -n 1)
export HELIXMATCH_WORD_VECTORS=$vectors

work=$(mktemp -d -t helixmatch-bench-serving-XXXXXX)
server_pid=""
anchor_pid=""
stop() {  # stop PID: SIGTERM, then wait for it
  if [[ -n $1 ]] && kill -0 "$1" 2>/dev/null; then
    kill -TERM "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
  fi
}
cleanup() {
  stop "$server_pid"
  stop "$anchor_pid"
  if ((keep)); then log "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

wait_for_port() {  # wait_for_port PID FILE LOG NAME -> prints the port
  for _ in $(seq 1 6000); do
    [[ -s $2 ]] && break
    if ! kill -0 "$1" 2>/dev/null; then
      cat "$3" >&2
      log "$4 exited during start-up"
      exit 1
    fi
    sleep 0.1
  done
  [[ -s $2 ]] || { log "$4 did not start in 10 minutes"; exit 1; }
  cat "$2"
}

db=$work/db
log "load before import: $(uptime)"
import_start=$(now)
if [[ -n $profiles ]]; then
  corpus="synthetic ($profiles profiles, $organizations organizations)"
  "$build_dir/bench/synthetic_corpus" --profiles "$profiles" \
    --organizations "$organizations" --out "$work/corpus.jsonl"
  "$build_dir/indexer/helixmatch-indexer" import --db "$db" \
    "$work/corpus.jsonl" >&2
  queries=(--synthetic-organizations "$organizations")
else
  corpus="CORDIS H2020 all years ($data_dir)"
  "$build_dir/indexer/helixmatch-indexer" import-cordis --db "$db" \
    "$data_dir" >&2
  queries=(--cordis "$data_dir")
  # The learned ranker ranks only queries that name a funding call.
  ((with_call)) && queries+=(--with-call)
fi
import_s=$(elapsed "$import_start")
log "imported $corpus in $import_s s"

export OMP_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE
client=("$build_dir/services/helixmatch")

# The anchor first: it reads the embedding model from the store and closes
# it before helixmatch-server opens it (one process per RocksDB store).
anchor_start=$(now)
"$build_dir/bench/anchor_server" --db "$db" --listen 127.0.0.1:0 \
  --port-file "$work/anchor.port" 2>"$work/anchor.log" &
anchor_pid=$!
anchor_port=$(wait_for_port "$anchor_pid" "$work/anchor.port" "$work/anchor.log" anchor_server)
"${client[@]}" --server "127.0.0.1:$anchor_port" health --wait-ms 60000 >/dev/null
anchor_startup_s=$(elapsed "$anchor_start")
log "anchor SERVING after $anchor_startup_s s: $(grep -o 'HNSW.*' "$work/anchor.log" | head -n 1)"

server_start=$(now)
# With the heap on huge pages, as the image runs it (deploy/Dockerfile).
GLIBC_TUNABLES="${GLIBC_TUNABLES:-glibc.malloc.hugetlb=1}" \
  "$build_dir/services/helixmatch-server" --db "$db" --listen 127.0.0.1:0 \
  --port-file "$work/server.port" 2>"$work/server.log" &
server_pid=$!
server_port=$(wait_for_port "$server_pid" "$work/server.port" "$work/server.log" helixmatch-server)
"${client[@]}" --server "127.0.0.1:$server_port" health --wait-ms 60000 >/dev/null
startup_s=$(elapsed "$server_start")
log "helixmatch-server SERVING after $startup_s s"
grep -E "catalog loaded|index" "$work/server.log" >&2 || true

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
echo "corpus: $corpus; imported in $import_s s"
echo "machine: $(getconf _NPROCESSORS_ONLN) cores; load average before the runs: $load_before"
echo "helixmatch-server start-up (launch to SERVING): $startup_s s; anchor start-up (HNSW build included): $anchor_startup_s s"
# Progress and the table on stdout as they come; the JSON line is held
# back to stay the last line.
{
  status=0
  "$build_dir/bench/load_generator" \
    --server "127.0.0.1:$server_port" --anchor "127.0.0.1:$anchor_port" \
    "${queries[@]}" --in-flight "$in_flight" --seconds "$seconds" \
    --warmup-seconds "$warmup" --runs "$runs" \
    --server-pid "$server_pid" --anchor-pid "$anchor_pid" \
    --report-field "startup_s=$startup_s" --report-field "import_s=$import_s" \
    --report-field "corpus=\"$([[ -n $profiles ]] && echo synthetic || echo cordis)\"" \
    --report-field "load_before=$(cut -d' ' -f1 /proc/loadavg)" || status=$?
  echo "$status" >"$work/load.status"
} | tee "$work/load.txt" | sed -u '$d'
status=$(cat "$work/load.status")
json=$(tail -n 1 "$work/load.txt")
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
echo "load average after the runs: $load_after"

if ((h2load_check)); then
  # h2load speaks HTTP/2 without TLS to http:// URLs (prior knowledge) and
  # POSTs the file given with -d: a gRPC frame (1 byte flag, 4 bytes
  # big-endian length, the serialized request) of the first query. It
  # cannot read grpc-status (a trailer), so nghttp shows it once, and the
  # data bytes per answer are compared with the load generator's.
  "$build_dir/bench/load_generator" --server "127.0.0.1:$server_port" \
    "${queries[@]}" --write-frames "$work/frames" >/dev/null
  grpc_headers=(-H 'content-type: application/grpc' -H 'te: trailers')
  recommend_url=http://127.0.0.1:$server_port/helixmatch.v1.MatchService/Recommend
  search_url=http://127.0.0.1:$anchor_port/helixmatch.bench.AnchorService/Search
  for pair in "recommend.frame $recommend_url" "search.frame $search_url"; do
    read -r frame url <<<"$pair"
    status_line=$(nghttp -v "${grpc_headers[@]}" -d "$work/frames/$frame" "$url" \
      | grep -a -o "grpc-status: [0-9]*" | head -n 1 || true)
    echo "h2load check: $frame -> ${status_line:-no grpc-status}"
  done
  echo
  echo "Cross-check, 8 in flight on one connection, one query (the first),"
  echo "h2load and the load generator in turn, $runs rounds (medians last):"
  h2load_run() {  # h2load_run NAME URL FRAME -> "NAME req/s mean_ms"
    local out rps mean
    out=$(h2load -c 1 -m 8 -t 1 -D "$seconds" --warm-up-time "$warmup" \
      "${grpc_headers[@]}" -d "$work/frames/$3" "$2")
    grep -qE '^requests: .* 0 failed, 0 errored, 0 timeout' <<<"$out" \
      || { echo "$out" >&2; log "h2load $1: failed requests"; }
    rps=$(sed -nE 's/^finished in [^,]*, ([0-9.]+) req\/s.*/\1/p' <<<"$out")
    # "time for request: MIN MAX MEAN SD +/-SD" with units (us, ms, s).
    mean=$(awk '/^time for request:/ { v = $6; u = v; sub(/[0-9.]+/, "", u);
      sub(/[a-z]+$/, "", v); printf "%.3f", v * (u == "us" ? 0.001 : u == "s" ? 1000 : 1) }' <<<"$out")
    echo "$1 $rps $mean"
  }
  : >"$work/cross.txt"
  for round in $(seq 1 "$runs"); do
    h2load_run h2load-anchor "$search_url" search.frame >>"$work/cross.txt"
    h2load_run h2load-helixmatch "$recommend_url" recommend.frame >>"$work/cross.txt"
    "$build_dir/bench/load_generator" --server "127.0.0.1:$server_port" \
      --anchor "127.0.0.1:$anchor_port" "${queries[@]}" --query-limit 1 \
      --in-flight 8 --channels 1 --threads 1 --requester yes \
      --explanations yes --seconds "$seconds" --warmup-seconds "$warmup" \
      --runs 1 | awk '/^run 1 anchor/ { print "load_generator-anchor", $5, $8 }
        /^run 1 helixmatch/ { print "load_generator-helixmatch", $7, $10 }' \
      >>"$work/cross.txt"
    tail -n 4 "$work/cross.txt" | sed "s/^/  round $round: /; s/\$/ (req\/s, mean ms)/"
  done
  for name in h2load-anchor load_generator-anchor h2load-helixmatch load_generator-helixmatch; do
    awk -v n="$name" '$1 == n { print $2, $3 }' "$work/cross.txt" | sort -n \
      | awk -v n="$name" '{ r[NR] = $1; m[NR] = $2 }
        END { i = int((NR + 1) / 2); printf "  %-26s median %8.1f req/s, mean latency %.3f ms (runs: %d)\n", n, r[i], m[i], NR }'
  done
fi

stop "$server_pid"; server_pid=""
stop "$anchor_pid"; anchor_pid=""
echo "${json%\}},\"load_after\":$(cut -d' ' -f1 /proc/loadavg)}"
exit "$status"
