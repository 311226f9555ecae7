#!/usr/bin/env bash
# Makes deploy/secrets/ for compose.yaml (deploy/README.md, "Secrets"):
#   ca.pem, ca.key            a CA of your own (keep ca.key offline)
#   server.pem, server.key    the server's certificate for NAMES
#   client.pem, client.key    a client certificate, for mutual TLS
#   tokens                    the tokens file: one operator line
#   operator.token            that operator's token (give it to the operator)
#   deploy/make-secrets.sh [NAME...]   (default: localhost 127.0.0.1)
# Names that are IPv4 addresses go into the certificate as IP entries,
# the others as DNS names. Needs openssl, and the helixmatch client: a
# local build (build/services/helixmatch, or $HELIXMATCH_CLIENT) or else
# the image helixmatch:local through docker. Refuses to overwrite.
set -euo pipefail
cd "$(dirname "$0")"
names=("$@")
[[ ${#names[@]} -eq 0 ]] && names=(localhost 127.0.0.1)
client=${HELIXMATCH_CLIENT:-../build/services/helixmatch}
if [[ ! -x $client ]]; then
  client_cmd=(docker run --rm -i --entrypoint helixmatch helixmatch:local)
else
  client_cmd=("$PWD/$client")
  [[ $client == /* ]] && client_cmd=("$client")
fi
if [[ -e secrets ]]; then
  echo "make-secrets: deploy/secrets exists; move it away to start over" >&2
  exit 1
fi
umask 077
mkdir secrets
cd secrets
san=""
for n in "${names[@]}"; do
  if [[ $n =~ ^[0-9]+(\.[0-9]+){3}$ ]]; then san+="IP:$n,"; else san+="DNS:$n,"; fi
done
printf 'subjectAltName=%s\n' "${san%,}" >server.ext
key=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
openssl req -x509 "${key[@]}" -days 825 -subj "/CN=helixmatch CA" \
  -keyout ca.key -out ca.pem 2>/dev/null
for name in server client; do
  openssl req -new "${key[@]}" -subj "/CN=helixmatch $name" \
    -keyout $name.key -out $name.csr 2>/dev/null
  ext=()
  [[ $name == server ]] && ext=(-extfile server.ext)
  openssl x509 -req -in $name.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
    -days 825 -out $name.pem "${ext[@]}" 2>/dev/null
done
rm -f ./*.csr server.ext ca.srl
# The token is made inside the client and read back from its stderr.
"${client_cmd[@]}" token hash --role operator >tokens 2>operator.token.tmp
sed 's/^token: //' operator.token.tmp >operator.token
rm -f operator.token.tmp
chmod 600 tokens operator.token ./*.key
chmod 644 ./*.pem
# The server in the container runs as uid 10001 and reads the tokens file
# and the key; compose keeps the host files' owner and mode.
if ! chown 10001:10001 tokens server.key 2>/dev/null; then
  echo "make-secrets: now run: sudo chown 10001:10001 deploy/secrets/tokens deploy/secrets/server.key" >&2
fi
echo "make-secrets: deploy/secrets ready for ${names[*]}; the operator's token is in deploy/secrets/operator.token"
