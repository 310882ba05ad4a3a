#!/usr/bin/env bash
# experiments/scripts/random_baselines.sh end to end on a tiny sphynx network:
# every sample keeps the found network's skeleton and ReLU count, each is
# trained and scored, and a second call trains nothing and prints the same
# table (a finished run is not repeated).
#   random_baselines.sh PINAS SOURCE_DIR WORKDIR
set -euo pipefail
pinas=$1 source=$2 workdir=$3
rm -rf "$workdir"
key='sphynx:N2-C2-R0.1:normal=skip~0,conv_3x3~1|conv_3x3~0,skip~1|skip~0,skip~3|skip~1,skip~4;reduce=conv_3x3~0,dil_conv_5x5~1|dil_conv_5x5~0,dil_conv_3x3~2|dil_conv_5x5~0,dil_conv_3x3~2|conv_3x3~1,skip~2@1x28x28/10'
train=(--data fashion-mnist --subset 200 --test-subset 100 --epochs 1 --threads 1 --quiet)
script=$source/experiments/scripts/random_baselines.sh
"$script" --found "$key" "$workdir" 3 "$pinas" -- "${train[@]}" > "$workdir.first" 2> "$workdir.first.log"
"$script" --found "$key" "$workdir" 3 "$pinas" -- "${train[@]}" > "$workdir.second" 2> "$workdir.second.log"
cmp "$workdir.first" "$workdir.second"
if grep -q training "$workdir.second.log"; then echo "the second call trained again" >&2; exit 1; fi
# Each trained network's own count, from the IR.
tail -n +2 "$workdir/results.tsv" | cut -f2 | while IFS= read -r trained; do
  relus=$("$pinas" inspect "$trained" --totals | sed -E 's/^relus=([0-9]+).*/\1/')
  [[ $relus == 3136 ]] || { echo "$trained has $relus ReLUs" >&2; exit 1; }
done
python3 - "$workdir/results.tsv" "$key" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
key = sys.argv[2]
assert [r["name"] for r in rows][0] == "found" and len(rows) == 4, [r["name"] for r in rows]
skeleton = key.split(":")[1]
for r in rows:
    assert r["key"].split(":")[1] == skeleton, r["key"]
    assert r["key"].endswith("@1x28x28/10"), r["key"]
    assert r["relus"] == "3136", r
    assert 0 <= float(r["test_accuracy"]) <= 1, r
assert len({r["key"] for r in rows}) == 4, "samples repeat"
print(f"{len(rows) - 1} random baselines at 3136 ReLUs and the found network, resumed without retraining")
PY
cat "$workdir.first"
