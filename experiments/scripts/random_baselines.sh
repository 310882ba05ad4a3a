#!/usr/bin/env bash
# Random-architecture baselines for a weight-sharing search (issue #11): draws
# COUNT genotypes uniformly from the space of KEY with KEY's macro skeleton
# (the "N5-C5-R0.1" or "L6-C14" part before the first ':'), keeps only those
# with exactly KEY's ReLU count (rejection sampling, so the draw stays uniform
# over the architectures at that count), and trains each with `pinas train`
# and TRAIN_ARGS, the same schedule and seed for all. With --found it trains
# KEY itself first, under the same schedule, as the searched network's row.
# Every run resumes after a kill (`pinas train --resume`); finished runs are
# skipped. Writes OUT/results.tsv (name, key, ReLUs, validation and test
# accuracy, seconds) and prints the table with the baselines' median.
# Usage: random_baselines.sh [--found] KEY OUT COUNT [PINAS] -- TRAIN_ARGS...
set -euo pipefail
found=0
if [[ ${1:-} == --found ]]; then found=1; shift; fi
[[ $# -ge 3 ]] || { echo "usage: $0 [--found] KEY OUT COUNT [PINAS] -- TRAIN_ARGS..." >&2; exit 2; }
key=$1 out=$2 count=$3
shift 3
root=$(cd "$(dirname "$0")/../.." && pwd)
pinas=$root/build/nas/pinas
if [[ $# -gt 0 && $1 != -- ]]; then pinas=$1; shift; fi
[[ ${1:-} == -- ]] && shift
train_args=("$@")
mkdir -p "$out"

space=${key%%:*}
rest=${key#*:}
macro=${rest%%:*}           # the skeleton the search fixed
suffix=""
[[ $key == *@* ]] && suffix="@${key##*@}"
relus_of() { "$pinas" inspect "$1" --totals | sed -E 's/^relus=([0-9]+).*/\1/'; }
target=$(relus_of "$key")

# The samples: seeds 1, 2, ... of `pinas sample`, with the skeleton replaced;
# the list is written once so a resumed run trains the same networks.
if [[ ! -f $out/samples.tsv ]]; then
  : > "$out/samples.tsv.tmp"
  seed=0 kept=0
  while [[ $kept -lt $count ]]; do
    seed=$((seed + 1))
    [[ $seed -le 10000 ]] || { echo "$0: fewer than $count samples at $target ReLUs in 10,000 draws" >&2; exit 1; }
    drawn=$("$pinas" sample --space "$space" --seed "$seed" --describe)
    candidate="$space:$macro:${drawn#*:}$suffix"
    [[ $(relus_of "$candidate") == "$target" ]] || continue
    kept=$((kept + 1))
    printf 'random-%d\t%s\n' "$seed" "$candidate" >> "$out/samples.tsv.tmp"
  done
  mv "$out/samples.tsv.tmp" "$out/samples.tsv"
fi

runs=()
[[ $found -eq 1 ]] && runs+=("found	$key")
while IFS= read -r line; do runs+=("$line"); done < "$out/samples.tsv"

for run in "${runs[@]}"; do
  name=${run%%	*} genotype=${run#*	}
  folder=$out/$name
  [[ -f $folder/result.json ]] && continue
  resume=()
  [[ -d $folder ]] && resume=(--resume)
  echo "$(date -u +%H:%M:%S) training $name: $genotype" >&2
  "$pinas" train "$genotype" "${train_args[@]}" --out "$folder" "${resume[@]}" --json > "$folder.json.tmp"
  mv "$folder.json.tmp" "$folder/result.json"
done

python3 - "$out" "$target" "${runs[@]}" <<'PY'
import json, statistics, sys
out, target, runs = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
rows = []
for run in runs:
    name, key = run.split("\t", 1)
    result = json.load(open(f"{out}/{name}/result.json"))
    rows.append((name, key, target, result.get("val_accuracy"), result["test_accuracy"], result.get("wall_seconds")))
with open(f"{out}/results.tsv", "w") as table:
    table.write("name\tkey\trelus\tval_accuracy\ttest_accuracy\tseconds\n")
    for row in rows:
        table.write("\t".join("" if v is None else str(v) for v in row) + "\n")
baselines = [row[4] for row in rows if row[0].startswith("random-")]
for name, key, relus, val, test, seconds in rows:
    print(f"{name:>10}  {relus:>8} ReLUs  test {100 * test:6.2f}%  {seconds or 0:7.0f} s  {key}")
if baselines:
    print(f"median of {len(baselines)} random baselines: {100 * statistics.median(baselines):.2f}% test")
PY
