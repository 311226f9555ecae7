#!/usr/bin/env bash
# One writer and two read replicas as real processes on loopback, with the
# demo data and the real word vectors, plus every replication flag with
# bad input:
#   replica_processes_test.sh BUILD_DIR SOURCE_DIR
# Checks: replicas report NOT_SERVING until loaded and SERVING after; a
# write on the writer shows on both replicas after the next publish (the
# lag is printed); replicas refuse writes; a replica SIGKILLed while
# snapshots are being published comes back on a good snapshot; reads
# spread over both replicas (round_robin with retries) keep answering
# while one is restarted. Every wait is bounded.
set -uo pipefail
build=$1
src=$2
indexer=$build/indexer/helixmatch-indexer
server=$build/services/helixmatch-server
client=$build/services/helixmatch
work=$(mktemp -d -t helixmatch-replicas-XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

passed=0
failed=0
check() {  # check NAME EXPECTED_STATUS(any: non-zero) PATTERN -- command...
  local name=$1 want=$2 pattern=$3
  shift 4
  local out status
  out=$("$@" 2>&1)
  status=$?
  if { [[ $want == any && $status -ne 0 ]] || [[ $status == "$want" ]]; } &&
     grep -qE -- "$pattern" <<<"$out"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    printf 'FAILED %s: exit %s (want %s), output:\n%s\n' "$name" "$status" "$want" "$out"
  fi
}
now_ms() { date +%s%3N; }
# wait_for SECONDS COMMAND...: until the command succeeds; 1 on time-out.
wait_for() {
  local deadline=$(($(date +%s) + $1))
  shift
  until "$@" >/dev/null 2>&1; do
    (($(date +%s) >= deadline)) && return 1
    sleep 0.1
  done
}

# Bad flags: each refused with a message naming it.
check "publish-seconds without publish-dir" any "publish-seconds.*requires.*publish-dir|publish-dir.*publish-seconds" -- \
  "$server" --db "$work/x" --publish-seconds 5
check "publish-seconds 0" any "publish-seconds.*0.*not in range|publish-seconds" -- \
  "$server" --db "$work/x" --publish-dir "$work/p" --publish-seconds 0
check "publish-seconds not a number" any "publish-seconds" -- \
  "$server" --db "$work/x" --publish-dir "$work/p" --publish-seconds soon
check "publish-keep 1" any "publish-keep.*1.*not in range" -- \
  "$server" --db "$work/x" --publish-dir "$work/p" --publish-keep 1
check "replica and writer at once" any "replica-of.*excludes.*publish-dir|publish-dir.*excludes.*replica-of" -- \
  "$server" --db "$work/x" --publish-dir "$work/p" --replica-of "$work/p"
check "replica-poll-ms 5" any "replica-poll-ms.*5.*not in range" -- \
  "$server" --db "$work/x" --replica-of "$work/p" --replica-poll-ms 5
check "replica-poll-ms without replica-of" any "replica-poll-ms.*requires.*replica-of" -- \
  "$server" --db "$work/x" --replica-poll-ms 500
check "replica-of a missing folder" 1 "--replica-of: '.*/nowhere' is not a folder" -- \
  "$server" --db "$work/x" --listen 127.0.0.1:0 --replica-of "$work/nowhere"
touch "$work/a-file"
check "publish-dir under a file" 1 "--publish-dir: cannot make folder '.*/a-file/pub'" -- \
  "$server" --db "$work/x" --listen 127.0.0.1:0 --publish-dir "$work/a-file/pub"

demo=$src/data/demo
check "import demo" 0 "accepted 238 records" -- "$indexer" import --db "$work/db" \
  "$demo/organizations.jsonl" "$demo/capabilities.jsonl" "$demo/needs.jsonl" "$demo/ties.jsonl"

start_writer() {
  "$server" --db "$work/db" --listen 127.0.0.1:0 --port-file "$work/writer.port" \
    --publish-dir "$work/pub" --publish-seconds 1 2>>"$work/writer.log" &
  pids+=($!)
  writer_pid=$!
}
start_replica() {  # start_replica NAME
  rm -f "$work/$1.port"
  "$server" --db "$work/$1" --listen 127.0.0.1:0 --port-file "$work/$1.port" \
    --replica-of "$work/pub" --replica-poll-ms 200 2>>"$work/$1.log" &
  pids+=($!)
  eval "${1}_pid=$!"
}
serving() { [[ $("$client" --server "127.0.0.1:$1" health --wait-ms 2000 2>/dev/null) == SERVING ]]; }

start_writer
wait_for 120 test -s "$work/pub/LATEST" || { echo "writer published nothing"; cat "$work/writer.log"; exit 1; }
writer=127.0.0.1:$(cat "$work/writer.port")
start_replica r1
start_replica r2
wait_for 120 test -s "$work/r1.port" && wait_for 120 test -s "$work/r2.port" ||
  { echo "replicas did not start"; cat "$work"/r*.log; exit 1; }
r1=127.0.0.1:$(cat "$work/r1.port")
r2=127.0.0.1:$(cat "$work/r2.port")
check "replica 1 becomes SERVING" 0 "" -- wait_for 120 serving "${r1#*:}"
check "replica 2 becomes SERVING" 0 "" -- wait_for 120 serving "${r2#*:}"
check "replica stats" 0 '"role": "replica"' -- "$client" --server "$r1" stats
check "replica stats sequence" 0 '"snapshot_sequence": "[0-9]+"' -- "$client" --server "$r1" stats
check "writer stats" 0 '"role": "writer"' -- "$client" --server "$writer" stats

printf '%s\n' '{"organization": {"id": "org:replicated", "kind": "ORGANIZATION_KIND_FIRM", "name": "Replicated LLP", "country": "KZ"}}' >"$work/new.jsonl"
check "replica refuses a write" any "read replica.*writer role" -- "$client" --server "$r1" upsert "$work/new.jsonl"
written=$(now_ms)
check "write on the writer" 0 "accepted 1 records" -- "$client" --server "$writer" upsert "$work/new.jsonl"
visible() { "$client" --server "$1" get --kind organization --id org:replicated; }
check "write visible on replica 1" 0 "" -- wait_for 60 visible "$r1"
lag1=$(($(now_ms) - written))
check "write visible on replica 2" 0 "" -- wait_for 60 visible "$r2"
lag2=$(($(now_ms) - written))
echo "write-to-replica lag: ${lag1} ms (replica 1), ${lag2} ms (replica 2) with --publish-seconds 1 --replica-poll-ms 200"

# Queries over both replicas keep answering while replica 1 is killed
# (while snapshots keep coming) and restarted.
both=$r1,$r2
failures=0
for i in $(seq 1 10); do
  "$client" --server "$both" get --kind organization --id org:replicated >/dev/null 2>&1 || failures=$((failures + 1))
done
printf '%s\n' '{"organization": {"id": "org:during-kill", "kind": "ORGANIZATION_KIND_FIRM", "name": "During Kill", "country": "KZ"}}' >"$work/kill.jsonl"
"$client" --server "$writer" upsert "$work/kill.jsonl" >/dev/null 2>&1
kill -KILL "$r1_pid"
for i in $(seq 1 20); do
  "$client" --server "$both" get --kind organization --id org:replicated >/dev/null 2>&1 || failures=$((failures + 1))
done
start_replica r1
wait_for 120 test -s "$work/r1.port"
r1=127.0.0.1:$(cat "$work/r1.port")
check "killed replica serves again" 0 "" -- wait_for 120 serving "${r1#*:}"
check "killed replica has the write made before the kill" 0 "" -- wait_for 60 "$client" --server "$r1" get --kind organization --id org:during-kill
both=$r1,$r2
for i in $(seq 1 10); do
  "$client" --server "$both" get --kind organization --id org:replicated >/dev/null 2>&1 || failures=$((failures + 1))
done
check "no failed read over two replicas while one restarted" 0 "^0$" -- echo "$failures"
check "replica log names the swap time" 0 "swapped in [0-9]+ us" -- cat "$work/r2.log"
check "writer log names the publish time" 0 "published snapshot [0-9]+ .* in [0-9]+ ms" -- cat "$work/writer.log"
grep -hE "published snapshot|swapped in" "$work/writer.log" "$work/r2.log" | tail -4

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
