#!/usr/bin/env bash
# Private inference as two real processes over loopback TCP, checked bit for
# bit against the plaintext fixed-point reference.
#   private_inference_matches_reference.sh PINAS MODEL IMAGES WORKDIR PORT INDEX... [-- SERVE_AND_REFERENCE_ARGS...]
# PORT 0 lets the server pick a free port (read back from its log).
# `pinas serve` answers one session per INDEX and exits; each `pinas infer`
# must print every key of the --json contract, and its fixed-point logits must
# equal `pinas pi reference`'s exactly. Prints "bit-exact N images, R rounds".
set -euo pipefail
pinas=$1 model=$2 images=$3 workdir=$4 port=$5
shift 5
indices=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do indices+=("$1"); shift; done
[ $# -gt 0 ] && shift
extra=("$@")
mkdir -p "$workdir"
"$pinas" serve "$model" --port "$port" --max-sessions "${#indices[@]}" "${extra[@]}" 2> "$workdir/serve.log" &
server=$!
trap 'kill $server 2>/dev/null || true; cat "$workdir/serve.log" >&2' EXIT
if [ "$port" = 0 ]; then
  # The server picked a free port and names it in its first log line.
  for _ in $(seq 300); do
    port=$(sed -n 's/.*listening on [^ ]*:\([0-9][0-9]*\) .*/\1/p' "$workdir/serve.log")
    [ -n "$port" ] && break
    kill -0 $server 2>/dev/null || { echo "pinas serve exited early" >&2; exit 1; }
    sleep 0.1
  done
  [ -n "$port" ] || { echo "pinas serve named no port" >&2; exit 1; }
fi
for index in "${indices[@]}"; do
  "$pinas" infer --server "127.0.0.1:$port" --input "$images" --index "$index" --json > "$workdir/infer-$index.json"
  "$pinas" pi reference "$model" --input "$images" --index "$index" "${extra[@]}" > "$workdir/reference-$index.json"
done
wait $server
trap - EXIT
python3 - "$workdir" "${indices[@]}" <<'PY'
import json, sys
workdir, indices = sys.argv[1], sys.argv[2:]
keys = ["logits", "label", "offline_bytes", "online_bytes", "offline_s", "online_s", "rounds"]
for index in indices:
    private = json.load(open(f"{workdir}/infer-{index}.json"))
    reference = json.load(open(f"{workdir}/reference-{index}.json"))
    missing = [k for k in keys if k not in private]
    assert not missing, f"image {index}: infer --json lacks {missing}"
    assert private["logits_fixed"] == reference["logits_fixed"], \
        f"image {index}: private {private['logits_fixed']} != reference {reference['logits_fixed']}"
print(f"bit-exact {len(indices)} images, {private['rounds']} rounds")
PY
