#!/usr/bin/env bash
# The DARTS search of this folder derived again with P-DARTS' cap of M = 2
# skip edges in the normal cell (darts { max_normal_skips: 2 }; Sphynx has no
# cap, so search.textproto keeps 0), and that network trained with the
# baselines' schedule beside the 5 random baselines already trained
# (baselines.sh). The cap acts on derivation only, so nothing is searched
# again: the finished supernet checkpoint is copied into a fresh folder and
# `pinas search` resumes it, derives every epoch again from its alphas, and
# records the capped cells. That checkpoint predates per-epoch alphas, so only
# its last epoch (30, val acc 0.6024; the best, 27, had the same uncapped
# normal cell) can be derived again; the log says so for the others.
# The search's own retraining of the capped network is stopped (the same
# schedule runs next under `pinas train`, which also scores the test set).
# Resumes after a kill. Output: experiments/runs/darts_cifar10_skip_cap/ and
# experiments/runs/darts_cifar10/baselines_skip_cap/results.tsv.
# Usage: skip_cap.sh [PINAS]   (THREADS=N sets the intra-op threads)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
pinas=${1:-$root/build/nas/pinas}
search=experiments/runs/darts_cifar10
capped=experiments/runs/darts_cifar10_skip_cap
experiments/scripts/run_state.sh restore "$search" experiments/darts_cifar10/run_state.tar.gz
[[ -d experiments/runs/data/cifar10-jpeg-q75 ]] || scripts/fetch-cifar10-jpeg experiments/runs/data

if [[ ! -f $capped/derived_key.txt ]]; then
  [[ -f $search/supernet/darts.pt ]] || { echo "$0: no finished search in $search (run.sh)" >&2; exit 1; }
  rm -rf "$capped"
  mkdir -p "$capped/supernet"
  cp "$search/supernet/darts.pt" "$capped/supernet/darts.pt"
  sed -e 's/^    final_cells: 5$/    final_cells: 5\n    max_normal_skips: 2/' \
    -e "s|^output_dir: .*|output_dir: \"$capped\"|" -e 's/^name: .*/name: "darts-cifar10-skip-cap"/' \
    experiments/darts_cifar10/search.textproto > "$capped.textproto"
  grep -q 'max_normal_skips: 2' "$capped.textproto" || { echo "$0: could not set the cap" >&2; exit 1; }
  "$pinas" search --config "$capped.textproto" --out "$capped" > "$capped/search.log" 2>&1 &
  searching=$!
  # The derivation takes seconds; the line below comes before any retraining.
  until grep -q '^darts: derived network' "$capped/search.log"; do
    kill -0 "$searching" 2>/dev/null || { cat "$capped/search.log" >&2; exit 1; }
    sleep 1
  done
  kill "$searching"; wait "$searching" 2>/dev/null || true
  derived=$(sed -n 's/^darts: derived network \([^ ]*\) .*/\1/p' "$capped/search.log")
  [[ -n $derived ]] || { echo "$0: no derived network in $capped/search.log" >&2; exit 1; }
  echo "sphynx:$derived@3x32x32/10" > "$capped/derived_key.txt"
fi
key=$(cat "$capped/derived_key.txt")
echo "capped derived network: $key" >&2

# The random baselines are the ones baselines.sh trained with this schedule.
out=$search/baselines_skip_cap
mkdir -p "$out"
cp experiments/darts_cifar10/baselines_so_far/samples.tsv "$out/samples.tsv"
for done in experiments/darts_cifar10/baselines_so_far/random-*/result.json; do
  name=$(basename "$(dirname "$done")")
  [[ -f $out/$name/result.json ]] || { mkdir -p "$out/$name"; cp "$(dirname "$done")"/* "$out/$name/"; }
done
threads=()
[[ -n ${THREADS:-} ]] && threads=(--threads "$THREADS")
exec experiments/scripts/random_baselines.sh --found "$key" "$out" 5 "$pinas" -- \
  --data folder:experiments/runs/data/cifar10-jpeg-q75 --subset 5000 --val-fraction 0.1 --epochs 30 \
  --batch 96 --lr 0.025 --weight-decay 3e-4 --seed 1 --quiet "${threads[@]}"
