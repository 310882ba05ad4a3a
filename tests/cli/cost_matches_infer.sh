#!/bin/sh
# End to end through the CLI: the PI cost model's offline and online bytes and
# rounds (`pinas cost --model pi --json`) equal what `pinas infer --json`
# reports for a real session with `pinas serve` over loopback TCP, for the
# linear backend given (he or ot). Bytes and rounds need no measured unit
# costs, so the calibration is a bare protocol description.
# usage: cost_matches_infer.sh PINAS he|ot
set -u
PINAS=$1
LINEAR=$2
WORK=$(mktemp -d)
SERVER=
cleanup() {
  [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM
fail() {
  echo "FAILED: $*"
  exit 1
}
# A NAS-Bench-201 cell with every op kind (conv 3x3 and 1x1, zero, average pool, skip) on 16x16 inputs.
cat >"$WORK/genotype.txt" <<'GENOTYPE'
nb201 { edges: [NB201_NOR_CONV_3X3, NB201_SKIP_CONNECT, NB201_NOR_CONV_1X1, NB201_NONE, NB201_AVG_POOL_3X3, NB201_SKIP_CONNECT] }
input_shape { channels: 3 height: 16 width: 16 }
num_classes: 10
GENOTYPE
"$PINAS" pi random-model "$WORK/genotype.txt" --out "$WORK/model.pb" >/dev/null || fail "pinas pi random-model"
python3 -c "import sys; sys.stdout.buffer.write(b'\0' * (3 * 16 * 16 * 4))" >"$WORK/input.f32"
printf 'ring_bits: 48\nfractional_bits: 10\nlinear_backend: "%s"\nnetwork { bandwidth_bytes_per_second: 1e9 }\n' \
  "$LINEAR" >"$WORK/protocol.txt"
port=$((20000 + $$ % 20000))
"$PINAS" serve "$WORK/model.pb" --bind 127.0.0.1 --port "$port" --max-sessions 1 --linear "$LINEAR" \
  >"$WORK/serve.log" 2>&1 &
SERVER=$!
ok=
for attempt in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
  if "$PINAS" infer --server "127.0.0.1:$port" --input "$WORK/input.f32" --json >"$WORK/infer.json" \
    2>"$WORK/infer.err"; then
    ok=1
    break
  fi
  sleep 0.5
done
[ -n "$ok" ] || fail "infer: $(cat "$WORK/infer.err") serve: $(cat "$WORK/serve.log")"
wait "$SERVER" 2>/dev/null
SERVER=
"$PINAS" cost "$WORK/genotype.txt" --model pi --calibration "$WORK/protocol.txt" --json >"$WORK/cost.json" ||
  fail "pinas cost"
python3 - "$WORK/infer.json" "$WORK/cost.json" <<'PY'
import json, sys
infer, cost = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
pairs = [("offline_bytes", "offline_bytes"), ("online_bytes", "online_bytes"), ("rounds", "online_rounds")]
bad = [f"{m}: infer {infer[m]}, cost {cost[p]}" for m, p in pairs if int(infer[m]) != int(cost[p])]
print("; ".join(f"{m} {infer[m]}" for m, _ in pairs))
sys.exit("FAILED: " + "; ".join(bad) if bad else 0)
PY
