#!/usr/bin/env bash
# `pinas reduce` end to end: trains a tiny teacher with `pinas train`, reduces
# it with METHOD to BUDGET, checks the front (every network at or under the
# budget, the reported count equal to the exported file's), then serves the
# reduced model privately as two processes over loopback TCP: the logits must
# equal the plaintext fixed-point reference bit for bit and the client must
# report exactly the model's ReLUs as garbled ReLUs.
#   reduce_serve_private.sh PINAS TEACHER_ARCH WORKDIR METHOD BUDGET [REDUCE_ARGS...]
set -euo pipefail
pinas=$1 arch=$2 workdir=$3 method=$4 budget=$5
shift 5
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$workdir"
mkdir -p "$workdir"
short=(--data fashion-mnist --subset 1000 --test-subset 200 --threads 1 --batch 64)
"$pinas" train "$arch" "${short[@]}" --epochs 1 --val-fraction 0.05 --quiet --out "$workdir/teacher" > /dev/null
"$pinas" export "$workdir/teacher" --out "$workdir/teacher.pb" > /dev/null
"$pinas" reduce "$workdir/teacher.pb" --method "$method" --budget "$budget" "${short[@]}" --quiet \
  --out "$workdir/reduce" --json "$@" > "$workdir/front.json"
model=$(python3 - "$workdir/front.json" "$budget" <<'PY'
import json, sys
front, budget = json.load(open(sys.argv[1])), int(sys.argv[2])
network = front["networks"][0]
assert network["relus"] <= budget, f"{network['relus']} ReLUs over the budget {budget}"
assert network["relus"] < front["baseline_relus"], "nothing was reduced"
print(network["model_file"])
PY
)
relus=$("$pinas" inspect "$model" --totals | sed -E 's/^relus=([0-9]+).*/\1/')
bash "$here/private_inference_matches_reference.sh" "$pinas" "$model" \
  /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz "$workdir/pi" 0 0 1
python3 - "$workdir/pi/infer-0.json" "$relus" <<'PY'
import json, sys
infer, relus = json.load(open(sys.argv[1])), int(sys.argv[2])
assert infer["garbled_relus"] == relus, f"{infer['garbled_relus']} garbled ReLUs, the model has {relus}"
print(f"reduced to {relus} ReLUs ({infer['polynomial_elements']} polynomial elements), garbled exactly {relus}")
PY
