#!/usr/bin/env bash
# ReLU reduction on CIFAR-10 (JPEG q75) (issue #10): a resnet20-cifar teacher
# trained with `pinas train`, reduced by SNL and AutoReP to 12,900 and 50,000
# ReLUs, for comparison with the published ResNet-18 figures
# (../shared/docs/methods.md: SNL 12.9K -> 88.2, 50K -> 92.3; AutoReP 12.9K ->
# 94.31). Label the results "ResNet-20, CIFAR-10 (JPEG q75), N epochs": the
# backbone, epochs and data differ from the papers'.
#
# Usage: run.sh [--device cpu|cuda] [--resume]   (every step resumes; rerun after a kill)
#   PINAS=build/nas/pinas  OUT=experiments/runs/reduction_cifar10  DATA=/tmp/pinas-cifar10
#   THREADS=N  intra-op threads (default: every core; 1 on a machine shared with other jobs)
#
# CPU schedule (2 cores, a few hours in all): teacher 20 epochs on all 50,000
# images (SGD 0.1 cosine); SNL mask phase <= 4 epochs on 10,000 stratified
# images (alpha Adam 1e-2, lambda0 1e-4, stop test every 10 steps) + 3 finetune
# epochs; AutoReP 10 epochs on 10,000 images (gates Adam 1e-2, lambda 80,
# DaPa x^2 scale 0.2 and variance floor 0.04 as the released code; with the
# exact fit, --autorep-x2-scale 1, ResNet-20 diverged from epoch 1).
# --device cuda: the papers' schedules (teacher 160 epochs; SNL cap 2000 + 100
# finetune; AutoReP 200 epochs) on the full training set.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
pinas=${PINAS:-$root/build/nas/pinas}
out=${OUT:-$root/experiments/runs/reduction_cifar10}
data=${DATA:-/tmp/pinas-cifar10}
device=cpu
while (($#)); do
  case "$1" in
    --device) device=$2; shift 2 ;;
    --resume) shift ;;
    *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
mkdir -p "$out"
log=$out/run.log
say() { echo "[$(date -u +%FT%TZ)] $*" | tee -a "$log"; }
[[ -d $data/cifar10-jpeg-q75 ]] || "$root/scripts/fetch-cifar10-jpeg" "$data"
spec=folder:$data/cifar10-jpeg-q75
threads=()
[[ -n ${THREADS:-} ]] && threads=(--threads "$THREADS")

teacher_epochs=20 subset=(--subset 10000) snl=(--snl-lambda 1e-4 --snl-patience 2 --snl-alpha-lr 1e-2 --snl-check-every 10 --epochs 4 --finetune-epochs 3)
autorep=(--autorep-gate-lr 1e-2 --epochs 10)
if [[ $device != cpu ]]; then teacher_epochs=160 subset=() snl=() autorep=(); fi

if [[ ! -f $out/teacher.pb ]]; then
  say "training resnet20-cifar ($teacher_epochs epochs, $device)"
  "$pinas" train resnet20-cifar --data "$spec" --epochs "$teacher_epochs" --batch 128 --lr 0.1 --seed 1 \
    --out "$out/teacher" --resume "${threads[@]}" --json > "$out/teacher.json"
  "$pinas" export "$out/teacher" --out "$out/teacher.pb"
fi
for method in snl autorep; do
  if [[ $method == snl ]]; then schedule=("${snl[@]}"); else schedule=("${autorep[@]}"); fi
  say "reduce $method to 12900,50000"
  "$pinas" reduce "$out/teacher.pb" --method "$method" --budget 12900,50000 --data "$spec" "${subset[@]}" \
    "${schedule[@]}" "${threads[@]}" --device "$device" --out "$out/$method" --resume --json > "$out/$method.json" 2>> "$log"
done
/usr/bin/python3 "$root/experiments/reduction_fashion_mnist/table.py" "$out" | sed 's/Fashion-MNIST/CIFAR-10 (JPEG q75), ResNet-20/' | tee "$out/RESULTS.md"
