#!/usr/bin/env bash
# Runs (or, when killed, resumes) the quickstart-size ENAS search and prints
# its log: one line per supernet epoch, the scored final samples, then the
# retrained derived network.
# Usage: run.sh [PINAS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
pinas=${1:-$root/build/nas/pinas}
out=$root/experiments/runs/enas_fashion_mnist
cd "$root"
start=$(date +%s)
if [[ -f "$out/trials.db" ]]; then
  "$pinas" search --resume "$out" | tee -a "$out/search.log"
else
  mkdir -p "$out"
  "$pinas" search --config "$here/search.textproto" --out "$out" | tee "$out/search.log"
fi
echo "wall: $(( $(date +%s) - start )) s" | tee -a "$out/search.log"
"$pinas" status "$out"
