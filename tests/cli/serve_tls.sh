#!/usr/bin/env bash
# pinas serve over TLS 1.3 with client authentication, as two real processes:
#   serve_tls.sh PINAS MODEL IMAGES WORKDIR
# Certificates come from the openssl tool (a CA, a server certificate for
# 127.0.0.1, a client certificate, and a client certificate from another CA).
# The server (--port 0, read back from its `port N` stdout line) serves a
# client with the right certificate, refuses one without a certificate, one
# with the other CA's certificate and a plain-TCP client (each exit status 2
# with a clear line), then serves the next honest client; the served logits
# equal `pinas pi reference` bit for bit. Prints "tls: served 2, refused 3".
set -euo pipefail
pinas=$1 model=$2 images=$3 workdir=$4
rm -rf "$workdir"
mkdir -p "$workdir"
cd "$workdir"
key="-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes"
{
  for ca in ca other-ca; do
    openssl req -x509 $key -keyout $ca.key -out $ca.pem -days 2 -subj /CN=pinas-test-$ca
  done
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' > server.ext
  printf 'extendedKeyUsage=clientAuth\n' > client.ext
  for leaf in server:ca:server.ext client:ca:client.ext stranger:other-ca:client.ext; do
    IFS=: read -r name ca ext <<< "$leaf"
    openssl req $key -keyout $name.key -out $name.csr -subj /CN=$name
    openssl x509 -req -in $name.csr -CA $ca.pem -CAkey $ca.key -CAcreateserial -days 2 -out $name.pem -extfile $ext
  done
} > openssl.log 2>&1

"$pinas" serve "$model" --port 0 --max-sessions 5 --tls-cert server.pem --tls-key server.key \
  --tls-client-ca ca.pem > serve.out 2> serve.log &
server=$!
trap 'kill $server 2>/dev/null || true; cat serve.log >&2' EXIT
port=
for _ in $(seq 300); do
  port=$(sed -n 's/^port \([0-9][0-9]*\)$/\1/p' serve.out)
  [ -n "$port" ] && break
  kill -0 $server 2>/dev/null || { echo "pinas serve exited early" >&2; exit 1; }
  sleep 0.1
done
[ -n "$port" ] || { echo "pinas serve printed no 'port N' line" >&2; exit 1; }

# infer NAME EXPECTED_STATUS EXPECTED_STDERR_REGEX [INFER_ARGS...]
infer() {
  local name=$1 expected_status=$2 expected=$3
  shift 3
  local status=0
  "$pinas" infer --server "127.0.0.1:$port" --input "$images" --index 3 --json "$@" > "$name.json" \
    2> "$name.err" || status=$?
  [ "$status" = "$expected_status" ] || { echo "$name: exit status $status, not $expected_status" >&2; cat "$name.err" >&2; exit 1; }
  if [ -z "$expected" ]; then
    [ ! -s "$name.err" ] || { echo "$name: unexpected stderr" >&2; cat "$name.err" >&2; exit 1; }
  else
    grep -Eq "$expected" "$name.err" || { echo "$name: stderr does not match '$expected'" >&2; cat "$name.err" >&2; exit 1; }
  fi
  if [ "$expected_status" = 2 ]; then
    [ "$(wc -l < "$name.err")" = 1 ] || { echo "$name: more than one line on stderr" >&2; exit 1; }
  fi
}
good=(--tls-ca ca.pem --tls-cert client.pem --tls-key client.key)
infer first 0 '' "${good[@]}"
infer no-certificate 2 '^pinas: error: TLS handshake with 127\.0\.0\.1:[0-9]+ failed: refused by the server: it requires a client certificate' --tls-ca ca.pem
infer other-ca 2 '^pinas: error: TLS handshake with 127\.0\.0\.1:[0-9]+ failed: refused by the server: it does not accept our client certificate' \
  --tls-ca ca.pem --tls-cert stranger.pem --tls-key stranger.key
infer plain-tcp 2 '^pinas: error: .*refused: this server accepts TLS 1\.3 connections only'
infer last 0 '' "${good[@]}"
wait $server
trap - EXIT
for expected in "the client presented no certificate" "not signed by the client CA" "the client does not speak TLS" \
                "listening on 127.0.0.1:$port .*TLS 1.3, client certificates required"; do
  grep -q "$expected" serve.log || { echo "serve.log lacks '$expected'" >&2; cat serve.log >&2; exit 1; }
done
[ "$(grep -c '^pinas serve: served ' serve.log)" = 2 ] || { echo "not 2 sessions served" >&2; cat serve.log >&2; exit 1; }
"$pinas" pi reference "$model" --input "$images" --index 3 > reference.json
python3 - <<'PY'
import json
reference = json.load(open("reference.json"))["logits_fixed"]
for name in ["first", "last"]:
    private = json.load(open(f"{name}.json"))["logits_fixed"]
    assert private == reference, f"{name}: private {private} != reference {reference}"
PY
echo "tls: served 2, refused 3, bit-exact"
