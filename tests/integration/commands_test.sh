#!/usr/bin/env bash
# The three commands end to end, with good and bad input:
#   commands_test.sh BUILD_DIR SOURCE_DIR
# Uses the real word vectors (scripts/fetch-word-vectors.sh).
set -uo pipefail
build=$1
src=$2
indexer=$build/indexer/helixmatch-indexer
server=$build/services/helixmatch-server
client=$build/services/helixmatch
work=$(mktemp -d -t helixmatch-commands-XXXXXX)
server_pid=""
trap '[[ -n $server_pid ]] && kill -TERM $server_pid 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT

passed=0
failed=0
check() {  # check NAME EXPECTED_STATUS PATTERN -- command...
  local name=$1 want=$2 pattern=$3
  shift 4
  local out status
  out=$("$@" 2>&1)
  status=$?
  if [[ $status -eq $want ]] && grep -qE -- "$pattern" <<<"$out"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    printf 'FAILED %s: exit %s (want %s), output:\n%s\n' "$name" "$status" "$want" "$out"
  fi
}

demo=$src/data/demo
# helixmatch-indexer
check "indexer without --db" 106 "db is required|--db" -- "$indexer" import "$demo/organizations.jsonl"
check "indexer missing file" 1 "cannot open '.*/nope.jsonl'" -- "$indexer" import --db "$work/db" "$work/nope.jsonl"
printf '%s\n' '{"organization": {"id": "org:x", "kind": "ORGANIZATION_KIND_FIRM", "name": "X", "country": "KZ"}}' \
  '{"organization": {"id": "org:y", "kind": "BANANA", "name": "Y", "country": "KZ"}}' \
  '{not json' >"$work/bad.jsonl"
check "indexer bad lines" 3 "rejected .*bad.jsonl:2.*kind" -- "$indexer" import --db "$work/bad-db" "$work/bad.jsonl"
check "indexer bad word vectors" 1 "word vectors" -- "$indexer" import --db "$work/db2" --word-vectors "$work/bad.jsonl" "$demo/organizations.jsonl"
check "indexer demo" 0 "accepted 236 records" -- "$indexer" import --db "$work/db" \
  "$demo/organizations.jsonl" "$demo/capabilities.jsonl" "$demo/needs.jsonl" "$demo/ties.jsonl"

check "indexer cordis missing folder" 1 "cannot open '.*/no-export/organizations.csv'" -- "$indexer" import-cordis --db "$work/c-db" "$work/no-export"
mkdir -p "$work/export"
printf 'pic,type,country,name\n1,HES,DE,Uni\n2,PRC,DE,Firm\n' >"$work/export/organizations.csv"
printf 'rcn,start_year,end_year,acronym,title,topic_title\n9,2016,2017,ACR,Copper flotation,Mining\n' >"$work/export/projects.csv"
printf 'rcn,role\n9,coordinator\n' >"$work/export/participations.csv"
check "indexer cordis missing column" 1 "participations.csv: header: required column 'pic'" -- "$indexer" import-cordis --db "$work/c-db" "$work/export"
printf 'rcn,pic,role\n9,1,coordinator\n9,2,participant\n' >"$work/export/participations.csv"
check "indexer cordis" 0 "1 capability profiles, 1 ties" -- "$indexer" import-cordis --db "$work/c-db" --until-year 2018 "$work/export"

# helixmatch-server
check "server without --db" 106 "db" -- "$server"
check "server unusable listen address" 1 "cannot listen" -- "$server" --db "$work/db" --listen "256.1.1.1:99999"

"$server" --db "$work/db" --listen 127.0.0.1:0 --port-file "$work/port" 2>"$work/server.log" &
server_pid=$!
# Start-up loads 136 MB of word vectors: allow a minute (sanitizer builds).
for _ in $(seq 1 600); do
  [[ -s $work/port ]] && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1
done
addr=127.0.0.1:$(cat "$work/port")

# helixmatch
check "client health" 0 "^SERVING" -- "$client" --server "$addr" health --wait-ms 10000
check "client recommend" 0 "org:saryarka-tu" -- "$client" --server "$addr" recommend --need need:demo-flotation -k 2
check "client recommend json" 0 '"suggestions"' -- "$client" --server "$addr" --json recommend --need need:demo-flotation -k 1
check "client explain" 0 "TRUST" -- "$client" --server "$addr" explain --need need:demo-flotation --capability cap:demo-flotation-lab
check "client get" 0 "Tokyrau" -- "$client" --server "$addr" get --kind organization --id org:tokyrau-copper
check "client unknown need" 2 "NOT_FOUND|not found" -- "$client" --server "$addr" recommend --need need:nope
check "client k too large" 2 "k: 500 is outside 1..100" -- "$client" --server "$addr" recommend --need need:demo-flotation -k 500
check "client bad direction" 2 "--direction" -- "$client" --server "$addr" recommend --text copper --direction sideways
check "client text without direction" 2 "direction" -- "$client" --server "$addr" recommend --text copper
check "client bad kind" 2 "not organization" -- "$client" --server "$addr" get --kind planet --id x
check "client no server" 1 "unavailable|Deadline|failed to connect" -- "$client" --server 127.0.0.1:1 --timeout-ms 500 stats

kill -TERM "$server_pid"
wait "$server_pid"
status=$?
server_pid=""
if [[ $status -eq 0 ]] && grep -q "stopped cleanly" "$work/server.log"; then
  passed=$((passed + 1))
else
  failed=$((failed + 1))
  echo "FAILED server clean stop: exit $status"; cat "$work/server.log"
fi
# A restarted server loads the saved index instead of rebuilding.
rm -f "$work/port"
"$server" --db "$work/db" --listen 127.0.0.1:0 --port-file "$work/port" 2>"$work/restart.log" &
pid=$!
for _ in $(seq 1 600); do [[ -s $work/port ]] && break; sleep 0.1; done
kill -TERM "$pid" 2>/dev/null
wait "$pid"
if grep -q "capability index loaded" "$work/restart.log"; then
  passed=$((passed + 1))
else
  failed=$((failed + 1)); echo "FAILED restart loads saved index"
fi

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
