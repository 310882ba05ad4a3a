#!/usr/bin/env bash
# ReLU reduction on Fashion-MNIST (issue #10): SNL, SNL channel-wise and
# AutoReP at 2,000 / 5,000 / 10,000 / 20,000 ReLUs from cryptonas-fmnist
# (75,264 ReLUs) trained with `pinas train`, and DeepReDuce on a ResNet-20
# (alpha 0.5) fitted to 1x28x28. Every step resumes where it was killed:
# rerun the script (or pass --resume, the same thing).
#
# Usage: run.sh [--device cpu|cuda] [--resume]
#   PINAS=build/nas/pinas  OUT=experiments/runs/reduction_fashion_mnist
#   METHODS="snl snl-channel autorep deepreduce"  BUDGETS=2000,5000,10000,20000
#   THREADS=N  intra-op threads of each pinas reduce (default: every core);
#              on a machine shared with other jobs 1 is faster than 2, since
#              oversubscribed threads wait for each other at every barrier
#
# The CPU schedule (documented in README.md beside this file), sized to at
# most 15 minutes per (method, budget) on 2 cores:
#   data       20,000 stratified training images, 10% validation split, all
#              10,000 test images
#   SNL        mask phase <= 6 epochs (Adam 1e-3 on weights, 1e-2 on alpha,
#              lambda0 1e-4 x1.1 on stalls from epoch 2, stop test every 10
#              steps), binarize, finetune 3 epochs (SGD 1e-3 cosine), KD T=4
#   AutoReP    8 epochs (Adam 1e-3 cosine -> 1e-5, gates 1e-2, lambda 80,
#              hysteresis 0.003, DaPa refit every 10 steps for 500), KD T=4;
#              the exact DaPa fit (x^2 scale 1, no variance floor), with which
#              these figures were made before the released code's 0.2 / 0.04
#              became the defaults
#   DeepReDuce criticality 2 epochs per stage, reduced networks 8 epochs
#              (SGD 0.05 cosine, KD 0.9/T=4)
# With --device cuda the paper's schedules are used instead (SNL 2000/100
# epochs cap, AutoReP 200, DeepReDuce 200) on the full training set.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
pinas=${PINAS:-$root/build/nas/pinas}
out=${OUT:-$root/experiments/runs/reduction_fashion_mnist}
methods=${METHODS:-snl snl-channel autorep deepreduce}
budgets=${BUDGETS:-2000,5000,10000,20000}
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

# 1. Teachers, trained by pinas train (resumable).
train_teacher() {  # NAME ARCH EPOCHS
  local folder=$out/teacher-$1
  if [[ ! -f $folder.pb ]]; then
    say "training teacher $1 ($2, $3 epochs)"
    "$pinas" train "$2" --data fashion-mnist --epochs "$3" --batch 128 --lr 0.05 --seed 1 \
      --out "$folder" --resume --json > "$folder.json"
    "$pinas" export "$folder" --out "$folder.pb"
  fi
}
train_teacher cryptonas cryptonas-fmnist 3
if [[ " $methods " == *" deepreduce "* ]]; then
  # ResNet-20 with alpha 0.5 (stem 8 channels), every ReLU kept.
  echo 'resnet { depth: RESNET_20 channel_scale: 0.5 resolution_divisor: 1 }' > "$out/resnet20-half.txt"
  train_teacher resnet20 "$out/resnet20-half.txt" 3
fi

# 2. One pinas reduce per method (every budget in it; each budget resumes).
for method in $methods; do
  common=(--data fashion-mnist --subset 20000 --out "$out/$method" --resume --device "$device" --json)
  if [[ $device != cpu ]]; then common=(--data fashion-mnist --out "$out/$method" --resume --device "$device" --json); fi
  [[ -n ${THREADS:-} ]] && common+=(--threads "$THREADS")
  case $method in
    snl|snl-channel)
      schedule=(--snl-lambda 1e-4 --snl-patience 2 --snl-alpha-lr 1e-2 --snl-check-every 10 --epochs 6 --finetune-epochs 3)
      [[ $device != cpu ]] && schedule=()
      model=$out/teacher-cryptonas.pb ;;
    autorep)
      schedule=(--autorep-gate-lr 1e-2 --epochs 8 --autorep-x2-scale 1 --dapa-min-variance 1e-12)
      [[ $device != cpu ]] && schedule=()
      model=$out/teacher-cryptonas.pb ;;
    deepreduce)
      schedule=(--criticality-epochs 2 --epochs 8 --lr 0.05)
      [[ $device != cpu ]] && schedule=()
      model=$out/teacher-resnet20.pb
      resnet_relus=$("$pinas" inspect "$model" --totals | sed -E 's/^relus=([0-9]+).*/\1/')
      budgets_here=$((resnet_relus / 2)),$((resnet_relus / 4)),$((resnet_relus / 8)) ;;
  esac
  b=${budgets_here:-$budgets}
  say "reduce $method at $b"
  start=$(date +%s)
  "$pinas" reduce "$model" --method "$method" --budget "$b" "${common[@]}" "${schedule[@]}" \
    > "$out/$method.json" 2>> "$log"
  say "reduce $method done in $(( $(date +%s) - start )) s"
  unset budgets_here
done

# 3. The table.
/usr/bin/python3 "$here/table.py" "$out" | tee "$out/RESULTS.md"
