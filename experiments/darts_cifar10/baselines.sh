#!/usr/bin/env bash
# The CIFAR-10 (JPEG q75) comparison of issue #11 for the DARTS search: the
# derived network and 5 architectures drawn uniformly from the sphynx space at
# its skeleton and ReLU count (25,600, L5-C5), each trained by `pinas train`
# with the search's fixed schedule: 30 epochs on the same 5,000-image
# stratified subset (10% held out for validation), batch 96, cosine from 0.025,
# weight decay 3e-4, seed 1; scored on all 10,000 test images.
# Before the search has a complete trial it trains the 5 baselines only,
# drawn at the skeleton of the last derived genotype in the search's log; run
# it again afterwards to add the derived network. Resumes after a kill.
# Output: experiments/runs/darts_cifar10/baselines/ (results.tsv).
# Usage: baselines.sh [PINAS]   (THREADS=N sets the intra-op threads)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
pinas=${1:-$root/build/nas/pinas}
search=experiments/runs/darts_cifar10
experiments/scripts/run_state.sh restore "$search" experiments/darts_cifar10/run_state.tar.gz
[[ -d experiments/runs/data/cifar10-jpeg-q75 ]] || scripts/fetch-cifar10-jpeg experiments/runs/data
# The draws are fixed once (baselines_so_far/samples.tsv), so every session trains the same five.
if [[ ! -f $search/baselines/samples.tsv && -f experiments/darts_cifar10/baselines_so_far/samples.tsv ]]; then
  mkdir -p "$search/baselines"
  cp experiments/darts_cifar10/baselines_so_far/samples.tsv "$search/baselines/samples.tsv"
fi
# Finished trainings are committed (baselines_so_far/NAME/result.json and log.jsonl, without the
# checkpoints); restoring them makes a clean checkout reprint the table instead of retraining.
for done in experiments/darts_cifar10/baselines_so_far/*/result.json; do
  [[ -f $done ]] || continue
  name=$(basename "$(dirname "$done")")
  if [[ ! -f $search/baselines/$name/result.json ]]; then
    mkdir -p "$search/baselines/$name"
    cp "$(dirname "$done")"/* "$search/baselines/$name/"
  fi
done
found=()
key=$("$pinas" top "$search" --k 1 --json 2>/dev/null |
  python3 -c 'import json,sys; t=json.load(sys.stdin); print(t[0]["genotype"] if t else "")' || true)
if [[ -n $key ]]; then
  found=(--found)
else
  derived=$(sed -n 's/^darts epoch .* ReLUs 25600  \(N5-C5-[^ ]*\).*/\1/p' "$search/search.log" | tail -1)
  [[ -n $derived ]] || { echo "$0: no derived genotype in $search/search.log yet" >&2; exit 1; }
  key="sphynx:$derived@3x32x32/10"
fi
threads=()
[[ -n ${THREADS:-} ]] && threads=(--threads "$THREADS")
exec experiments/scripts/random_baselines.sh "${found[@]}" "$key" "$search/baselines" 5 "$pinas" -- \
  --data folder:experiments/runs/data/cifar10-jpeg-q75 --subset 5000 --val-fraction 0.1 --epochs 30 \
  --batch 96 --lr 0.025 --weight-decay 3e-4 --seed 1 --quiet "${threads[@]}"
