#!/usr/bin/env bash
# Trains CryptoNAS' 6-layer, 16-channel network (preset cryptonas-fmnist:
# 6·28·28·16 = 75,264 ReLUs) on Fashion-MNIST and records its test accuracy
# and wall time. Usage: run.sh [PINAS] [EPOCHS] [THREADS]
# Writes experiments/runs/fashion_mnist_cryptonas/ (checkpoint, log.jsonl,
# result.json, model.pb) and checks the accuracy goal (>= 89%).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
pinas=${1:-$root/build/nas/pinas}
epochs=${2:-3}
threads=${3:-$(nproc)}
out=$root/experiments/runs/fashion_mnist_cryptonas
mkdir -p "$out"
start=$(date +%s)
"$pinas" train cryptonas-fmnist --data fashion-mnist --epochs "$epochs" --batch 128 --lr 0.05 \
  --weight-decay 5e-4 --seed 1 --threads "$threads" --out "$out" --json > "$out/result.json"
end=$(date +%s)
"$pinas" export "$out" --out "$out/model.pb"
"$pinas" eval "$out/model.pb" --json > "$out/eval.json"
/usr/bin/python3 - "$out" "$((end - start))" "$threads" <<'PY'
import json, sys
out, seconds, threads = sys.argv[1], int(sys.argv[2]), sys.argv[3]
result = json.load(open(f"{out}/result.json"))
evaluation = json.load(open(f"{out}/eval.json"))
print(f"cryptonas-fmnist: {result['epochs']} epochs, {threads} threads, {seconds} s wall, "
      f"{result['images_per_s']:.0f} images/s, ReLUs {result['relus']}, "
      f"test accuracy {100 * result['test_accuracy']:.2f}% (exported model: {100 * evaluation['test_accuracy']:.2f}%)")
assert result["relus"] == 6 * 28 * 28 * 16, result["relus"]
if result["test_accuracy"] < 0.89:
    sys.exit("below the 89% goal")
PY
