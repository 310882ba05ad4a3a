#!/usr/bin/env bash
# Chooses the fixed-point defaults of private inference by measurement: for
# each ring size ℓ and fractional bits f, the test accuracy of the bit-exact
# fixed-point reference on the whole test set (what `pinas serve` computes),
# and the measured cost of one private inference of the same model over
# loopback TCP (`pinas bench pi`: bytes are exact, seconds depend on load).
#
# Usage: run.sh MODEL.pb [PINAS] [CONFIGS...]   CONFIGS like 64:12 32:8
# Writes experiments/runs/fixed_point_sweep/<model>/{ell-f}.{eval,bench}.json
# and prints a Markdown table.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
model=${1:?usage: run.sh MODEL.pb [PINAS] [CONFIGS...]}
pinas=${2:-$root/build/nas/pinas}
shift $(( $# >= 2 ? 2 : 1 ))
configs=("$@")
if [ ${#configs[@]} -eq 0 ]; then
  configs=(64:12 64:10 64:8 48:10 40:10 32:10 32:8 32:6)
fi
out=$root/experiments/runs/fixed_point_sweep/$(basename "$model" .pb)
mkdir -p "$out"
"$pinas" eval "$model" --json > "$out/float.eval.json"
for config in "${configs[@]}"; do
  ring=${config%%:*}
  fractional=${config##*:}
  name=$ring-$fractional
  if [ ! -s "$out/$name.eval.json" ]; then
    "$pinas" eval "$model" --fixed-point --ring-bits "$ring" --fractional-bits "$fractional" --json \
      > "$out/$name.eval.json.part" && mv "$out/$name.eval.json.part" "$out/$name.eval.json"
  fi
  if [ ! -s "$out/$name.bench.json" ]; then
    "$pinas" bench pi "$model" --ring-bits "$ring" --fractional-bits "$fractional" --json \
      > "$out/$name.bench.json.part" && mv "$out/$name.bench.json.part" "$out/$name.bench.json"
  fi
done
/usr/bin/python3 - "$out" "${configs[@]}" <<'PY'
import json, sys
out, configs = sys.argv[1], sys.argv[2:]
float_eval = json.load(open(f"{out}/float.eval.json"))
base = 100 * float_eval["test_accuracy"]
print(f"float: {base:.2f}% on {float_eval['images']} test images of {float_eval['dataset']}\n")
print("| ℓ | f | accuracy | drop (points) | AND/ReLU | offline MB | online MB | per-ReLU offline B | per-ReLU online B |")
print("|---|---|---|---|---|---|---|---|---|")
for config in configs:
    ring, fractional = config.split(":")
    name = f"{ring}-{fractional}"
    e = json.load(open(f"{out}/{name}.eval.json"))
    b = json.load(open(f"{out}/{name}.bench.json"))
    accuracy = 100 * e["test_accuracy"]
    print(f"| {ring} | {fractional} | {accuracy:.2f}% | {base - accuracy:+.2f} | {b['per_relu']['and_gates']} "
          f"| {b['offline_bytes'] / 1e6:,.0f} | {b['online_bytes'] / 1e6:,.1f} "
          f"| {b['per_relu']['offline_bytes']:,.0f} | {b['per_relu']['online_bytes']:,.0f} |")
PY
