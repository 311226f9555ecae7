#!/usr/bin/env bash
# The three commands end to end, with good and bad input (the programme
# side, the outcome loop, backups and a tokens file included):
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
check "indexer demo" 0 "accepted 238 records" -- "$indexer" import --db "$work/db" \
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
check "server unusable listen address" 1 "cannot listen" -- "$server" --db "$work/db" --listen "unix:$work/no/such/dir/sock"
printf 'id: bad-programme\nname: Bad (test)\nmax_budget_usd: lots\n' >"$work/bad-rules.yaml"
check "server bad rules file" 1 "bad-rules.yaml:3:17: max_budget_usd: expected a number" -- \
  "$server" --db "$work/db" --listen 127.0.0.1:0 --programmes "$work/bad-rules.yaml"
check "server missing programmes path" 1 "no-programmes: no such programme rules file or folder" -- \
  "$server" --db "$work/db" --listen 127.0.0.1:0 --programmes "$work/no-programmes"
printf '# tokens\nshort-token operator\n' >"$work/bad.tokens"
chmod 600 "$work/bad.tokens"
check "server bad principals file" 1 "bad.tokens:2: token is 11 bytes" -- \
  "$server" --db "$work/db" --listen 127.0.0.1:0 --principals "$work/bad.tokens"
check "server missing principals file" 1 "principals file '.*/no.tokens' cannot be read" -- \
  "$server" --db "$work/db" --listen 127.0.0.1:0 --principals "$work/no.tokens"

check "server missing ranking model" 1 "--ranking-model: ranking model '.*/no-model.json': cannot open the file" -- \
  "$server" --db "$work/db" --listen 127.0.0.1:0 --ranking-model "$work/no-model.json"
check "server ranking model not JSON" 1 "--ranking-model: ranking model '.*/bad-rules.yaml': not an XGBoost JSON model" -- \
  "$server" --db "$work/db" --listen 127.0.0.1:0 --ranking-model "$work/bad-rules.yaml"
check "server ranking model of records" 1 "--ranking-model: ranking model '.*/bad.jsonl': not a readable XGBoost JSON model: .*Invalid cast" -- \
  "$server" --db "$work/db" --listen 127.0.0.1:0 --ranking-model "$work/bad.jsonl"
printf '{"learner": {}}' >"$work/not-ours.json"
check "server foreign ranking model" 1 "ranking model '.*/not-ours.json': not a readable XGBoost JSON model" -- \
  "$server" --db "$work/db" --listen 127.0.0.1:0 --ranking-model "$work/not-ours.json"

check "server bad log format" 105 "log-format" -- "$server" --db "$work/db" --log-format xml
check "server bad HTTP address" 1 "HTTP address 'nowhere' is not HOST:PORT" -- \
  "$server" --db "$work/db" --listen 127.0.0.1:0 --http-listen nowhere
check "server TLS key without certificate" 1 "--tls-cert: is required with --tls-key" -- \
  "$server" --db "$work/db" --listen 127.0.0.1:0 --tls-key "$work/bad.jsonl"

"$server" --db "$work/db" --listen 127.0.0.1:0 --port-file "$work/port" \
  --http-listen 127.0.0.1:0 --http-port-file "$work/http-port" --log-format json \
  --backup-root "$work" 2>"$work/server.log" &
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
check "client bad kind" 2 "--kind: unknown value 'planet'" -- "$client" --server "$addr" get --kind planet --id x
check "client recommend kind filter" 0 "org:saryarka-tu" -- "$client" --server "$addr" recommend --need need:demo-flotation -k 2 --kind university
check "client recommend bad kind filter" 2 "--kind: unknown value 'castle'" -- "$client" --server "$addr" recommend --need need:demo-flotation --kind castle
# Writes while the server runs (the data folder stays locked by it).
printf '%s\n' '{"need": {"id": "need:cli-test", "organizationId": "org:tokyrau-copper", "title": "Dust suppression on haul roads"}}' \
  '{"need": {"id": "need:cli-bad", "organizationId": "org:nobody", "title": "No such owner"}}' \
  '{not json' '' '# a comment' \
  '{"need": {"id": "need:cli-test-2", "organizationId": "org:tokyrau-copper", "title": "Tailings water recycling"}}' >"$work/up.jsonl"
check "client upsert" 3 "accepted 2 records, rejected 2" -- "$client" --server "$addr" upsert "$work/up.jsonl"
check "client upsert reports lines" 3 "rejected .*up.jsonl:2 id=need:cli-bad: .*org:nobody" -- "$client" --server "$addr" upsert "$work/up.jsonl"
check "client upsert reports bad JSON" 3 "rejected .*up.jsonl:3: malformed record" -- "$client" --server "$addr" upsert "$work/up.jsonl"
check "client upsert missing file" 2 "cannot open" -- "$client" --server "$addr" upsert "$work/none.jsonl"
check "client upserted" 0 "Dust suppression" -- "$client" --server "$addr" get --kind need --id need:cli-test
check "client delete" 0 "deleted need need:cli-test" -- "$client" --server "$addr" delete need need:cli-test
check "client delete again" 2 "not found" -- "$client" --server "$addr" delete need need:cli-test
check "client delete bad kind" 2 "unknown value 'planet'" -- "$client" --server "$addr" delete planet x
check "client profiles" 0 '"id": "need:demo-flotation"' -- "$client" --server "$addr" profiles --kind need --organization org:tokyrau-copper
check "client profiles without organization" 2 "organization_id: is required for the operator role" -- "$client" --server "$addr" profiles --kind need
check "client profiles bad kind" 2 "--kind: unknown value 'tie'|kind: must be" -- "$client" --server "$addr" profiles --kind tie --organization org:tokyrau-copper
check "client profiles bad limit" 105 "--limit" -- "$client" --server "$addr" profiles --kind need --limit 0
# The same server over HTTP: the same answers, metrics, one log line per request.
http=http://127.0.0.1:$(cat "$work/http-port")
recommend_body='{"needId":"need:demo-flotation","k":3}'
check "http recommend" 0 '"suggestions"' -- curl -sf -H 'Content-Type: application/json' -d "$recommend_body" \
  "$http/helixmatch.v1.MatchService/Recommend"
grpc_orgs=$("$client" --server "$addr" --json recommend --need need:demo-flotation -k 3 | grep -oE '"id": "org:[^"]+"' | sed 's/ //')
http_orgs=$(curl -s -H 'Content-Type: application/json' -d "$recommend_body" "$http/helixmatch.v1.MatchService/Recommend" |
  grep -oE '"id":"org:[^"]+"')
if [[ -n $grpc_orgs && $grpc_orgs == "$http_orgs" ]]; then passed=$((passed + 1)); else
  failed=$((failed + 1)); printf 'FAILED http and grpc suggest the same:\n%s\nvs\n%s\n' "$grpc_orgs" "$http_orgs"; fi
check "http error" 0 '"code":"not_found"' -- curl -s -H 'Content-Type: application/json' -d '{"needId":"need:nope","k":1}' \
  "$http/helixmatch.v1.MatchService/Recommend"
check "http metrics" 0 'helixmatch_requests_total\{code="OK",method="Recommend",transport="http"\} [1-9]' -- curl -sf "$http/metrics"
check "grpc metrics" 0 'helixmatch_requests_total\{code="OK",method="Recommend",transport="grpc"\} [1-9]' -- curl -sf "$http/metrics"
check "web app" 0 "<title>helixmatch</title>" -- curl -sf "$http/"
check "json request log" 0 '"method":"Recommend".*"principal":"operator"|"principal":"operator".*"method":"Recommend"' -- cat "$work/server.log"
check "request log has no record ids" 1 '^$' -- grep -h 'need:demo-flotation' "$work/server.log"
check "client no server" 1 "unavailable|Deadline|failed to connect" -- "$client" --server 127.0.0.1:1 --timeout-ms 500 stats
# The programme side, on a server without programme rules or tokens.
proposals=$demo/proposals/2025-batch.jsonl
check "client screen missing file" 2 "--proposals: cannot read '.*/nope.jsonl'" -- "$client" --server "$addr" screen --proposals "$work/nope.jsonl"
{ head -n 1 "$proposals"; echo '{"id": "prop:x", "budgetUsd": "lots"'; } >"$work/bad-proposals.jsonl"
check "client screen non-JSON line" 2 "bad-proposals.jsonl:2: not a Proposal" -- "$client" --server "$addr" screen --proposals "$work/bad-proposals.jsonl"
check "client screen without programmes" 2 "no programme rules are loaded; start the server with --programmes" -- \
  "$client" --server "$addr" screen --proposals "$proposals"
outcome=(outcome --id test-outcome --offered-by org:altai-mmu --offered-to org:tokyrau-copper --year 2025)
check "client outcome bad kind" 2 "--kind: unknown value 'bogus'" -- "$client" --server "$addr" "${outcome[@]}" --kind bogus
check "client decline without reason" 2 "outcome.decline_reason: is required" -- "$client" --server "$addr" "${outcome[@]}" --kind declined
check "client decline" 0 '"created": true' -- "$client" --server "$addr" "${outcome[@]}" --kind declined --reason no-budget
check "client declines" 0 "DECLINE_REASON_NO_BUDGET" -- "$client" --server "$addr" declines --organization org:altai-mmu
check "client pathway bad rung" 2 "target_rung: 9 is outside -1..6" -- \
  "$client" --server "$addr" pathway --university org:geotech-institute --firm org:saryarka-coal --target-rung 9
check "client pathway" 0 "L0 meetings" -- \
  "$client" --server "$addr" pathway --university org:geotech-institute --firm org:saryarka-coal --channel contract-research
check "client backup" 0 '"store_sequence"' -- "$client" --server "$addr" backup --to "$work/backup"
check "client backup into existing folder" 2 "folder: '.*/backup' already exists" -- "$client" --server "$addr" backup --to "$work/backup"

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
for _ in $(seq 1 600); do
  [[ -s $work/port ]] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
kill -TERM "$pid" 2>/dev/null
wait "$pid"
if grep -q "capability index loaded" "$work/restart.log"; then
  passed=$((passed + 1))
else
  failed=$((failed + 1)); echo "FAILED restart loads saved index"; cat "$work/restart.log"
fi

# The backup is a data folder of its own: serve it, with programme rules
# and a tokens file, so every call needs a token and roles apply.
printf '%s\n' 'test-operator-0123456789 operator' \
  'test-programme-0123456789 programme org:prog-applied-research' >"$work/test.tokens"
chmod 600 "$work/test.tokens"
rm -f "$work/port"
"$server" --db "$work/backup" --listen 127.0.0.1:0 --port-file "$work/port" \
  --programmes "$demo/programmes" --principals "$work/test.tokens" 2>"$work/tokens.log" &
server_pid=$!
for _ in $(seq 1 600); do
  [[ -s $work/port ]] && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1
done
addr=127.0.0.1:$(cat "$work/port")
as_operator=("$client" --server "$addr" --token test-operator-0123456789)
as_programme=("$client" --server "$addr" --token test-programme-0123456789)
check "backup serves its records" 0 "org:saryarka-tu" -- "${as_operator[@]}" recommend --need need:demo-flotation -k 2
check "backup has the outcome" 0 "test-outcome" -- "${as_operator[@]}" get --kind outcome --id test-outcome
check "no token" 2 "missing 'authorization: Bearer TOKEN' metadata" -- "$client" --server "$addr" stats
check "unknown token" 2 "unknown token" -- "$client" --server "$addr" --token not-a-known-token-0123 stats
check "programme screens" 0 "12 proposals screened, 0 rejected" -- "${as_programme[@]}" screen --proposals "$proposals"
check "programme records outcome" 2 "programme role .*cannot write outcome.*autonomy guard" -- \
  "${as_programme[@]}" outcome --id by-programme --offered-by org:saryarka-tu --offered-to org:saryarka-coal \
  --kind contract-signed --year 2025
check "programme backup" 2 "Backup needs the operator role" -- "${as_programme[@]}" backup --to "$work/backup2"
kill -TERM "$server_pid"
wait "$server_pid"
status=$?
server_pid=""
if [[ $status -eq 0 ]] && grep -q "stopped cleanly" "$work/tokens.log"; then
  passed=$((passed + 1))
else
  failed=$((failed + 1))
  echo "FAILED token server clean stop: exit $status"; cat "$work/tokens.log"
fi

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
