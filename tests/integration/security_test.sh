#!/usr/bin/env bash
# The security flags and commands end to end, with good and bad input
# (docs/security.md): `helixmatch token hash`; the tokens file (digest
# lines, mode check, SIGHUP reload that keeps the old tokens when the new
# file is bad); the server's --tls-cert/--tls-key/--tls-client-ca,
# --allow-insecure and the loopback-only default, --backup-root and
# --audit-log; the client's HELIXMATCH_TOKEN, --token-file and
# --tls-ca/--tls-cert/--tls-key; claimed and confirmed outcomes.
#   security_test.sh BUILD_DIR SOURCE_DIR
# Uses the real word vectors (scripts/fetch-word-vectors.sh) and openssl.
set -uo pipefail
build=$1
src=$2
indexer=$build/indexer/helixmatch-indexer
server=$build/services/helixmatch-server
client=$build/services/helixmatch
work=$(mktemp -d -t helixmatch-security-XXXXXX)
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
ok() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAILED $*"; }

# start_server LOG ARGS...: starts the server, waits for its port file;
# sets server_pid and addr.
start_server() {
  local log=$1
  shift
  rm -f "$work/port"
  "$server" --db "$work/db" --port-file "$work/port" "$@" 2>"$log" &
  server_pid=$!
  for _ in $(seq 1 600); do
    [[ -s $work/port ]] && break
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  addr=127.0.0.1:$(cat "$work/port" 2>/dev/null)
}
stop_server() {  # stop_server NAME LOG: SIGTERM, expects a clean stop
  kill -TERM "$server_pid"
  wait "$server_pid"
  local status=$?
  server_pid=""
  if [[ $status -eq 0 ]] && grep -q "stopped cleanly" "$2"; then ok; else
    fail "$1: exit $status"; cat "$2"
  fi
}

demo=$src/data/demo
"$indexer" import --db "$work/db" "$demo/organizations.jsonl" \
  "$demo/capabilities.jsonl" "$demo/needs.jsonl" "$demo/ties.jsonl" >/dev/null 2>&1 ||
  fail "demo import"

# ---------------------------------------------------------- token hash
check "token hash operator" 0 '^sha256:[0-9a-f]{64} operator$' -- \
  bash -c "'$client' token hash --role operator 2>/dev/null"
check "token hash prints the token on stderr" 0 '^token: [A-Za-z0-9_-]{43}$' -- \
  bash -c "'$client' token hash --role operator 2>&1 >/dev/null"
check "token hash organization" 0 '^sha256:[0-9a-f]{64} organization org:altai-mmu$' -- \
  "$client" token hash --role organization --organization org:altai-mmu --token-out "$work/altai.token"
[[ $(stat -c %a "$work/altai.token") == 600 ]] && ok || fail "token-out mode 600"
check "token hash --token-out exists" 2 "--token-out: cannot create .* must not exist yet" -- \
  "$client" token hash --role organization --organization org:altai-mmu --token-out "$work/altai.token"
check "token hash organization without id" 2 "--organization: is required" -- \
  "$client" token hash --role organization
check "token hash operator with id" 2 "--organization: an operator has no organization" -- \
  "$client" token hash --role operator --organization org:x
check "token hash bad role" 105 "role" -- "$client" token hash --role admin
want=$(printf '%s' 'a-known-token-0123456789' | sha256sum | cut -d' ' -f1)
check "token hash --stdin" 0 "^sha256:$want programme org:p$" -- \
  bash -c "printf 'a-known-token-0123456789\n' | '$client' token hash --role programme --organization org:p --stdin"
check "token hash --stdin empty" 2 "--stdin: no token was read" -- \
  bash -c "printf '' | '$client' token hash --role operator --stdin"
check "token without subcommand" 106 "subcommand" -- "$client" token

# ------------------------------------------------------- the tokens file
op_token=$("$client" token hash --role operator --token-out "$work/op.token" >"$work/tokens" 2>/dev/null; cat "$work/op.token")
"$client" token hash --role organization --organization org:tokyrau-copper \
  --token-out "$work/firm.token" >>"$work/tokens" 2>/dev/null
"$client" token hash --role organization --organization org:altai-mmu --stdin \
  <"$work/altai.token" >>"$work/tokens" 2>/dev/null
chmod 644 "$work/tokens"
check "server tokens file readable by others" 1 "has mode 0644: group or others .* chmod 600" -- \
  "$server" --db "$work/db" --listen 127.0.0.1:0 --principals "$work/tokens"
chmod 600 "$work/tokens"
printf 'sha256:abc operator\n' >"$work/bad.tokens"; chmod 600 "$work/bad.tokens"
check "server bad digest line" 1 "bad.tokens:1: a digest is 'sha256:' and 64 hex digits" -- \
  "$server" --db "$work/db" --listen 127.0.0.1:0 --principals "$work/bad.tokens"

# ------------------------------------------- where a server may listen
check "no tokens file: loopback only" 1 "refusing to listen on '0.0.0.0:0' without --principals" -- \
  "$server" --db "$work/db" --listen 0.0.0.0:0
check "--allow-insecure needs tokens too" 1 "without --principals" -- \
  "$server" --db "$work/db" --listen 0.0.0.0:0 --allow-insecure
check "network without TLS" 1 "refusing to listen on '0.0.0.0:0' without TLS.*--allow-insecure" -- \
  "$server" --db "$work/db" --listen 0.0.0.0:0 --principals "$work/tokens"
check "HTTP: no tokens file, loopback only" 1 "refusing to listen on '0.0.0.0:0' without --principals" -- \
  "$server" --db "$work/db" --listen 127.0.0.1:0 --http-listen 0.0.0.0:0
check "HTTP: network without TLS" 1 "refusing to listen on '0.0.0.0:0' without TLS" -- \
  "$server" --db "$work/db" --listen 127.0.0.1:0 --http-listen 0.0.0.0:0 --principals "$work/tokens"
check "--tls-cert without --tls-key" 1 "--tls-key: is required with --tls-cert" -- \
  "$server" --db "$work/db" --listen 127.0.0.1:0 --tls-cert "$work/tokens"
check "--tls-client-ca alone" 1 "--tls-client-ca: needs --tls-cert and --tls-key" -- \
  "$server" --db "$work/db" --listen 127.0.0.1:0 --tls-client-ca "$work/tokens"
check "--tls-cert not PEM" 1 "--tls-cert: '.*' holds no PEM block" -- \
  "$server" --db "$work/db" --listen 127.0.0.1:0 --tls-cert "$work/tokens" --tls-key "$work/tokens"
check "--audit-log unopenable" 1 "audit log '.*/no/such/audit.jsonl' cannot be opened" -- \
  "$server" --db "$work/db" --listen 127.0.0.1:0 --audit-log "$work/no/such/audit.jsonl"

# A throwaway CA, a server certificate for 127.0.0.1, a client
# certificate, and a second CA the server does not trust.
(
  cd "$work" || exit 1
  key="-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
  for ca in ca other-ca; do
    openssl req -x509 $key -days 2 -subj "/CN=test $ca" -keyout $ca.key -out $ca.pem
  done
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >server.ext
  for pair in server:ca client:ca other-client:other-ca; do
    name=${pair%%:*} ca=${pair##*:}
    openssl req -new $key -subj "/CN=$name" -keyout $name.key -out $name.csr
    ext=""; [[ $name == server ]] && ext="-extfile server.ext"
    openssl x509 -req -in $name.csr -CA $ca.pem -CAkey $ca.key -CAcreateserial \
      -days 2 -out $name.pem $ext
  done
) >"$work/openssl.log" 2>&1 || { fail "openssl"; cat "$work/openssl.log"; }

check "--tls-key missing" 1 "--tls-key: '.*nope.pem' cannot be read" -- \
  "$server" --db "$work/db" --listen 127.0.0.1:0 --tls-cert "$work/server.pem" --tls-key "$work/nope.pem"
check "--tls-client-ca not PEM" 1 "--tls-client-ca: '.*tokens' holds no PEM block" -- \
  "$server" --db "$work/db" --listen 127.0.0.1:0 --tls-cert "$work/server.pem" \
  --tls-key "$work/server.key" --tls-client-ca "$work/tokens"

# ------------------------- mutual TLS, tokens, audit log, backup root
mkdir -p "$work/backups"
start_server "$work/server.log" --listen 127.0.0.1:0 --principals "$work/tokens" \
  --tls-cert "$work/server.pem" --tls-key "$work/server.key" \
  --tls-client-ca "$work/ca.pem" --audit-log "$work/audit.jsonl" \
  --backup-root "$work/backups"
grep -q "mutual TLS" "$work/server.log" && ok || { fail "server says mutual TLS"; cat "$work/server.log"; }
tls=(--tls-ca "$work/ca.pem" --tls-cert "$work/client.pem" --tls-key "$work/client.key")
as_op=("$client" --server "$addr" "${tls[@]}" --token-file "$work/op.token")
check "mTLS + --token-file" 0 '"needs"' -- "${as_op[@]}" stats
check "HELIXMATCH_TOKEN" 0 '"needs"' -- env HELIXMATCH_TOKEN="$op_token" "$client" --server "$addr" "${tls[@]}" stats
check "no token" 2 "missing 'authorization: Bearer TOKEN'" -- env -u HELIXMATCH_TOKEN "$client" --server "$addr" "${tls[@]}" stats
check "--token still works" 0 '"needs"' -- "$client" --server "$addr" "${tls[@]}" --token "$op_token" stats
check "--help notes --token is visible" 0 "visible to other users in .ps." -- "$client" --help
check "plaintext client" 1 "server unavailable" -- "$client" --server "$addr" --timeout-ms 3000 --token "$op_token" stats
check "no client certificate" 1 "server unavailable" -- \
  "$client" --server "$addr" --timeout-ms 3000 --tls-ca "$work/ca.pem" --token "$op_token" stats
check "client certificate of another CA" 1 "server unavailable" -- \
  "$client" --server "$addr" --timeout-ms 3000 --tls-ca "$work/ca.pem" \
  --tls-cert "$work/other-client.pem" --tls-key "$work/other-client.key" --token "$op_token" stats
check "client trusting another CA" 1 "server unavailable" -- \
  "$client" --server "$addr" --timeout-ms 3000 --tls-ca "$work/other-ca.pem" \
  --tls-cert "$work/client.pem" --tls-key "$work/client.key" --token "$op_token" stats
check "--tls-cert without --tls-key" 2 "--tls-cert and --tls-key come together" -- \
  "$client" --server "$addr" --tls-ca "$work/ca.pem" --tls-cert "$work/client.pem" stats
check "--tls-cert without --tls-ca" 2 "--tls-cert needs --tls-ca" -- \
  "$client" --server "$addr" --tls-cert "$work/client.pem" --tls-key "$work/client.key" stats
check "--tls-ca missing" 2 "--tls-ca: '.*nope.pem' cannot be read" -- \
  "$client" --server "$addr" --tls-ca "$work/nope.pem" stats
chmod 644 "$work/firm.token"
check "--token-file readable by others" 2 "--token-file: .* may be read or written by group or others" -- \
  "$client" --server "$addr" "${tls[@]}" --token-file "$work/firm.token" stats
chmod 600 "$work/firm.token"
check "--token-file missing" 2 "--token-file: '.*nope.token' cannot be read" -- \
  "$client" --server "$addr" "${tls[@]}" --token-file "$work/nope.token" stats
: >"$work/empty.token"; chmod 600 "$work/empty.token"
check "--token-file empty" 2 "--token-file: '.*empty.token' holds no token" -- \
  "$client" --server "$addr" "${tls[@]}" --token-file "$work/empty.token" stats

as_firm=("$client" --server "$addr" "${tls[@]}" --token-file "$work/firm.token")
as_altai=("$client" --server "$addr" "${tls[@]}" --token-file "$work/altai.token")
# Claimed, then confirmed.
check "outcome is a claim" 0 '"recorded_by": "org:altai-mmu"' -- "${as_altai[@]}" outcome --id sec-1 \
  --offered-by org:altai-mmu --offered-to org:tokyrau-copper --kind contract-signed --year 2025 \
  --note "secret-note-text"
check "recorder cannot confirm" 2 "FAILED_PRECONDITION|the other party or an operator confirms it" -- \
  "${as_altai[@]}" confirm-outcome --id sec-1
check "confirm-outcome unknown" 2 "outcome 'nope' not found" -- "${as_firm[@]}" confirm-outcome --id nope
check "confirm-outcome bad id" 2 "outcome_id" -- "${as_firm[@]}" confirm-outcome --id "bad id"
check "confirm-outcome without --id" 106 "--id is required" -- "${as_firm[@]}" confirm-outcome
check "other party confirms" 0 '"confirmed_by": "org:tokyrau-copper"' -- "${as_firm[@]}" confirm-outcome --id sec-1
check "firm cannot record others' outcome" 2 "belongs to other organizations" -- "${as_firm[@]}" outcome --id sec-2 \
  --offered-by org:saryarka-tu --offered-to org:saryarka-coal --kind contract-signed --year 2025
# Backups go under the root only.
check "backup relative" 0 "$work/backups/nightly" -- "${as_op[@]}" backup --to nightly
check "backup outside the root" 2 "folder: '/tmp/elsewhere' is not inside the backup root" -- \
  "${as_op[@]}" backup --to /tmp/elsewhere
check "backup escaping with .." 2 "is not inside the backup root" -- "${as_op[@]}" backup --to ../escape
[[ ! -e $work/escape ]] && ok || fail "backup escaped the root"
# The audit log: writes and refusals, ids and codes, never record text.
check "audit: the claim" 0 '"rpc":"RecordOutcome","records":\["outcome/sec-1"\],"status":"OK"' -- cat "$work/audit.jsonl"
check "audit: the confirmation" 0 '"organization":"org:tokyrau-copper","rpc":"ConfirmOutcome"' -- cat "$work/audit.jsonl"
check "audit: refused" 0 '"rpc":"RecordOutcome","records":\["outcome/sec-2"\],"status":"PERMISSION_DENIED"' -- cat "$work/audit.jsonl"
check "audit: unauthenticated" 0 '"principal":"unauthenticated","rpc":"Stats"' -- cat "$work/audit.jsonl"
check "audit: backup folder" 0 '"rpc":"Backup".*"folder":".*/backups/nightly"' -- cat "$work/audit.jsonl"
if grep -q "secret-note-text\|$op_token" "$work/audit.jsonl"; then fail "audit log holds record text or a token"; else ok; fi

# SIGHUP: a new tokens file replaces the old set; a bad one keeps it.
new_token=$("$client" token hash --role operator 2>&1 >"$work/tokens.new" | sed 's/^token: //')
cat "$work/tokens.new" >"$work/tokens"
kill -HUP "$server_pid"
for _ in $(seq 1 50); do grep -q "principals reloaded" "$work/server.log" && break; sleep 0.1; done
check "after reload, the new token" 0 '"needs"' -- "$client" --server "$addr" "${tls[@]}" --token "$new_token" stats
check "after reload, the old token" 2 "unknown token" -- "${as_op[@]}" stats
printf 'not-a-valid-line\n' >"$work/tokens"
kill -HUP "$server_pid"
for _ in $(seq 1 50); do grep -q "not reloaded" "$work/server.log" && break; sleep 0.1; done
check "bad reload is logged" 0 "tokens file not reloaded, the old tokens stay: .*tokens:1:" -- cat "$work/server.log"
check "bad reload keeps the tokens" 0 '"needs"' -- "$client" --server "$addr" "${tls[@]}" --token "$new_token" stats
cat "$work/tokens.new" >"$work/tokens"; chmod 640 "$work/tokens"
kill -HUP "$server_pid"
for _ in $(seq 1 50); do [[ $(grep -c "not reloaded" "$work/server.log") -ge 2 ]] && break; sleep 0.1; done
check "loose reload is logged" 0 "not reloaded.*mode 0640" -- cat "$work/server.log"
check "loose reload keeps the tokens" 0 '"needs"' -- "$client" --server "$addr" "${tls[@]}" --token "$new_token" stats
stop_server "mTLS server clean stop" "$work/server.log"

# ------------------------------ plaintext on the network, when allowed
chmod 600 "$work/tokens"
start_server "$work/insecure.log" --listen 0.0.0.0:0 --principals "$work/tokens" --allow-insecure
check "--allow-insecure serves plaintext" 0 '"needs"' -- "$client" --server "$addr" --token "$new_token" stats
check "backup without --backup-root" 2 "Backup is off: start the server with --backup-root" -- \
  "$client" --server "$addr" --token "$new_token" backup --to "$work/b"
stop_server "insecure server clean stop" "$work/insecure.log"

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
