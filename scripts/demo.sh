#!/usr/bin/env bash
# One command from a fresh Debian 12 machine to the demo: installs
# everything, builds, imports the illustrative demo data (data/demo),
# starts helixmatch-server on a free port with the demo programmes' rules
# and the demo tokens file, then shows
#   - a company's and a TTO's suggestions and one explained pair;
#   - a programme screening a batch of proposals, one full screening
#     report, and an engagement pathway;
#   - the outcome loop (a signed contract one party records is a claim
#     that changes nothing until the other party confirms it; then the
#     explanation changes; a decline is counted by reason) and the
#     autonomy guard;
#   - a backup;
#   - the same service over HTTP (curl on Recommend and /metrics) and the
#     address of the web app;
# and stops the server cleanly. Every organization, programme, proposal,
# token and figure shown is illustrative (data/demo/README.md).
#
#   scripts/demo.sh --serve   keeps the server (and the web app) running
#                             until Ctrl-C; HELIXMATCH_HTTP_PORT picks the
#                             HTTP port (default: a free one). It listens on
#                             127.0.0.1 only: the demo tokens are public.
set -euo pipefail
cd "$(dirname "$0")/.."

serve=0
case "${1:-}" in
  --serve) serve=1 ;;
  "") ;;
  *) echo "usage: scripts/demo.sh [--serve]" >&2; exit 2 ;;
esac

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
"$bin/indexer/helixmatch-indexer" import --db "$data_dir/db" \
  data/demo/organizations.jsonl data/demo/capabilities.jsonl \
  data/demo/needs.jsonl data/demo/ties.jsonl

section "Starting helixmatch-server on a free port
  with the demo programmes' rules (data/demo/programmes) and the demo
  tokens file (data/demo/principals.example: digests of example tokens,
  copied with mode 600 because the server refuses a tokens file others
  may read)"
install -m 600 data/demo/principals.example "$data_dir/tokens"
mkdir -p "$data_dir/backups"
# Huge pages for the heap make start-up faster, as in the image
# (deploy/Dockerfile says why).
GLIBC_TUNABLES="${GLIBC_TUNABLES:-glibc.malloc.hugetlb=1}" \
  "$bin/services/helixmatch-server" --db "$data_dir/db" --listen 127.0.0.1:0 \
  --http-listen "127.0.0.1:${HELIXMATCH_HTTP_PORT:-0}" \
  --http-port-file "$data_dir/http-port" \
  --programmes data/demo/programmes \
  --principals "$data_dir/tokens" --backup-root "$data_dir/backups" \
  --port-file "$data_dir/port" 2>"$data_dir/server.log" &
server_pid=$!
# Start-up loads the word vectors (136 MB): allow up to a minute.
for _ in $(seq 1 600); do
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
# One client per caller of data/demo/principals.example, each reading its
# token from a file only it may read (--token would show in `ps`).
as() {  # as NAME TOKEN: writes the token file; prints its path
  (umask 077 && printf '%s\n' "$2" >"$data_dir/$1.token")
  echo "$data_dir/$1.token"
}
as_operator=("${client[@]}" --token-file "$(as operator demo-operator-0123456789)")
as_firm=("${client[@]}" --token-file "$(as firm demo-tokyrau-copper-0123456789)")
as_tto=("${client[@]}" --token-file "$(as tto demo-saryarka-tu-0123456789)")
as_altai=("${client[@]}" --token-file "$(as altai demo-altai-mmu-0123456789)")
as_programme=("${client[@]}" --token-file "$(as programme demo-applied-research-0123456789)")
"${client[@]}" health --wait-ms 10000
cat "$data_dir/server.log"

section "A company asks: which research groups can solve our need?
  need:demo-flotation (Tokyrau Copper Company): predictive maintenance and
  reagent optimisation for flotation cells at a copper concentrator
  (caller: org:tokyrau-copper's token)"
"${as_firm[@]}" recommend --need need:demo-flotation -k 3

section "A TTO asks: which firms need what our flotation lab can do?
  cap:demo-flotation-lab (Saryarka Technical University; caller: its token)"
"${as_tto[@]}" recommend --capability cap:demo-flotation-lab -k 3 --profiles 1

section "The same need from a firm's free text, universities in Kazakhstan only"
"${as_firm[@]}" recommend --text "drought tolerant wheat varieties for the northern steppe" \
  --direction need-to-capabilities --country KZ -k 2 --profiles 1

section "The same need written in Russian, then in Kazakh (docs/multilingual.md):
  Russian words reach the English profiles through a dictionary bridge,
  Kazakh ones through our glossary (barrier lines left out here)"
"${as_firm[@]}" recommend --text "засухоустойчивые сорта пшеницы для северной степи" \
  --direction need-to-capabilities --country KZ -k 2 --profiles 1 |
  sed -n '/^[0-9]*\. /,/^   - /p'
"${as_firm[@]}" recommend --text "солтүстік далаға арналған құрғақшылыққа төзімді бидай сорттары" \
  --direction need-to-capabilities --country KZ -k 2 --profiles 1 |
  sed -n '/^[0-9]*\. /,/^   - /p'

section "A need written in Russian, a capability written in Kazakh (data/demo records):
  BM25 matches their words across languages through the same bridge, and the
  shared terms show both words, the asked one and the one it matched
  (медь → copper: the Russian need's word, the English profile's word)"
"${as_firm[@]}" recommend --need need:tokyrau-tailings-ru -k 3 --profiles 1 |
  grep -E '^[0-9]+\. |^   fit |^   - '
"${as_altai[@]}" recommend --capability cap:altai-kk-flotation -k 3 --profiles 1 |
  grep -E '^[0-9]+\. |^   fit |^   - '

section "Explaining one pair: need:demo-flotation x cap:altai-hydromet (no shared history)"
"${as_operator[@]}" explain --need need:demo-flotation --capability cap:altai-hydromet \
  | tee "$data_dir/explain-before.txt"

section "A programme screens a batch of proposals
  data/demo/proposals/2025-batch.jsonl: 12 illustrative proposals to the
  illustrative programmes kz-applied-research and kz-skills-partnership
  (caller: the programme org:prog-applied-research's token). Eligible
  first, most ready first; warnings and failed rules in short."
"${as_programme[@]}" screen --proposals data/demo/proposals/2025-batch.jsonl \
  --full all >"$data_dir/screen.txt"
# The ranked list ends at the first empty line; the full reports follow.
sed '/^$/q' "$data_dir/screen.txt"

# full_report ID: the full report of one proposal from the batch output.
full_report() {
  awk -v id="$1" '/^Proposal / { on = ($2 == id) } on' "$data_dir/screen.txt"
}

section "One full screening report: prop:ar25-roof-fall-b
  A research institute in Almaty and a Karaganda coal miner that have never
  worked together propose 240,000 USD of contract research on roof-fall
  early warning. Eligible, but: no earlier interaction and a large budget,
  weak topical fit, a ladder jump; the pathway starts at L0 meetings."
full_report prop:ar25-roof-fall-b

section "Its twin, briefly: prop:ar25-roof-fall
  The same text from Saryarka Technical University, which has three
  earlier ties with the same mine: trust, warnings and pathway differ."
full_report prop:ar25-roof-fall |
  grep -E '^Proposal|Topical fit|^   (TRUST|UNAWARENESS) |^ Warnings|^   !|^ Pathway:|^   (Earlier|No earlier)|^   trust '

section "An engagement pathway for one pair
  org:geotech-institute -> org:saryarka-coal, aiming at contract research:
  the rungs from what their history covers (nothing) to the target"
"${as_programme[@]}" pathway --university org:geotech-institute \
  --firm org:saryarka-coal --channel contract-research

section "The outcome loop, 1: a signed contract is claimed
  org:altai-mmu (with its own token) records that its offer to
  org:tokyrau-copper became a signed contract (illustrative). One party
  alone only claims it: recorded_by is set, confirmed_by is empty"
"${as_altai[@]}" outcome --id demo-altai-tokyrau-2025 \
  --offered-by org:altai-mmu --offered-to org:tokyrau-copper \
  --kind contract-signed --year 2025 \
  --need need:demo-flotation --capability cap:altai-hydromet \
  --note "reagent regime trial on one flotation bank (illustrative)"

changed_lines='score [0-9]|   depth |^   (TRUST|UNAWARENESS) |^   ladder:|^   claimed:'
section "The outcome loop, 2: the claim moves nothing
  need:demo-flotation x cap:altai-hydromet explained again: the claim is
  shown to the two parties as claimed; score, trust and ladder are as
  before (a university cannot buy trust by recording outcomes alone)"
"${as_operator[@]}" explain --need need:demo-flotation --capability cap:altai-hydromet \
  >"$data_dir/explain-claimed.txt"
echo "before:"
grep -E "$changed_lines" "$data_dir/explain-before.txt"
echo
echo "claimed:"
grep -E "$changed_lines" "$data_dir/explain-claimed.txt"

section "The outcome loop, 3: the firm confirms it
  org:tokyrau-copper (with its own token) confirms the contract; now it
  becomes a tie, and score, trust evidence and the ladder step change"
"${as_firm[@]}" confirm-outcome --id demo-altai-tokyrau-2025
"${as_operator[@]}" explain --need need:demo-flotation --capability cap:altai-hydromet \
  >"$data_dir/explain-after.txt"
echo "confirmed:"
grep -E "$changed_lines" "$data_dir/explain-after.txt"

section "The outcome loop, 4: declines are recorded with a reason
  two illustrative firms decline org:altai-mmu's offers"
"${as_altai[@]}" outcome --id demo-altai-aksu-2025 \
  --offered-by org:altai-mmu --offered-to org:aksu-gold \
  --kind declined --reason no-budget --year 2025 \
  --capability cap:altai-gravity --note "no budget line for external research this year"
"${as_altai[@]}" outcome --id demo-altai-ertis-2025 \
  --offered-by org:altai-mmu --offered-to org:ertis-aluminium \
  --kind declined --reason ip-terms --year 2025 \
  --capability cap:altai-powder
echo "Why were org:altai-mmu's offers declined?"
"${as_altai[@]}" declines --organization org:altai-mmu

section "The autonomy guard
  A programme reads screening reports and aggregates, but cannot record
  a tie or an outcome on behalf of a university or a firm; a call without
  a token is refused when the server has a tokens file"
if "${as_programme[@]}" outcome --id demo-programme-says-so \
  --offered-by org:saryarka-tu --offered-to org:saryarka-coal \
  --kind contract-signed --year 2025 2>&1; then
  echo "demo: the programme's outcome was accepted" >&2
  exit 1
fi
if "${client[@]}" stats 2>&1; then
  echo "demo: a call without a token was accepted" >&2
  exit 1
fi

section "A backup (operator only, under the server's --backup-root):
  a complete data folder to serve with --db"
"${as_operator[@]}" backup --to demo-backup

http_url=http://127.0.0.1:$(cat "$data_dir/http-port")
section "The same service over HTTP/JSON (Connect's unary convention)
  POST $http_url/helixmatch.v1.MatchService/<Method>, the request in
  protobuf's JSON mapping, the same tokens; here Recommend as the firm"
echo "curl -s -H 'Content-Type: application/json' \\
  -H 'Authorization: Bearer demo-tokyrau-copper-0123456789' \\
  -d '{\"needId\":\"need:demo-flotation\",\"k\":3}' \\
  $http_url/helixmatch.v1.MatchService/Recommend"
curl -s -H 'Content-Type: application/json' \
  -H 'Authorization: Bearer demo-tokyrau-copper-0123456789' \
  -d '{"needId":"need:demo-flotation","k":3}' \
  "$http_url/helixmatch.v1.MatchService/Recommend" >"$data_dir/recommend.json"
"${as_firm[@]}" --json recommend --need need:demo-flotation -k 3 \
  >"$data_dir/recommend-grpc.json"
# ranked FILE: the names and scores of a RecommendResponse in JSON.
ranked() {
  /usr/bin/python3 -c '
import json, sys
for rank, s in enumerate(json.load(open(sys.argv[1]))["suggestions"], 1):
    print("  %d. %-55s score %.3f" % (rank, s["organization"]["name"], s["score"]))
' "$1"
}
echo "answers (in JSON; here its names and scores, the same as over gRPC now):"
ranked "$data_dir/recommend.json"
if [[ $(ranked "$data_dir/recommend.json") != $(ranked "$data_dir/recommend-grpc.json") ]]; then
  echo "demo: HTTP and gRPC answered differently" >&2
  exit 1
fi
echo
echo "Prometheus metrics ($http_url/metrics), the request counters:"
curl -s "$http_url/metrics" >"$data_dir/metrics.txt"
grep -E '^helixmatch_requests_total' "$data_dir/metrics.txt"

section "The web app: $http_url/
  Sign in with one of the demo tokens (data/demo/principals.example):
    a company:  demo-tokyrau-copper-0123456789
    a TTO:      demo-saryarka-tu-0123456789
    a programme: demo-applied-research-0123456789"
if ((serve)); then
  echo "Serving until Ctrl-C (server log: $data_dir/server.log)"
  # A terminal's Ctrl-C reaches the server too, which then stops on its
  # own; the trap only ends the wait so that this script goes on.
  trap 'echo' INT
  wait "$server_pid" || true
  trap - INT
fi

section "Stopping the server"
# After Ctrl-C the server may be gone already; wait still gives its status.
kill -TERM "$server_pid" 2>/dev/null || true
server_status=0
wait "$server_pid" || server_status=$?
server_pid=""
if ((server_status != 0)); then
  cat "$data_dir/server.log" >&2
  echo "demo: the server exited with status $server_status" >&2
  exit 1
fi
tail -n 2 "$data_dir/server.log"
echo "demo: done (all organizations, programmes, proposals and figures in data/demo are illustrative)"
