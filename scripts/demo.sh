#!/usr/bin/env bash
# One command from a fresh Debian 12 machine to the demo: installs
# everything, builds, imports the illustrative demo data (data/demo),
# starts helixmatch-server on a free port, shows a company's and a TTO's
# suggestions and one explained pair, then stops the server cleanly.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/build.sh >/dev/null
build_dir=${BUILD_DIR:-build}
bin=$build_dir
data_dir=$(mktemp -d -t helixmatch-demo-XXXXXX)
server_pid=""
cleanup() {
  if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$data_dir"
}
trap cleanup EXIT

section() { printf '\n==== %s\n\n' "$*"; }

section "Importing the illustrative demo data (data/demo, invented organizations)"
"$bin/indexer/helixmatch-indexer" import --db "$data_dir" \
  data/demo/organizations.jsonl data/demo/capabilities.jsonl \
  data/demo/needs.jsonl data/demo/ties.jsonl

section "Starting helixmatch-server on a free port"
"$bin/services/helixmatch-server" --db "$data_dir" --listen 127.0.0.1:0 \
  --port-file "$data_dir/port" 2>"$data_dir/server.log" &
server_pid=$!
for _ in $(seq 1 100); do
  [[ -s $data_dir/port ]] && break
  if ! kill -0 "$server_pid" 2>/dev/null; then
    cat "$data_dir/server.log" >&2
    echo "demo: the server exited during start-up" >&2
    exit 1
  fi
  sleep 0.1
done
port=$(cat "$data_dir/port")
client=("$bin/services/helixmatch" --server "127.0.0.1:$port")
"${client[@]}" health --wait-ms 10000
cat "$data_dir/server.log"

section "A company asks: which research groups can solve our need?
  need:demo-flotation (Tokyrau Copper Company): predictive maintenance and
  reagent optimisation for flotation cells at a copper concentrator"
"${client[@]}" recommend --need need:demo-flotation -k 3

section "A TTO asks: which firms need what our flotation lab can do?
  cap:demo-flotation-lab (Saryarka Technical University)"
"${client[@]}" recommend --capability cap:demo-flotation-lab -k 3 --profiles 1

section "The same need from a firm's free text, universities in Kazakhstan only"
"${client[@]}" recommend --text "drought tolerant wheat varieties for the northern steppe" \
  --direction need-to-capabilities --country KZ -k 2 --profiles 1

section "Explaining one pair: need:demo-flotation x cap:altai-hydromet (no shared history)"
"${client[@]}" explain --need need:demo-flotation --capability cap:altai-hydromet

section "Stopping the server"
kill -TERM "$server_pid"
wait "$server_pid"
server_pid=""
tail -n 2 "$data_dir/server.log"
echo "demo: done (all organizations and figures in data/demo are illustrative)"
