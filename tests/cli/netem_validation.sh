#!/bin/sh
# The cost model's network model on a real shaped link (issue 12): pinas serve
# and pinas infer run in two network namespaces joined by a veth pair whose
# both ends are shaped with tc netem (rate and delay), at two settings; the
# measured offline + online seconds of the session are compared with the PI
# cost model's prediction for the same bandwidth and round trip, from a
# calibration measured on this machine first. Prints "skipped: REASON" and
# exits 77 where namespaces, veth pairs or netem cannot be set up (not root,
# no iproute2, no sch_netem in the kernel).
#
# usage: netem_validation.sh PINAS [TOLERANCE]   (relative error allowed, default 0.35)
set -u
PINAS=$1
TOLERANCE=${2:-0.35}
skip() {
  echo "skipped: $*"
  exit 77
}
fail() {
  echo "FAILED: $*"
  exit 1
}
[ "$(id -u)" -eq 0 ] || skip "needs root to create network namespaces"
command -v ip >/dev/null 2>&1 || skip "ip (iproute2) is not installed"
command -v tc >/dev/null 2>&1 || skip "tc (iproute2) is not installed"
command -v python3 >/dev/null 2>&1 || skip "python3 is not installed"

S=pinas_netem_s$$
C=pinas_netem_c$$
VS=pns$$
VC=pnc$$
WORK=$(mktemp -d)
SERVER=
cleanup() {
  [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null
  ip netns del "$S" 2>/dev/null
  ip netns del "$C" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

ip netns add "$S" 2>/dev/null || skip "cannot create a network namespace (ip netns add failed)"
ip netns add "$C" 2>/dev/null || skip "cannot create a second network namespace"
ip link add "$VS" netns "$S" type veth peer name "$VC" netns "$C" 2>/dev/null ||
  skip "cannot create a veth pair between namespaces"
ip -n "$S" addr add 10.213.0.1/24 dev "$VS" && ip -n "$C" addr add 10.213.0.2/24 dev "$VC" &&
  ip -n "$S" link set "$VS" up && ip -n "$C" link set "$VC" up &&
  ip -n "$S" link set lo up && ip -n "$C" link set lo up || fail "cannot configure the veth pair"
ip netns exec "$S" tc qdisc add dev "$VS" root netem delay 1ms 2>/dev/null ||
  skip "tc netem is unavailable (the kernel has no sch_netem qdisc)"
ip netns exec "$S" tc qdisc del dev "$VS" root

# A small network, its random-weight model, an input, and a quick calibration.
"$PINAS" sample --space nb201 --seed 3 --out "$WORK/genotype.txt" >/dev/null || fail "pinas sample"
"$PINAS" pi random-model "$WORK/genotype.txt" --out "$WORK/model.pb" >/dev/null || fail "pinas pi random-model"
python3 -c "import sys; sys.stdout.buffer.write(b'\0' * (3 * 32 * 32 * 4))" >"$WORK/input.f32"
"$PINAS" calibrate --probes 1 --size 16 --network loopback --out "$WORK/calibration.txt" >/dev/null 2>&1 ||
  fail "pinas calibrate"

status=0
for setting in "200 2" "20 20"; do
  set -- $setting
  rate=$1
  delay=$2  # one way, ms: the round trip is twice it
  for end in "$S $VS" "$C $VC"; do
    set -- $end
    ip netns exec "$1" tc qdisc replace dev "$2" root netem delay "${delay}ms" rate "${rate}mbit" ||
      fail "tc qdisc replace on $2"
  done
  port=$((17000 + $$ % 1000))
  ip netns exec "$S" "$PINAS" serve "$WORK/model.pb" --bind 10.213.0.1 --port "$port" --max-sessions 1 \
    >"$WORK/serve.log" 2>&1 &
  SERVER=$!
  measured=
  for attempt in 1 2 3 4 5 6 7 8 9 10; do
    if ip netns exec "$C" "$PINAS" infer --server "10.213.0.1:$port" --input "$WORK/input.f32" --json \
      >"$WORK/infer.json" 2>"$WORK/infer.err"; then
      measured=$(python3 -c "import json; r = json.load(open('$WORK/infer.json')); print(r['offline_s'] + r['online_s'])")
      break
    fi
    sleep 1
  done
  wait "$SERVER" 2>/dev/null
  SERVER=
  [ -n "$measured" ] || fail "infer over the shaped link: $(cat "$WORK/infer.err")"
  "$PINAS" cost "$WORK/genotype.txt" --model pi --calibration "$WORK/calibration.txt" \
    --bandwidth-mbit "$rate" --rtt-ms $((2 * delay)) --json >"$WORK/cost.json" || fail "pinas cost"
  python3 - "$WORK/cost.json" "$measured" "$rate" "$delay" "$TOLERANCE" <<'PY' || status=1
import json, sys
cost = json.load(open(sys.argv[1]))
measured, rate, delay, tolerance = float(sys.argv[2]), sys.argv[3], sys.argv[4], float(sys.argv[5])
predicted = cost["offline_s"] + cost["online_s"]
error = (predicted - measured) / measured
print(f"{rate} Mbit/s, {2 * int(delay)} ms round trip: measured {measured:.3f} s, predicted {predicted:.3f} s, "
      f"error {100 * error:+.1f}%")
sys.exit(0 if abs(error) <= tolerance else 1)
PY
done
exit $status
