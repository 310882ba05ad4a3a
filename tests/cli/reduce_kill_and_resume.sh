#!/usr/bin/env bash
# `pinas reduce` killed with SIGKILL after its first mask epoch and continued with
# --resume ends with the same reduced model (same text form of the exported
# file) and the same front as an uninterrupted run with the same seed (single
# thread).
#   reduce_kill_and_resume.sh PINAS TEACHER.pb WORKDIR
set -euo pipefail
pinas=$1 teacher=$2 work=$3
rm -rf "$work"
mkdir -p "$work"
common=("$teacher" --method snl --budget 1000 --data fashion-mnist --subset 3000 --test-subset 200 --threads 1
        --batch 64 --epochs 3 --finetune-epochs 2 --snl-lambda 1e-3 --snl-alpha-lr 0.05 --quiet)

"$pinas" reduce "${common[@]}" --out "$work/straight" > /dev/null

"$pinas" reduce "${common[@]}" --out "$work/killed" > /dev/null &
child=$!
until grep -q "mask epoch 1:" "$work/killed/reduce.log" 2> /dev/null; do
  if ! kill -0 "$child" 2> /dev/null; then echo "the reduction ended before it could be killed" >&2; exit 1; fi
  sleep 0.02
done
kill -KILL "$child"
wait "$child" 2> /dev/null || true
if [ -f "$work/killed/snl-1000/result.json" ]; then echo "the reduction ended before it was killed" >&2; exit 1; fi
echo "killed after $(grep -c 'mask epoch' "$work/killed/reduce.log") mask and $(grep -c 'finetune epoch' "$work/killed/reduce.log") finetune epoch(s)"

"$pinas" reduce "${common[@]}" --out "$work/killed" --resume > /dev/null

root=$(cd "$(dirname "$0")/../.." && pwd)
# The payload inside the model-file envelope (20-byte header, 4-byte CRC), as text (maps sorted).
decode() { tail -c +21 "$1" | head -c -4 | protoc --decode=pinas.pb.Model -I "$root" "$root/proto/model.proto"; }
decode "$work/straight/snl-1000/model.pb" > "$work/straight.txt"
decode "$work/killed/snl-1000/model.pb" > "$work/killed.txt"
[ -s "$work/straight.txt" ] && cmp -s "$work/straight.txt" "$work/killed.txt" ||
  { echo "the resumed reduction's model differs from the uninterrupted run's" >&2; exit 1; }
python3 - "$work/straight/front.json" "$work/killed/front.json" <<'PY'
import json, sys
straight, killed = (json.load(open(p))["networks"] for p in sys.argv[1:])
keys = ("relus", "polynomial_elements", "test_accuracy")
assert [[n[k] for k in keys] for n in straight] == [[n[k] for k in keys] for n in killed], (straight, killed)
print(f"resumed reduction identical: {killed[0]['relus']} ReLUs, test {killed[0]['test_accuracy']:.4f}")
PY
